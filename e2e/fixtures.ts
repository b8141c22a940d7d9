/**
 * What the specs stand on. `webApp` starts browser mode for one test (its own process,
 * port and settings file, so specs are independent and run in parallel) and stops it
 * after. `appPage` is the app's window in the project's runtime: a Chromium page on
 * browser mode, or the Electron app's first window through Playwright's `_electron`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { _electron, test as base, type Browser, type Page, type TestInfo } from '@playwright/test';
import { displayProblem, findElectron } from '../scripts/start.mjs';
import { captureNodeArgs } from '../src-main/core/test-support/log-capture.mjs';

/** Where a project runs the app: browser mode in Chromium, or the Electron app. */
export type AppRuntime = 'web' | 'electron';

const root = join(import.meta.dirname, '..');
const URL_LINE = /^http:\/\/127\.0\.0\.1:\d+\/\?secret=[A-Za-z0-9_-]+$/;

/** A running `tunneldesk web`. */
export interface WebApp {
  /** The URL it printed, with this run's secret. */
  readonly url: string;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly secret: string;
}

interface TestFixtures {
  webApp: WebApp;
  appPage: Page;
}

interface WorkerFixtures {
  runtime: AppRuntime;
  /** Chromium, launched on first use only: an Electron run needs none. */
  lazyBrowser: () => Promise<Browser>;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Resolves with the URL line `tunneldesk web` prints, or rejects with what it said instead. */
function urlLine(child: ChildProcess, log: string[]): Promise<string> {
  createInterface({ input: child.stderr! }).on('line', (line) => log.push(`stderr: ${line}`));
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`tunneldesk web printed no URL within 15 s\n${log.join('\n')}`)),
      15_000,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.push(`stdout: ${line}`);
      if (URL_LINE.test(line.trim())) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `tunneldesk web exited (${code}) before printing its URL; is the app built (npm run build)?\n${log.join('\n')}`,
        ),
      );
    });
  });
}

/** Runs `tunneldesk web --no-open --port 0` around `body`, with a settings file of its own. */
async function withWebApp(testInfo: TestInfo, body: (app: WebApp) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-e2e-'));
  const log: string[] = [];
  const child = spawn(
    process.execPath,
    // captureNodeArgs(): its log lines and secrets go to the secret scan (secret-scan.ts).
    [
      ...captureNodeArgs(),
      join(root, 'bin', 'tunneldesk.js'),
      'web',
      '--no-open',
      '--port',
      '0',
      '-v',
      '4',
    ],
    {
      cwd: root,
      env: { ...process.env, TUNNELDESK_SETTINGS_FILE: join(dir, 'settings.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    const url = await urlLine(child, log);
    const parsed = new URL(url);
    await body({ url, origin: parsed.origin, secret: parsed.searchParams.get('secret')! });
  } finally {
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 5_000))) child.kill('SIGKILL');
    await testInfo.attach('tunneldesk-web.log', {
      body: log.join('\n'),
      contentType: 'text/plain',
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A screenshot of the app as the test left it, kept under test-results/ as an artifact. */
async function keepScreenshot(page: Page, testInfo: TestInfo): Promise<void> {
  if (page.isClosed()) return;
  const path = testInfo.outputPath('app.png');
  try {
    await page.screenshot({ path });
    await testInfo.attach('app', { path, contentType: 'image/png' });
  } catch {
    // The window went away with the test (a crash shows in the test's own error).
  }
}

/** Playwright's `test` with `runtime`, `webApp` and `appPage`. */
export const test = base.extend<TestFixtures, WorkerFixtures>({
  runtime: ['web', { option: true, scope: 'worker' }],

  lazyBrowser: [
    async ({ playwright, launchOptions }, use) => {
      let browser: Promise<Browser> | undefined;
      await use(() => (browser ??= playwright.chromium.launch(launchOptions)));
      if (browser) await (await browser).close();
    },
    { scope: 'worker' },
  ],

  // Playwright reads a fixture's dependencies from this pattern: it must be there, even empty.
  // eslint-disable-next-line no-empty-pattern
  webApp: async ({}, use, testInfo) => {
    await withWebApp(testInfo, use);
  },

  // The window's size and colour scheme follow `test.use({ viewport, colorScheme })`.
  appPage: async ({ runtime, lazyBrowser, viewport, colorScheme }, use, testInfo) => {
    if (runtime === 'web') {
      await withWebApp(testInfo, async (webApp) => {
        const context = await (await lazyBrowser()).newContext({ viewport, colorScheme });
        try {
          const page = await context.newPage();
          await page.goto(webApp.url);
          await use(page);
          await keepScreenshot(page, testInfo);
        } finally {
          await context.close();
        }
      });
      return;
    }
    const electron = findElectron();
    const reason = 'reason' in electron ? electron.reason : displayProblem();
    testInfo.skip(reason !== undefined, `the Electron app cannot run here: ${reason}`);
    if (!('path' in electron)) return;
    const userData = mkdtempSync(join(tmpdir(), 'tunneldesk-e2e-electron-'));
    const app = await _electron.launch({
      // Given explicitly: without it Playwright would require('electron'), which downloads.
      executablePath: electron.path,
      args: [join(root, 'out', 'main', 'main.js')],
      // A user data folder per test: settings apart, and no single-instance lock to share.
      env: { ...(process.env as Record<string, string>), TUNNELDESK_USER_DATA_DIR: userData },
    });
    try {
      const page = await app.firstWindow();
      if (viewport) await page.setViewportSize(viewport);
      if (colorScheme) await page.emulateMedia({ colorScheme });
      await use(page);
      await keepScreenshot(page, testInfo);
    } finally {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    }
  },
});

export { expect } from '@playwright/test';
