import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['train/**/*.test.ts', 'edge/**/*.test.ts', 'scripts/**/*.test.ts', 'site/**/*.test.ts'],
    exclude: ['node_modules', 'site/dist', '.wrangler'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // onnxruntime sessions and the workerd runtime each want a core; two forks keep the 2-core machine busy without thrashing.
    pool: 'forks',
    maxWorkers: 2,
  },
});
