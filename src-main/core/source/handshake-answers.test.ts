/**
 * How a source proxy takes each answer to its handshake, through a service that answers as
 * told: every 4xx but 429 stops it with the reason (retrying cannot change it) and frees its
 * ports; a 5xx, a 429 (too many requests: later may work), and a service that takes the
 * connection but never answers, are retried with backoff and the same client token, on the
 * same local ports, until one succeeds. Meanwhile a new local client gets a fast reset.
 */
import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeService } from '../test-support/fake-service.js';
import {
  connect,
  echoRoundTrip,
  isPortFree,
  unusedPort,
  waitFor,
  type Closable,
} from '../test-support/local-servers.js';
import { debugLogger, plainSourceConfig, token } from '../test-support/tunnel-harness.js';
import type { CloseCause } from '../tunnel/close-cause.js';
import type { TunnelState } from '../tunnel/tunnel-client.js';
import { SourceProxy } from './source-proxy.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

async function start(service: FakeService, port: number) {
  const states: TunnelState[] = [];
  let stopped: { cause: CloseCause; fatal: boolean } | undefined;
  const source = new SourceProxy(
    plainSourceConfig(service.port, token('src'), new Map([['ECHO1', port]])),
    {
      logger: debugLogger(),
      backoff: { initialMs: 40, maxMs: 80, minMs: 10 },
      handshakeTimeoutMs: 300,
      events: {
        onState: (state) => states.push(state),
        onStopped: (cause, fatal) => (stopped = { cause, fatal }),
      },
    },
  );
  cleanup.push(source);
  await source.start();
  return { source, states, stopped: () => stopped };
}

/** How a client that connects to the port ends: reset or closed (a hang fails the test). */
function outcomeOfConnecting(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1');
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.on('close', () => resolve('closed'));
    socket.resume();
  });
}

async function fakeService(): Promise<FakeService> {
  const service = new FakeService({ services: ['ECHO1'], echo: true });
  await service.start();
  cleanup.push(service);
  return service;
}

describe('answers to the handshake', () => {
  it.each([
    [400, 'handshake-rejected'],
    [401, 'token-refused'],
    [403, 'token-refused'],
    [404, 'handshake-rejected'],
  ])('stops on HTTP %i with the cause, and frees its port', async (status, kind) => {
    const service = await fakeService();
    service.answer = { kind: 'status', status, body: 'no' };
    const port = await unusedPort();
    const { stopped } = await start(service, port);
    await waitFor(() => stopped() !== undefined, 5_000, 'the proxy to stop');
    expect(stopped()!.fatal).toBe(true);
    expect(stopped()!.cause).toEqual({ kind, status, detail: 'no', channelId: 'fake-channel' });
    expect(service.handshakes.length).toBe(1); // never retried
    expect(await isPortFree(port)).toBe(true);
  });

  it.each([
    [
      'HTTP 500',
      { kind: 'status', status: 500, body: 'oops' },
      { kind: 'handshake-rejected', status: 500 },
    ],
    [
      'HTTP 503',
      { kind: 'status', status: 503, body: 'busy' },
      { kind: 'handshake-rejected', status: 503 },
    ],
    [
      'HTTP 429',
      { kind: 'status', status: 429, body: 'slow down' },
      { kind: 'handshake-rejected', status: 429 },
    ],
    ['no answer at all', { kind: 'silent' }, { kind: 'timeout', phase: 'handshake' }],
  ] as const)(
    'retries %s with backoff and the same client token, on the same port, until it connects',
    async (_what, answer, reason) => {
      const service = await fakeService();
      service.answer = answer;
      const port = await unusedPort();
      const { source, states } = await start(service, port);
      await waitFor(() => service.handshakes.length >= 3, 5_000, 'three attempts');
      const retries = states.filter((s) => s.kind === 'reconnecting');
      expect(retries.length).toBeGreaterThanOrEqual(2);
      expect(retries.map((s) => s.kind === 'reconnecting' && s.attempt).slice(0, 2)).toEqual([
        1, 2,
      ]);
      for (const retry of retries) {
        expect(retry.kind === 'reconnecting' && retry.lastCause).toMatchObject(reason);
      }
      // The listener is there all along (the port stays ours), but while the tunnel is down
      // a new client gets a fast end rather than a hang.
      expect(source.listenerInfo.map((l) => l.port)).toEqual([port]);
      expect(await outcomeOfConnecting(port)).toMatch(/^(ECONNRESET|closed)$/);
      service.answer = { kind: 'accept' };
      await waitFor(() => source.snapshot().state.kind === 'connected', 5_000, 'connected');
      const late = await connect(port);
      expect((await echoRoundTrip(late, Buffer.from('at last'))).toString()).toBe('at last');
      late.destroy();
      expect(new Set(service.handshakes.map((h) => h.clientToken)).size).toBe(1);
      expect(source.reconnects).toBe(0); // first connection: retries are not reconnects
    },
  );
});
