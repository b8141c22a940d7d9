import { defineConfig } from 'vitest/config';

/** Each test file's loggers record their lines and secrets for the secret scan (see the file). */
const setupFiles = ['src-main/core/test-support/log-capture-setup.ts'];
/**
 * Per project: a project does not inherit the root's test options, and the default 5 s is
 * too short for the fuzz and integration tests on a busy 2-core machine.
 */
const timeouts = { testTimeout: 30_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    // Every log line of the run is scanned for every secret afterwards (see the file).
    globalSetup: ['src-main/core/test-support/secret-scan.ts'],
    projects: [
      {
        test: {
          name: 'main',
          include: ['src-main/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          setupFiles,
          ...timeouts,
        },
      },
      {
        oxc: { jsx: { runtime: 'automatic' } },
        test: {
          name: 'renderer',
          include: ['src-renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: [...setupFiles, 'src-renderer/src/test-support/testing-library-setup.ts'],
          ...timeouts,
        },
      },
    ],
  },
});
