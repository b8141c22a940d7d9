/**
 * Smoke: the app comes up and shows its shell, in browser mode and (where it can run) in
 * Electron; browser mode lets nobody in without this run's secret, and no other site's
 * page onto its IPC WebSocket. The renderer is young: UI assertions stay minimal here.
 */
import WebSocket from 'ws';
import { expect, test } from './fixtures.js';

test('the app loads and shows its shell', async ({ appPage }) => {
  await expect(appPage.getByText('TunnelDesk').first()).toBeVisible();
});

test.describe("browser mode's guard", () => {
  test.skip(({ runtime }) => runtime !== 'web', 'about the browser-mode transport only');

  test('a request without the secret gets 401', async ({ webApp, request }) => {
    const bare = await request.get(`${webApp.origin}/`, { maxRedirects: 0 });
    expect(bare.status()).toBe(401);
    const wrong = await request.get(`${webApp.origin}/?secret=not-the-secret`, { maxRedirects: 0 });
    expect(wrong.status()).toBe(401);
    const right = await request.get(webApp.url, { maxRedirects: 0 });
    expect(right.status()).toBe(303);
  });

  test('the IPC WebSocket refuses a foreign Origin with 403, even with the cookie', async ({
    webApp,
    request,
  }) => {
    const login = await request.get(webApp.url, { maxRedirects: 0 });
    const cookie = login.headers()['set-cookie']!.split(';')[0]!;
    const ipcUrl = `${webApp.origin.replace(/^http/, 'ws')}/ipc`;
    const statusFor = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(ipcUrl, { headers: { origin, cookie } });
        socket.once('open', () => {
          socket.close();
          resolve(101);
        });
        socket.once('unexpected-response', (_request, response) => {
          resolve(response.statusCode ?? 0);
          socket.terminate();
        });
        socket.once('error', reject);
      });
    expect(await statusFor('https://evil.example')).toBe(403);
    expect(await statusFor('http://localhost.evil.example')).toBe(403);
    // The same request from the app's own origin is let in: the 403 was the Origin alone.
    expect(await statusFor(webApp.origin)).toBe(101);
  });
});
