/**
 * End-to-end specs in a real Chromium (`npm run test:e2e`). Every spec runs twice: over
 * browser mode (`tunneldesk web`, started per test on a free port) and in the Electron
 * app, which is skipped, with the reason, where Electron's binary or a display is missing.
 * Screenshots, traces and server logs land in test-results/ as artifacts.
 */
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './browser.js';
import type { AppRuntime } from './fixtures.js';

export default defineConfig<{ runtime: AppRuntime }>({
  testDir: '.',
  // The secret scan of the unit tests, over every `tunneldesk web` the specs start.
  globalSetup: '../src-main/core/test-support/secret-scan.ts',
  testMatch: '**/*.spec.ts',
  outputDir: '../test-results',
  // Each test starts its own server on its own port, with its own settings file.
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // The longer specs walk a whole tunnel's life (open, traffic, remap, close) in 10-20 s on a
  // quiet machine; a busy 2-core one needs more. A hang still fails, only later.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: '../playwright-report', open: 'never' }]],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'browser-mode',
      use: { runtime: 'web', browserName: 'chromium', launchOptions: chromiumLaunchOptions() },
    },
    { name: 'electron', use: { runtime: 'electron' } },
  ],
});
