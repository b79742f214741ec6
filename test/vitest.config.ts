import { defineConfig } from 'vitest/config';

/**
 * The fast gate (`npm test`): every test under test/ except the integration tier (test/integration/, which drives heavy
 * real peers: the pre-commit framework, buf, Chromium, npm pack/install, the Kafka clients, the README quick start; run
 * by `npm run test:integration`). Excluding one folder, rather than listing the fast ones, means a new test file always
 * runs in one tier or the other.
 */
export const shared = {
  root: new URL('..', import.meta.url).pathname,
  testTimeout: 60_000,
  hookTimeout: 60_000,
  // expect.poll waits for an event; its 1 s default failed under load (a serve job's first worker starting).
  expect: { poll: { timeout: 30_000, interval: 50 } },
  pool: 'forks' as const,
  // Shared 2-core machines: e2e files spawn many processes; keep the fan-out modest.
  maxWorkers: 2,
};

export default defineConfig({
  test: {
    ...shared,
    include: ['test/**/*.test.ts'],
    exclude: ['test/integration/**', '**/node_modules/**'],
  },
});
