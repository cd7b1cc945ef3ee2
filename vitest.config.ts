import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Suites start loopback servers; the default 5 s is tight on a loaded 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests must not depend on the developer's credentials or config.
    env: { LOG_LEVEL: 'SILENT' },
  },
});
