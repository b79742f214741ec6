import { defineConfig } from 'vitest/config';
import { shared } from './vitest.config.js';

/** The integration tier (`npm run test:integration`): tests that drive heavy real peers, installed from test/integration/package.json. */
export default defineConfig({
  test: {
    ...shared,
    include: ['test/integration/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
  },
});
