/**
 * Vitest configuration: every `*.test.ts` under test/; generous per-test timeouts because the
 * first use of each WebGPU pipeline on lavapipe JIT-compiles for up to several seconds.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
