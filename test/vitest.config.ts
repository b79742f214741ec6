import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for an event; its 1 s default failed under load (a serve job's first worker starting).
    expect: { poll: { timeout: 30_000, interval: 50 } },
    pool: 'forks',
    // Shared 2-core machines: e2e files spawn many processes; keep the fan-out modest.
    maxWorkers: 2,
  },
});
