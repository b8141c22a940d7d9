import { defineConfig } from 'vitest/config';

/** Each test file's loggers record their lines and secrets for the secret scan (see the file). */
const setupFiles = ['src-main/core/test-support/log-capture-setup.ts'];

export default defineConfig({
  test: {
    // Every log line of the run is scanned for every secret afterwards (see the file).
    globalSetup: ['src-main/core/test-support/secret-scan.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        test: {
          name: 'main',
          include: ['src-main/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          setupFiles,
        },
      },
      {
        oxc: { jsx: { runtime: 'automatic' } },
        test: {
          name: 'renderer',
          include: ['src-renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles,
        },
      },
    ],
  },
});
