/**
 * The guards as Electron would call them. Electron's objects cannot exist in plain Node,
 * so minimal plain objects stand in for WebContents and Session: they record the handlers
 * harden.ts installs, and the tests call those handlers the way Electron does.
 */
import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../app/content-security-policy.js';
import { createLogger, LogLevel, type LogRecord } from '../core/log/logger.js';
import { hardenSession, hardenWebContents } from './harden.js';

const appUrl = 'file:///opt/TunnelDesk/out/renderer/index.html';

type Handler = (...args: unknown[]) => unknown;

function recordingLog() {
  const records: LogRecord[] = [];
  return { log: createLogger({ level: LogLevel.Trace, sink: (r) => records.push(r) }), records };
}

/** A stand-in for WebContents: only what harden.ts touches. */
function standInContents() {
  const listeners = new Map<string, Handler>();
  let windowOpen: Handler | undefined;
  const contents = {
    on(event: string, listener: Handler) {
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler(handler: Handler) {
      windowOpen = handler;
    },
  };
  return {
    contents: contents as unknown as WebContents,
    emit(event: string, url = '') {
      let prevented = false;
      listeners.get(event)!({ url, preventDefault: () => (prevented = true) });
      return prevented;
    },
    openWindow: (url: string) => windowOpen!({ url }),
  };
}

/** A stand-in for Session: records the permission and header handlers. */
function standInSession() {
  const handlers: Record<string, Handler> = {};
  const session = {
    setPermissionRequestHandler: (h: Handler) => (handlers.request = h),
    setPermissionCheckHandler: (h: Handler) => (handlers.check = h),
    webRequest: { onHeadersReceived: (h: Handler) => (handlers.headers = h) },
  };
  return {
    session: session as unknown as Session,
    request(permission: string, requestingUrl: string) {
      let granted: boolean | undefined;
      handlers.request!({}, permission, (g: boolean) => (granted = g), { requestingUrl });
      return granted;
    },
    check: (permission: string, requestingUrl?: string) =>
      handlers.check!({}, permission, 'file:///', { requestingUrl, isMainFrame: true }),
    headers(responseHeaders: Record<string, string[]>) {
      let response: unknown;
      handlers.headers!(
        { url: 'https://x.example/', responseHeaders },
        (r: unknown) => (response = r),
      );
      return response;
    },
  };
}

describe('hardenWebContents', () => {
  it('blocks navigation and redirects away from the app, and logs them', () => {
    const { log, records } = recordingLog();
    const window = standInContents();
    hardenWebContents(window.contents, appUrl, log);
    expect(window.emit('will-navigate', 'https://evil.example/')).toBe(true);
    expect(window.emit('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(records.map((r) => r.message)).toEqual([
      'blocked a navigation to https://evil.example/: the window shows only the app',
      'blocked a redirect to file:///etc/passwd: the window shows only the app',
    ]);
  });

  it("lets the window (re)load the app's own page", () => {
    const window = standInContents();
    hardenWebContents(window.contents, appUrl, recordingLog().log);
    expect(window.emit('will-navigate', appUrl)).toBe(false);
  });

  it('denies every window.open, even of the app itself', () => {
    const window = standInContents();
    hardenWebContents(window.contents, appUrl, recordingLog().log);
    expect(window.openWindow('https://evil.example/')).toEqual({ action: 'deny' });
    expect(window.openWindow(appUrl)).toEqual({ action: 'deny' });
  });

  it('refuses to attach a webview', () => {
    const window = standInContents();
    hardenWebContents(window.contents, appUrl, recordingLog().log);
    expect(window.emit('will-attach-webview')).toBe(true);
  });

  it('keeps a crafted long URL out of the log', () => {
    const { log, records } = recordingLog();
    const window = standInContents();
    hardenWebContents(window.contents, appUrl, log);
    window.emit('will-navigate', `https://evil.example/${'a'.repeat(10_000)}`);
    expect(records[0]!.message.length).toBeLessThan(300);
  });
});

describe('hardenSession', () => {
  it('denies permission requests and checks', () => {
    const session = standInSession();
    hardenSession(session.session, appUrl);
    expect(session.request('media', appUrl)).toBe(false);
    expect(session.request('notifications', appUrl)).toBe(false);
    expect(session.check('clipboard-read', appUrl)).toBe(false);
    expect(session.check('geolocation')).toBe(false);
  });

  it("grants only the app page's sanitized clipboard write", () => {
    const session = standInSession();
    hardenSession(session.session, appUrl);
    expect(session.request('clipboard-sanitized-write', appUrl)).toBe(true);
    expect(session.check('clipboard-sanitized-write', appUrl)).toBe(true);
    expect(session.request('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
  });

  it('sends the CSP as a response header', () => {
    const session = standInSession();
    hardenSession(session.session, appUrl);
    expect(session.headers({ 'content-type': ['text/html'] })).toEqual({
      responseHeaders: {
        'content-type': ['text/html'],
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
});
