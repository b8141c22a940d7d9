/**
 * The source proxy's failures: each one stops with its cause, as data, and leaves no
 * listener open. (What the CLI and the UI say of each cause is tested at those edges.)
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/proxy-config.js';
import { TunnelService } from '../service/tunnel-service.js';
import { isPortFree, unusedPort, waitFor, type Closable } from '../test-support/local-servers.js';
import {
  debugLogger,
  plainSourceConfig,
  proxyConfig,
  token,
} from '../test-support/tunnel-harness.js';
import type { CloseCause } from '../tunnel/close-cause.js';
import { nextStreamId } from '../proxy/proxy-session.js';
import { SourceProxy } from './source-proxy.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

/** Starts a proxy built with `events` and resolves with the cause it stopped for. */
async function runUntilStopped(
  build: (events: { onStopped: (cause: CloseCause) => void }) => SourceProxy,
): Promise<CloseCause> {
  let stopped: CloseCause | undefined;
  const source = build({ onStopped: (cause) => (stopped = cause) });
  await source.start();
  await waitFor(() => stopped !== undefined, 10_000, 'the proxy to stop');
  return stopped!;
}

describe('SourceProxy', () => {
  it('refuses a port already in use, names it, and leaves no listener open', async () => {
    const busy = net.createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    cleanup.push({ close: () => new Promise((r) => busy.close(() => r())) });
    const busyPort = (busy.address() as net.AddressInfo).port;
    const freePort = await unusedPort();
    const source = new SourceProxy(
      proxyConfig('source', 9, token('src'), {
        mode: 'source',
        ports: new Map([
          ['HTTP1', freePort],
          ['SSH1', busyPort],
        ]),
      }),
      { logger: debugLogger() },
    );
    const error = await source.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`port ${busyPort} is already in use`);
    expect((error as Error).message).toContain('SSH1');
    expect(await isPortFree(freePort)).toBe(true);
  });

  it('stops with token-refused when the service refuses the token (403)', async () => {
    const service = new TunnelService({
      tls: 'plain',
      tunnels: [
        { id: 'x', sourceToken: token('s'), destinationToken: token('d'), services: ['SSH1'] },
      ],
    });
    await service.start();
    cleanup.push(service);
    const port = await unusedPort();
    const cause = await runUntilStopped(
      (events) =>
        new SourceProxy(
          plainSourceConfig(service.port, 'a-wrong-token-value', new Map([['SSH1', port]])),
          { logger: debugLogger(), events },
        ),
    );
    expect(cause).toMatchObject({ kind: 'token-refused', status: 403 });
    expect(cause.kind === 'token-refused' && cause.channelId).toMatch(/\w/);
    expect(await isPortFree(port)).toBe(true);
  });

  it.each([[['HTTP1']], [['SSH1', 'HTTP1']]])(
    'stops when the mappings %j name a service the tunnel does not have, closing its listeners',
    async (mapped) => {
      const src = token('s');
      const service = new TunnelService({
        tls: 'plain',
        tunnels: [{ id: 'x', sourceToken: src, destinationToken: token('d'), services: ['SSH1'] }],
      });
      await service.start();
      cleanup.push(service);
      const ports = await Promise.all(mapped.map(() => unusedPort()));
      const cause = await runUntilStopped(
        (events) =>
          new SourceProxy(
            plainSourceConfig(service.port, src, new Map(mapped.map((id, i) => [id, ports[i]!]))),
            { logger: debugLogger(), events },
          ),
      );
      expect(cause).toMatchObject({
        kind: 'services-mismatch',
        tunnelServices: ['SSH1'],
        unknown: ['HTTP1'],
      });
      for (const port of ports) expect(await isPortFree(port)).toBe(true);
    },
  );

  it("stops when the mappings leave out one of the tunnel's services", async () => {
    const src = token('s');
    const service = new TunnelService({
      tls: 'plain',
      tunnels: [
        { id: 'x', sourceToken: src, destinationToken: token('d'), services: ['SSH1', 'HTTP1'] },
      ],
    });
    await service.start();
    cleanup.push(service);
    const cause = await runUntilStopped(
      (events) =>
        new SourceProxy(plainSourceConfig(service.port, src, new Map([['SSH1', 0]])), {
          logger: debugLogger(),
          events,
        }),
    );
    expect(cause).toEqual({
      kind: 'services-mismatch',
      tunnelServices: ['SSH1', 'HTTP1'],
      unmapped: ['HTTP1'],
      unknown: [],
    });
  });

  it('stops at once when told to give up on likely mistakes and the host never resolved', async () => {
    const cause = await runUntilStopped(
      (events) =>
        new SourceProxy(
          proxyConfig(
            'source',
            443,
            token('src'),
            { mode: 'source', ports: new Map() },
            { endpoint: { host: 'no-such-host.invalid', port: 443, origin: 'test', secure: true } },
          ),
          { logger: debugLogger(), events, retry: { giveUpOn: 'likely-mistake' } },
        ),
    );
    expect(cause).toEqual({ kind: 'dns', endpoint: 'no-such-host.invalid:443', temporary: false });
  });

  it('says it is TLS, and an untrusted certificate, when told to give up on likely mistakes', async () => {
    const service = new TunnelService({ tls: 'self-signed', tunnels: [] });
    await service.start();
    cleanup.push(service);
    const cause = await runUntilStopped(
      (events) =>
        new SourceProxy(
          proxyConfig(
            'source',
            service.port,
            token('src'),
            { mode: 'source', ports: new Map() },
            { tls: { verify: true } },
          ),
          { logger: debugLogger(), events, retry: { giveUpOn: 'likely-mistake' } },
        ),
    );
    expect(cause).toMatchObject({
      kind: 'tls',
      endpoint: `127.0.0.1:${service.port}`,
      problem: 'untrusted',
    });
  });

  it('keeps retrying an endpoint that refuses connections, saying so', async () => {
    const port = await unusedPort();
    const states: string[] = [];
    const source = new SourceProxy(
      proxyConfig('source', port, token('src'), { mode: 'source', ports: new Map() }),
      {
        logger: debugLogger(),
        backoff: { initialMs: 50, maxMs: 100, minMs: 10 },
        events: {
          onState: (s) =>
            states.push(s.kind === 'reconnecting' ? `${s.kind}: ${s.lastCause.kind}` : s.kind),
        },
      },
    );
    cleanup.push(source);
    await source.start();
    await waitFor(
      () => states.filter((s) => s.startsWith('reconnecting')).length >= 2,
      5_000,
      'two retries',
    );
    expect(states.find((s) => s.startsWith('reconnecting'))).toBe('reconnecting: refused');
  });

  it('gives stream ids that only grow, wrapping past the int32 maximum', () => {
    expect(nextStreamId(0)).toBe(1);
    expect(nextStreamId(41)).toBe(42);
    expect(nextStreamId(0x7fffffff)).toBe(1);
  });
});
