/**
 * A whole tunnel (our local tunnel service, a destination, a source) whose two WebSockets go
 * through a SOCKS5 web proxy named in ALL_PROXY or HTTPS_PROXY: the bytes arrive whole
 * (hash compared end to end), and the proxy saw both connections to the service. A broken
 * variable that no command line checked first (the app) stops the tunnel with its name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  patternHash,
  sendAndHash,
  startHashServer,
  type Closable,
} from './test-support/local-servers.js';
import { startSocks5Server } from './test-support/socks5-server.js';
import { plainEndpoint, startHarness } from './test-support/tunnel-harness.js';
import { silentLogger } from './log/logger.js';
import type { CloseCause } from './tunnel/close-cause.js';
import { TunnelClient } from './tunnel/tunnel-client.js';

const MiB = 1024 * 1024;
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'];
const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

/** Sets one proxy variable for a test; NO_PROXY is cleared so that loopback goes through. */
function proxyEnv(name: string, value: string): void {
  const names = [...PROXY_VARIABLES, 'NO_PROXY', 'no_proxy'];
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  for (const n of names) delete process.env[n];
  process.env[name] = value;
  cleanup.push({
    close: async () => {
      for (const [n, v] of Object.entries(saved))
        if (v === undefined) delete process.env[n];
        else process.env[n] = v;
    },
  });
}

describe('the tunnel through a SOCKS5 web proxy', () => {
  it.each([
    ['ALL_PROXY', 'socks5'],
    ['HTTPS_PROXY', 'socks5h'],
  ])('carries 8 MiB byte-exact with %s=%s://…', async (variable, scheme) => {
    const socks = await startSocks5Server();
    const upload = await startHashServer();
    cleanup.push(socks, upload);
    proxyEnv(variable, `${scheme}://127.0.0.1:${socks.port}`);
    const tunnel = await startHarness({ services: ['UP'], targets: { UP: upload.port } });
    cleanup.push(tunnel);

    expect(await sendAndHash(tunnel.port('UP'), 8 * MiB)).toBe(patternHash(8 * MiB));
    // Both proxies' WebSockets went through it, to the service; the local target did not.
    const service = `127.0.0.1:${tunnel.service.port}`;
    expect(socks.connects).toEqual([service, service]);
    expect(upload.accepted).toBe(1);
  });
});

describe('a web proxy variable that is not a URL, where nothing checked it first (the app)', () => {
  it('stops the tunnel with a local failure naming the variable, not a stack trace', async () => {
    proxyEnv('HTTPS_PROXY', 'http://[bad');
    const stopped = new Promise<{ cause: CloseCause; fatal: boolean }>((resolve) => {
      const client = new TunnelClient(
        {
          endpoint: plainEndpoint(9),
          mode: 'source',
          accessToken: 'an-access-token-for-this-test',
          version: 'V3',
          tls: { verify: true },
          pingIntervalMs: 5_000,
          handshakeTimeoutMs: 5_000,
          logger: silentLogger,
        },
        {
          onConnected: () => {},
          onMessage: () => {},
          onDisconnected: () => {},
          onStopped: (cause, fatal) => resolve({ cause, fatal }),
        },
      );
      client.start();
    });
    const { cause, fatal } = await stopped;
    expect(fatal).toBe(true);
    expect(cause.kind).toBe('local-failure');
    expect(cause.kind === 'local-failure' && cause.detail).toMatch(/^HTTPS_PROXY: /);
  });
});
