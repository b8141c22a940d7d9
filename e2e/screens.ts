/**
 * Every screen an operator meets, in one walk: the empty home, the "New tunnel" dialog
 * (both ways to connect), a connected sandbox tunnel's live view with traffic, the theme
 * setting, Devices with a thing picked, its "Open tunnel" dialog, and Logs. Specs that
 * check something of every screen (console, accessibility, screenshots) walk it and look at
 * each stop.
 */
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expect } from './fixtures.js';
import { httpGet } from './steps.js';

/**
 * Keeps a screenshot of `screen` as an artifact, named for the window and scheme it was
 * taken at: artifacts/screenshots/<screen>-<width>x<height>-<light|dark>.png (gitignored).
 */
export async function keepScreenshot(
  page: Page,
  testInfo: TestInfo,
  screen: string,
): Promise<string> {
  const size = page.viewportSize();
  const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
  const folder = join(import.meta.dirname, '..', 'artifacts', 'screenshots');
  mkdirSync(folder, { recursive: true });
  const name = `${screen}-${size?.width ?? 0}x${size?.height ?? 0}-${dark ? 'dark' : 'light'}.png`;
  const path = join(folder, name);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  return path;
}

export type ScreenName =
  | 'home'
  | 'connect-sandbox'
  | 'connect-token'
  | 'live-view'
  | 'live-view-idle'
  | 'settings-theme'
  | 'devices'
  | 'open-tunnel-dialog'
  | 'logs';

/** Called at each screen once it has settled; its screenshot has been kept already. */
export type AtScreen = (name: ScreenName) => Promise<void>;

export const SANDBOX_DEVICE = 'e2e-screens-pi';

/** The port a connected tunnel's page shows for `serviceId`. */
export async function boundPort(page: Page, serviceId: string): Promise<number> {
  const bound = page.getByTestId('session-detail').getByTestId(`bound-port-${serviceId}`);
  await expect(bound).toHaveAttribute('data-port', /^\d+$/);
  return Number(await bound.getAttribute('data-port'));
}

/** Opens a sandbox tunnel (HTTP1, SSH1) from "New tunnel", and waits until it is connected. */
export async function openSandboxTunnel(page: Page, device = SANDBOX_DEVICE): Promise<void> {
  await page.getByRole('button', { name: 'New tunnel', exact: true }).click();
  const form = page.getByTestId('sandbox-form');
  await form.getByLabel('Device name').fill(device);
  await form.getByRole('button', { name: 'Open sandbox tunnel' }).click();
  const detail = page.getByTestId('session-detail');
  await expect(detail.getByTestId('session-state')).toHaveAttribute('data-state', 'connected');
}

/**
 * A keep-alive HTTP request through 127.0.0.1:PORT whose connection stays open after the
 * answer (until the returned socket is destroyed), so the live view has a row to show.
 */
export function heldConnection(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer on :${port} in 10 s`)));
    socket.once('error', reject);
    socket.once('connect', () =>
      socket.write('GET /held HTTP/1.1\r\nHost: device\r\nConnection: keep-alive\r\n\r\n'),
    );
    socket.once('data', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
  });
}

/**
 * Requests through HTTP1, one of them on a connection held open (returned: destroy it when
 * done), until the live view shows its row and the legend's latest values.
 */
export async function makeTraffic(page: Page, requests = 6): Promise<net.Socket> {
  const port = await boundPort(page, 'HTTP1');
  for (let i = 0; i < requests; i++)
    expect((await httpGet(port, `/screens-${i}`)).status).toBe(200);
  const held = await heldConnection(port);
  const detail = page.getByTestId('session-detail');
  await expect(detail.getByTestId('connection-row').first()).toBeVisible();
  // The legend shows the latest rates (they fall back to 0 once a request is answered).
  await expect(detail.getByTestId('legend-in')).toHaveAttribute('data-value', /^\d/);
  await expect(detail.getByTestId('legend-out')).toHaveAttribute('data-value', /^\d/);
  return held;
}

/** Walks every screen, keeping a screenshot of each, and calls `at` there. */
export async function walkScreens(page: Page, testInfo: TestInfo, at: AtScreen): Promise<void> {
  const stop = async (name: ScreenName) => {
    await keepScreenshot(page, testInfo, name);
    await at(name);
  };

  await expect(page.getByTestId('transport-status')).toHaveText(/Live/);
  await expect(page.getByRole('main')).toBeVisible();
  await stop('home');

  await page.getByRole('button', { name: 'New tunnel', exact: true }).click();
  const dialog = page.getByTestId('connect-dialog');
  await expect(dialog.getByTestId('sandbox-form')).toBeVisible();
  await stop('connect-sandbox');
  await dialog.getByRole('tab', { name: 'Access token' }).click();
  await expect(dialog.getByRole('tab', { name: 'Access token' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await stop('connect-token');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  await openSandboxTunnel(page);
  const held = await makeTraffic(page);
  // The screenshots show what changed: the plot here, the connections list below.
  await page.getByTestId('throughput-plot').scrollIntoViewIfNeeded();
  try {
    await stop('live-view');
  } finally {
    held.destroy();
  }
  // Traffic has ended: the panel says how many came and went, and keeps the closed ones.
  const detail = page.getByTestId('session-detail');
  await expect(detail.getByTestId('connection-count')).toHaveText(
    /^No open connections · \d+ since opened$/,
  );
  await expect(
    detail.locator('[data-testid="connection-row"][data-state="closed"]').first(),
  ).toBeVisible();
  await detail
    .getByTestId('connection-count')
    .evaluate((count) => count.closest('section')!.scrollIntoView({ block: 'start' }));
  await stop('live-view-idle');

  // The one setting there is: the theme, chosen explicitly to match the scheme shown.
  const dark = (await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches))
    ? 'Dark theme'
    : 'Light theme';
  await page.getByRole('radio', { name: dark }).click();
  await expect(page.getByRole('radio', { name: dark })).toHaveAttribute('aria-checked', 'true');
  await stop('settings-theme');

  await page.getByRole('link', { name: 'Devices', exact: true }).click();
  await page
    .getByTestId('source-select')
    .selectOption({ label: 'Sandbox: built-in devices, no AWS account' });
  const things = page.getByRole('listbox', { name: 'Things' });
  // The built-in devices (the sandbox tunnel above may have added its own).
  await things.locator('[data-thing="gateway-berlin-02"]').click();
  const thing = page.getByTestId('thing-detail');
  await expect(thing).toBeVisible();
  await expect(thing.getByRole('table').or(page.getByTestId('no-tunnels')).first()).toBeVisible();
  await stop('devices');

  await thing.getByRole('button', { name: /^Open tunnel/ }).click();
  await expect(page.getByTestId('open-tunnel-form')).toBeVisible();
  await stop('open-tunnel-dialog');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('open-tunnel-dialog')).toHaveCount(0);

  await page.getByRole('link', { name: /^Logs/ }).click();
  await expect(page.getByRole('heading', { name: 'Logs', level: 1 })).toBeVisible();
  await stop('logs');
}
