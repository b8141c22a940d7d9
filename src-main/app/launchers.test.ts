/**
 * What main will launch, whatever the renderer asks: a browser only for http(s) on this
 * machine's loopback at a port, in Electron (launch-deps.test.ts) and in browser mode alike;
 * ssh only to loopback with a checked user; and only for the ports a session serves now.
 */
import { describe, expect, it } from 'vitest';
import { requests } from '../ipc/contract.js';
import { dispatch } from './dispatch.js';
import { browserUrl, checkLocalUrl, loopbackHost, sshArgs } from './launchers.js';
import { nodeLaunchDeps } from './node-environment.js';
import { testApp } from './test-support/test-environment.js';

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
