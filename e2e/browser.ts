/**
 * Which Chromium the specs drive: Playwright's own when it is installed, else the
 * system's. Without either the run stops at once with a message naming both ways to get
 * one, instead of every spec failing on its own.
 */
import { existsSync } from 'node:fs';
import { chromium, type LaunchOptions } from '@playwright/test';

/** Where a Debian/Ubuntu `apt-get install chromium` puts it. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Flags for a quiet, offline, reproducible browser in CI containers. */
export const CHROMIUM_ARGS = [
  // Containers rarely allow the user namespaces Chromium's sandbox needs; the pages are ours.
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Chromium preloads the omnibox popup's WebUI in a renderer of its own as a tab opens:
  // CPU on a 2-core runner that the page under test (and the UI benchmark's timings) pay for.
  '--disable-features=PreloadTopChromeWebUI',
];

/** The Chromium executable to use. */
export function findChromium(): string {
  const bundled = chromium.executablePath();
  if (existsSync(bundled)) return bundled;
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  throw new Error(
    [
      'No Chromium for the end-to-end specs. Looked for:',
      `  Playwright's own: ${bundled}`,
      `  the system's:     ${SYSTEM_CHROMIUM}`,
      'Get one of them:',
      '  npx playwright install chromium      (where downloads from the Playwright CDN work)',
      '  apt-get install -y chromium          (Debian/Ubuntu; no CDN needed)',
    ].join('\n'),
  );
}

/** Launch options of the browser-mode project. */
export function chromiumLaunchOptions(): LaunchOptions {
  return { executablePath: findChromium(), args: CHROMIUM_ARGS };
}
