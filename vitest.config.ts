import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Suites start loopback servers; the default 5 s is tight on a loaded 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests must not depend on the developer's credentials or config.
    // The AWS SDK's Node 20 end-of-support notice is noise in test output, as in the npm scripts.
    env: { LOG_LEVEL: 'SILENT', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
