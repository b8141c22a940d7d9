/**
 * The whole tunnel on loopback: source proxy -> local tunnel service (TLS) -> destination
 * agent -> local servers, with real sockets, real ws and real protobuf. Bytes are compared
 * by hash end to end.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connect,
  echoRoundTrip,
  httpGet,
  readAll,
  sendAndHash,
  startEchoServer,
  startHashServer,
  startHttpServer,
  unusedPort,
  waitFor,
  type Closable,
} from './test-support/local-servers.js';
import { startHarness } from './test-support/tunnel-harness.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});
function track<T extends Closable>(thing: T): T {
  cleanup.push(thing);
  return thing;
}

describe('a tunnel through the local service', () => {
  it('carries HTTP and raw TCP over two services at once', async () => {
    const web = track(await startHttpServer());
    const echo = track(await startEchoServer());
    const tunnel = track(
      await startHarness({
        services: ['HTTP1', 'ECHO1'],
        targets: { HTTP1: web.port, ECHO1: echo.port },
      }),
    );

    const socket = await connect(tunnel.port('ECHO1'));
    const payload = randomBytes(300_000);
    const [page, echoed] = await Promise.all([
      httpGet(tunnel.port('HTTP1'), '/status'),
      echoRoundTrip(socket, payload),
    ]);
    socket.destroy();

    expect(page.status).toBe(200);
    expect(page.body).toContain('device status');
    expect(page.body).toContain('path /status');
    expect(createHash('sha256').update(echoed).digest('hex')).toBe(
      createHash('sha256').update(payload).digest('hex'),
    );
    const snapshot = tunnel.source.snapshot();
    expect(snapshot.services.map((s) => s.serviceId).sort()).toEqual(['ECHO1', 'HTTP1']);
    expect(snapshot.bytesOut).toBeGreaterThanOrEqual(payload.length);
  });

  it('carries 64 simultaneous connections on one service, byte-exact', async () => {
    const hashes = track(await startHashServer());
    const tunnel = track(
      await startHarness({ services: ['BULK'], targets: { BULK: hashes.port } }),
    );
    const size = 200_000;
    const { patternHash } = await import('./test-support/local-servers.js');
    const results = await Promise.all(
      Array.from({ length: 64 }, () => sendAndHash(tunnel.port('BULK'), size)),
    );
    expect(results).toEqual(Array.from({ length: 64 }, () => patternHash(size)));
    expect(hashes.accepted).toBe(64);
    const service = tunnel.source.snapshot().services[0]!;
    expect(service.streamsStarted).toBe(1); // one stream, 64 connections on it (V3)
    expect(service.connectionsOpened).toBe(64);
  });

  it('resets the client when the destination target refuses, and keeps serving', async () => {
    const echo = track(await startEchoServer());
    const closedPort = await unusedPort();
    const tunnel = track(
      await startHarness({
        services: ['DEAD', 'ECHO1'],
        targets: { DEAD: closedPort, ECHO1: echo.port },
      }),
    );

    const refused = await connect(tunnel.port('DEAD'));
    const data = await readAll(refused);
    expect(data.length).toBe(0);
    // the next connection on the same service starts a new stream, and other services work
    const again = await connect(tunnel.port('DEAD'));
    expect((await readAll(again)).length).toBe(0);
    expect(
      tunnel.source.snapshot().services.find((s) => s.serviceId === 'DEAD')!.streamsStarted,
    ).toBe(2);
    const socket = await connect(tunnel.port('ECHO1'));
    expect((await echoRoundTrip(socket, Buffer.from('still alive'))).toString()).toBe(
      'still alive',
    );
    socket.destroy();
  });

  it('closes the target side when a local client closes half-way', async () => {
    const echo = track(await startEchoServer());
    const tunnel = track(
      await startHarness({ services: ['ECHO1'], targets: { ECHO1: echo.port } }),
    );
    const first = await connect(tunnel.port('ECHO1'));
    first.write(randomBytes(100_000));
    first.destroy();
    await waitFor(() => echo.accepted === 1, 5_000, 'the target connection');
    await waitFor(
      () => tunnel.destination.snapshot().services[0]!.connections.length === 0,
      5_000,
      'the target to close',
    );
    const second = await connect(tunnel.port('ECHO1'));
    expect((await echoRoundTrip(second, Buffer.from('next'))).toString()).toBe('next');
    second.destroy();
  });

  it('reconnects after the service is killed and restarted, and new connections work', async () => {
    const echo = track(await startEchoServer());
    const tunnel = track(
      await startHarness({
        services: ['ECHO1'],
        targets: { ECHO1: echo.port },
        runtime: { backoff: { initialMs: 100, maxMs: 500, minMs: 50 } },
      }),
    );
    const before = await connect(tunnel.port('ECHO1'));
    expect((await echoRoundTrip(before, Buffer.from('before'))).toString()).toBe('before');
    const port = tunnel.service.port;
    const { TunnelService } = await import('./service/tunnel-service.js');
    const spec = tunnel.service.describeTunnel(tunnel.tunnelId);
    const closedBefore = once(before, 'close');
    await tunnel.service.close();
    await closedBefore; // every stream died with the WebSocket
    const restarted = track(
      new TunnelService({
        port,
        tls: 'self-signed',
        tunnels: [
          {
            id: tunnel.tunnelId,
            sourceToken: tunnel.sourceToken,
            destinationToken: tunnel.destinationToken,
            services: spec.services,
          },
        ],
      }),
    );
    await restarted.start();
    await waitFor(
      () => {
        const state = restarted.describeTunnel(tunnel.tunnelId);
        return state.source.connected && state.destination.connected;
      },
      15_000,
      'both proxies to reconnect',
    );
    await waitFor(
      () => tunnel.source.snapshot().state.kind === 'connected',
      5_000,
      'source connected',
    );
    const after = await connect(tunnel.port('ECHO1'));
    expect((await echoRoundTrip(after, Buffer.from('after'))).toString()).toBe('after');
    after.destroy();
    expect(tunnel.source.snapshot().reconnects).toBe(1);
  });
});
