/**
 * Electron IPC's way in: a request from anything but the app window's top frame showing
 * the app's page is refused before the payload is even read, and a malformed payload from
 * the trusted window is refused by the same path (dispatch), with the real TunnelDeskApp.
 * Electron's IpcMainInvokeEvent cannot exist in plain Node: a minimal plain object with
 * the fields the check reads ({ sender: { id }, senderFrame: { url, parent } }) stands in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from '../app/app.js';
import { testApp } from '../app/test-support/test-environment.js';
import { createLogger, LogLevel, type LogRecord } from '../core/log/logger.js';
import { requests } from '../ipc/contract.js';
import {
  handleIpcRequest,
  isTrustedSender,
  shouldSendEvent,
  type IpcSender,
  type TrustedWindow,
} from './ipc-policy.js';

const appUrl = 'file:///opt/TunnelDesk/out/renderer/index.html';
const trusted: TrustedWindow = { webContentsId: 7, appUrl };

/** Stands in for an IpcMainInvokeEvent. */
function sender(id: number, url: string | null, parent: unknown = null): IpcSender {
  return { sender: { id }, senderFrame: url === null ? null : { url, parent } };
}

const apps: TunnelDeskApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.shutdown()));
});

function app(): TunnelDeskApp {
  const made = testApp({ runtime: 'electron' }).app;
  apps.push(made);
  return made;
}

function recordingLog() {
  const records: LogRecord[] = [];
  return { log: createLogger({ level: LogLevel.Trace, sink: (r) => records.push(r) }), records };
}

describe('isTrustedSender', () => {
  it("trusts the app window's top frame showing the app page", () => {
    expect(isTrustedSender(sender(7, appUrl), trusted)).toBe(true);
    expect(isTrustedSender(sender(7, `${appUrl}#/logs`), trusted)).toBe(true);
  });

  it.each([
    ['another web contents', sender(8, appUrl)],
    ['a subframe of the window', sender(7, appUrl, { url: appUrl })],
    ['the window showing another page', sender(7, 'https://evil.example/')],
    ['the window showing another local file', sender(7, 'file:///tmp/evil.html')],
    ['a frame that is gone', sender(7, null)],
  ])('refuses %s', (_what, event) => {
    expect(isTrustedSender(event, trusted)).toBe(false);
  });

  it('refuses everything while no window is open', () => {
    expect(isTrustedSender(sender(7, appUrl), undefined)).toBe(false);
  });
});

describe('handleIpcRequest', () => {
  it('answers a valid request from the app window', async () => {
    const reply = await handleIpcRequest(
      app(),
      requests.getAppInfo.channel,
      sender(7, appUrl),
      undefined,
      trusted,
      recordingLog().log,
    );
    expect(reply).toMatchObject({ ok: true, value: { runtime: 'electron' } });
  });

  it('refuses a request from an unexpected sender with "forbidden", and logs it', async () => {
    const { log, records } = recordingLog();
    const reply = await handleIpcRequest(
      app(),
      requests.getSettings.channel,
      sender(8, 'https://evil.example/'),
      undefined,
      trusted,
      log,
    );
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'forbidden',
        message: 'request refused: not the app window',
        field: null,
        command: null,
        action: null,
      },
    });
    expect(records.map((r) => r.message)).toEqual([
      'refused renderer:get-settings from web contents 8: not the app window',
    ]);
  });

  it('refuses an untrusted sender before looking at the payload or running the handler', async () => {
    const made = app();
    const reply = await handleIpcRequest(
      made,
      requests.updateSettings.channel,
      sender(7, appUrl, { url: appUrl }),
      { theme: 'dark' },
      trusted,
      recordingLog().log,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(made.getSettings().theme).toBe('system');
  });

  it('refuses a malformed payload from the app window, naming the field', async () => {
    const reply = await handleIpcRequest(
      app(),
      requests.openSandbox.channel,
      sender(7, appUrl),
      { services: [{ serviceId: 'SSH1', port: -1, bindAddress: '127.0.0.1' }] },
      trusted,
      recordingLog().log,
    );
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', field: 'services[0].port' },
    });
  });

  it('refuses fields the contract does not have', async () => {
    const reply = await handleIpcRequest(
      app(),
      requests.updateSettings.channel,
      sender(7, appUrl),
      { theme: 'dark', admin: true },
      trusted,
      recordingLog().log,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('refuses a channel outside the contract', async () => {
    const reply = await handleIpcRequest(
      app(),
      'renderer:run-shell',
      sender(7, appUrl),
      { command: 'id' },
      trusted,
      recordingLog().log,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});

describe('shouldSendEvent', () => {
  const shown = { destroyed: false, visible: true, minimized: false, url: appUrl };

  it('sends every event to the visible app window', () => {
    for (const name of ['sessions', 'stats', 'logs', 'settings'] as const) {
      expect(shouldSendEvent(name, shown, appUrl)).toBe(true);
    }
  });

  it('drops live figures while the window is hidden or minimised, but not the rest', () => {
    expect(shouldSendEvent('stats', { ...shown, visible: false }, appUrl)).toBe(false);
    expect(shouldSendEvent('stats', { ...shown, minimized: true }, appUrl)).toBe(false);
    expect(shouldSendEvent('sessions', { ...shown, minimized: true }, appUrl)).toBe(true);
  });

  it('sends nothing to a destroyed window or one showing another page', () => {
    expect(shouldSendEvent('sessions', { ...shown, destroyed: true }, appUrl)).toBe(false);
    expect(shouldSendEvent('sessions', { ...shown, url: 'https://evil.example/' }, appUrl)).toBe(
      false,
    );
  });
});
