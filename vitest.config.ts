import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', '**/node_modules/**'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    env: {
      // The AWS SDK warns once per process about Node versions it will stop supporting; tests only.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      DISABLE_PRERELEASE_WARNING: 'true',
      POWERTOOLS_DEV: 'false',
    },
  },
});
