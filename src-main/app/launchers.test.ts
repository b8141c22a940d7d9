/**
 * What main will launch, whatever the renderer asks: a browser only for http(s) on this
 * machine's loopback at a port, in Electron (launch-deps.test.ts) and in browser mode alike;
 * ssh only to loopback with a checked user; and only for the ports a session serves now.
 */
import { describe, expect, it } from 'vitest';
import { requests } from '../ipc/contract.js';
import { dispatch } from './dispatch.js';
import { AppError } from '../ipc/contract.js';
import {
  browserUrl,
  checkLocalUrl,
  hasDisplay,
  launchTerminal,
  loopbackHost,
  spawnDetached,
  sshArgs,
} from './launchers.js';
import { nodeLaunchDeps } from './node-environment.js';
import { recordingLaunchDeps, testApp } from './test-support/test-environment.js';

const REFUSED = [
  'https://example.com/',
  'http://127.0.0.1.evil.example:80/',
  'http://127.0.0.1:5555@evil.example/',
  'http://10.0.0.1:5555/',
  'http://localhost:5555/',
  'http://127.0.0.1/',
  'file:///etc/passwd',
  'ssh://127.0.0.1:22/',
  'javascript:alert(1)',
  'not a url',
];

describe('checkLocalUrl', () => {
  it.each(['http://127.0.0.1:5555/', 'https://127.0.0.1:8443/x?y', 'http://[::1]:5555/'])(
    'lets %s through',
    (url) => {
      expect(checkLocalUrl(url)).toBe(new URL(url).toString());
    },
  );

  it.each(REFUSED)('refuses %s', (url) => {
    expect(() => checkLocalUrl(url)).toThrow(/only http\(s\) URLs on 127\.0\.0\.1|not a URL/);
  });
});

describe('browser mode openExternal', () => {
  it.each(REFUSED)('refuses %s before any browser starts', async (url) => {
    await expect(nodeLaunchDeps().openExternal(url)).rejects.toMatchObject({
      code: 'launch-failed',
    });
  });
});

describe('what the launchers build', () => {
  it('reaches a listener only on loopback', () => {
    expect(browserUrl('http', '0.0.0.0', 5555)).toBe('http://127.0.0.1:5555/');
    expect(browserUrl('https', '::1', 5555)).toBe('https://[::1]:5555/');
    expect(() => loopbackHost('192.168.1.20')).toThrow(/not on this machine's loopback/);
    expect(sshArgs(2222, 'pi', 'pump 7', '127.0.0.1')).toEqual([
      'ssh',
      '-p',
      '2222',
      '-o',
      'HostKeyAlias=pump-7',
      'pi@127.0.0.1',
    ]);
  });
});

describe('launch requests', () => {
  it('name a session and a service, never a URL, a port or a program', async () => {
    const { app, launched } = testApp();
    try {
      for (const [channel, input] of [
        [
          requests.openInBrowser.channel,
          { sessionId: 's', serviceId: 'HTTP1', scheme: 'http', port: 22 },
        ],
        [requests.openInBrowser.channel, { sessionId: 's', serviceId: 'HTTP1', scheme: 'file' }],
        [requests.openSsh.channel, { sessionId: 's', serviceId: 'SSH1', user: 'pi', host: 'evil' }],
        [
          requests.getSshCommand.channel,
          { sessionId: 's', serviceId: 'SSH1', user: 'pi', program: 'sh' },
        ],
      ] as const) {
        const reply = await dispatch(app, channel, input);
        expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      }
      // A session that does not exist serves no port.
      const reply = await dispatch(app, requests.openInBrowser.channel, {
        sessionId: 'nope',
        serviceId: 'HTTP1',
        scheme: 'http',
      });
      expect(reply).toMatchObject({ ok: false, error: { code: 'not-found', field: 'sessionId' } });
      expect(launched).toEqual({ urls: [], programs: [] });
    } finally {
      await app.shutdown();
    }
  });

  it('refuse the ports of a closed tunnel', async () => {
    const { app, launched } = testApp();
    try {
      const session = await app.openSandbox({
        services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
      });
      await app.closeSession({ sessionId: session.id });
      const reply = await dispatch(app, requests.openInBrowser.channel, {
        sessionId: session.id,
        serviceId: 'HTTP1',
        scheme: 'http',
      });
      expect(reply).toMatchObject({
        ok: false,
        error: { code: 'not-found', message: expect.stringMatching(/the tunnel is closed/) },
      });
      const ssh = await dispatch(app, requests.openSsh.channel, {
        sessionId: session.id,
        serviceId: 'HTTP1',
        user: 'pi',
      });
      expect(ssh).toMatchObject({ ok: false, error: { code: 'not-found' } });
      expect(launched).toEqual({ urls: [], programs: [] });
    } finally {
      await app.shutdown();
    }
  });
});

const SSH = ['ssh', '-p', '2222', '-o', 'HostKeyAlias=pi', 'pi@127.0.0.1'];

async function launchError(run: () => Promise<unknown>): Promise<AppError> {
  const error = await run().then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('opening a terminal says what happened, as codes', () => {
  it('knows when Linux has no display to show a window on', () => {
    expect(hasDisplay('linux', {})).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: ':0' })).toBe(true);
    expect(hasDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(hasDisplay('darwin', {})).toBe(true);
    expect(hasDisplay('win32', {})).toBe(true);
  });

  it('refuses without a display, starting nothing, and gives the command to copy', async () => {
    const deps = recordingLaunchDeps('linux', ['x-terminal-emulator'], {});
    const error = await launchError(() => launchTerminal(deps, SSH));
    expect(error).toMatchObject({ code: 'no-display', command: SSH.join(' ') });
    expect(deps.launched.programs).toEqual([]);
  });

  it('says no terminal was found, naming those looked for', async () => {
    const deps = recordingLaunchDeps('linux', [], { DISPLAY: ':0' });
    const error = await launchError(() => launchTerminal(deps, SSH));
    expect(error).toMatchObject({ code: 'no-terminal', command: SSH.join(' ') });
    expect(error.message).toMatch(/x-terminal-emulator, gnome-terminal, konsole, xterm/);
  });

  it('passes on a terminal that failed, with the command', async () => {
    const deps = {
      ...recordingLaunchDeps('linux', ['xterm'], { DISPLAY: ':0' }),
      spawnDetached: () =>
        Promise.reject(new AppError('terminal-exited', 'it exited at once with status 1')),
    };
    const error = await launchError(() => launchTerminal(deps, SSH));
    expect(error).toMatchObject({ code: 'terminal-exited', command: SSH.join(' ') });
    expect(error.message).toBe('xterm: it exited at once with status 1');
  });
});

