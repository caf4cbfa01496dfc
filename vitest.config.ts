import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: process.env.MNEMO_TEST_MODULES ? ['test/**/*.module.test.ts'] : ['test/**/*.test.ts'],
    // Tests that need something no machine has by default (a RediSearch module): npm run test:redisearch.
    exclude: process.env.MNEMO_TEST_MODULES ? [] : ['test/**/*.module.test.ts', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
