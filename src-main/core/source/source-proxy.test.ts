/**
 * The source proxy's failures: each one stops with a message that names the cause, and
 * leaves no listener open.
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
import { nextStreamId } from '../proxy/proxy-session.js';
import { SourceProxy } from './source-proxy.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

/** Starts a proxy built with `events` and resolves with the reason it stopped for. */
async function runUntilStopped(
  build: (events: { onStopped: (reason: string) => void }) => SourceProxy,
): Promise<string> {
  let stopped: string | undefined;
  const source = build({ onStopped: (reason) => (stopped = reason) });
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

  it('stops with the likely causes when the service refuses the token (403)', async () => {
    const service = new TunnelService({
      tls: 'plain',
      tunnels: [
        { id: 'x', sourceToken: token('s'), destinationToken: token('d'), services: ['SSH1'] },
      ],
    });
    await service.start();
    cleanup.push(service);
    const port = await unusedPort();
    const reason = await runUntilStopped(
      (events) =>
        new SourceProxy(
          plainSourceConfig(service.port, 'a-wrong-token-value', new Map([['SSH1', port]])),
          { logger: debugLogger(), events },
        ),
    );
    expect(reason).toMatch(/refused the access token \(HTTP 403\)/);
    expect(reason).toMatch(/already used/);
    expect(reason).toMatch(/channel-id/);
    expect(await isPortFree(port)).toBe(true);
  });

  it.each([
    [
      ['HTTP1'],
      /the tunnel's services are SSH1, but the mappings name HTTP1, which it does not have/,
    ],
    [['SSH1', 'HTTP1'], /mappings name HTTP1/],
  ])(
    'stops when the mappings %j name a service the tunnel does not have, closing its listeners',
    async (mapped, message) => {
      const src = token('s');
      const service = new TunnelService({
        tls: 'plain',
        tunnels: [{ id: 'x', sourceToken: src, destinationToken: token('d'), services: ['SSH1'] }],
      });
      await service.start();
      cleanup.push(service);
      const ports = await Promise.all(mapped.map(() => unusedPort()));
      const reason = await runUntilStopped(
        (events) =>
          new SourceProxy(
            plainSourceConfig(service.port, src, new Map(mapped.map((id, i) => [id, ports[i]!]))),
            { logger: debugLogger(), events },
          ),
      );
      expect(reason).toMatch(message);
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
    const reason = await runUntilStopped(
      (events) =>
        new SourceProxy(plainSourceConfig(service.port, src, new Map([['SSH1', 0]])), {
          logger: debugLogger(),
          events,
        }),
    );
    expect(reason).toMatch(/the mappings leave out HTTP1; map every service/);
  });

  it('stops at once, naming -e/-r, when the endpoint host does not resolve', async () => {
    const reason = await runUntilStopped(
      (events) =>
        new SourceProxy(
          proxyConfig(
            'source',
            443,
            token('src'),
            { mode: 'source', ports: new Map() },
            { endpoint: { host: 'no-such-host.invalid', port: 443, origin: 'test', secure: true } },
          ),
          { logger: debugLogger(), events },
        ),
    );
    expect(reason).toMatch(/cannot be resolved \(check -e or -r\)/);
  });

  it('says it is TLS, and how to fix it, when the certificate is not trusted', async () => {
    const service = new TunnelService({ tls: 'self-signed', tunnels: [] });
    await service.start();
    cleanup.push(service);
    const reason = await runUntilStopped(
      (events) =>
        new SourceProxy(
          proxyConfig(
            'source',
            service.port,
            token('src'),
            { mode: 'source', ports: new Map() },
            { tls: { verify: true } },
          ),
          { logger: debugLogger(), events },
        ),
    );
    expect(reason).toMatch(/^TLS to 127\.0\.0\.1:\d+ failed/);
    expect(reason).toMatch(/-c DIR/);
    expect(reason).toMatch(/-k/);
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
            states.push(s.kind === 'reconnecting' ? `${s.kind}: ${s.lastError}` : s.kind),
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
    expect(states.find((s) => s.startsWith('reconnecting'))).toContain('connection refused');
  });

  it('gives stream ids that only grow, wrapping past the int32 maximum', () => {
    expect(nextStreamId(0)).toBe(1);
    expect(nextStreamId(41)).toBe(42);
    expect(nextStreamId(0x7fffffff)).toBe(1);
  });
});