describe('spawnDetached (real processes)', () => {
  it('is launch-failed when the program cannot start', async () => {
    const error = await launchError(() => spawnDetached('/nonexistent/terminal', []));
    expect(error).toMatchObject({ code: 'launch-failed' });
    expect(error.message).toMatch(/not found/);
  });

  it('is terminal-exited when the program fails at once (within the watch)', async () => {
    // A long watch: the failure is seen when the program exits, however slow the machine.
    const error = await launchError(() => spawnDetached('/bin/sh', ['-c', 'exit 3'], 60_000));
    expect(error).toMatchObject({ code: 'terminal-exited' });
    expect(error.message).toMatch(/status 3/);
  });

  it('accepts a program that exits cleanly at once (a terminal handing over to its server)', async () => {
    await expect(spawnDetached('/bin/sh', ['-c', 'exit 0'], 60_000)).resolves.toBeUndefined();
  });

  it('accepts a program still running when the watch ends', async () => {
    // `sleep` outlives a short watch whatever the load; it is detached and ends by itself.
    await expect(spawnDetached('/bin/sleep', ['2'], 50)).resolves.toBeUndefined();
  });
});

describe('Open in browser by runtime', () => {
  it('in browser mode hands the URL to the page to open, opening nothing itself', async () => {
    const { app, launched } = testApp({ runtime: 'web' });
    try {
      const session = await app.openSandbox({
        services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
      });
      const reply = await app.openInBrowser({
        sessionId: session.id,
        serviceId: 'HTTP1',
        scheme: 'http',
      });
      expect(reply).toEqual({
        url: `http://127.0.0.1:${session.listeners[0]!.port}/`,
        openedBy: 'renderer',
      });
      expect(launched.urls).toEqual([]);
    } finally {
      await app.shutdown();
    }
  });

  it('in Electron opens it with the default browser', async () => {
    const { app, launched } = testApp({ runtime: 'electron' });
    try {
      const session = await app.openSandbox({
        services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
      });
      const reply = await app.openInBrowser({
        sessionId: session.id,
        serviceId: 'HTTP1',
        scheme: 'http',
      });
      expect(reply.openedBy).toBe('app');
      expect(launched.urls).toEqual([reply.url]);
    } finally {
      await app.shutdown();
    }
  });
});
