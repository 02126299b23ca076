import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Tests start real servers and child processes on a 2-core machine: keep
    // parallelism modest so timing assertions stay meaningful.
    maxWorkers: 2,
    // `auto` would pick Docker wherever an engine runs; the suite pins the
    // process runtime and the Docker tests ask for `docker` explicitly.
    env: { AGENTUP_RUNTIME: 'process' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
