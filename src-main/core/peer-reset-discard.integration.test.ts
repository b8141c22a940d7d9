/**
 * When the peer resets a connection, what we still queue for it is dropped here rather than
 * sent for the peer to drop: on a capped tunnel those bytes are time other connections wait.
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageType } from './protocol/wire.js';
import { SourceProxy } from './source/source-proxy.js';
import { FakeService } from './test-support/fake-service.js';
import { waitFor, type Closable } from './test-support/local-servers.js';
import { debugLogger, plainSourceConfig, token } from './test-support/tunnel-harness.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

function dataBytes(service: FakeService, from: number): number {
  return service.received
    .slice(from)
    .filter((m) => m.type === MessageType.DATA)
    .reduce((sum, m) => sum + m.payload.length, 0);
}

describe('a connection the peer resets', () => {
  it('has its queued bytes dropped, not sent', async () => {
    const service = new FakeService({ services: ['SSH1'] });
    cleanup.push(service);
    const port = await service.start();
    const source = new SourceProxy(plainSourceConfig(port, token('src'), new Map([['SSH1', 0]])), {
      logger: debugLogger(),
    });
    cleanup.push(source);
    await source.start();
    await waitFor(() => source.listenerInfo.length === 1 && service.current !== undefined);
    const client = net.connect(source.listenerInfo[0]!.port, '127.0.0.1');
    client.on('error', () => {});
    await once(client, 'connect');
    client.write('hello');
    await waitFor(() => service.received.some((m) => m.type === MessageType.DATA), 5_000, 'DATA');
    const start = service.received.find((m) => m.type === MessageType.STREAM_START)!;
    // The service stops reading, so no pong comes back: the window holds what the client
    // sends next in our queue (and the client's socket stops being read at its limit).
    service.current!.pause();
    const mark = service.received.length;
    client.write(Buffer.alloc(1024 * 1024, 0x61));
    await waitFor(
      () =>
        source.snapshot().services[0]!.connections[0]?.bytesOut === 5 + 1024 * 1024 ||
        source.snapshot().bytesOut > 300 * 1024,
      5_000,
      'the client bytes to be read and queued',
    );
    service.send({
      type: MessageType.CONNECTION_RESET,
      streamId: start.streamId,
      serviceId: 'SSH1',
      connectionId: start.connectionId,
    });
    await once(client, 'close');
    service.current!.resume();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // What had gone to the socket before the reset still arrives (the window's worth);
    // the queue behind it does not.
    const arrived = dataBytes(service, mark);
    expect(source.snapshot().bytesOut).toBeGreaterThan(300 * 1024);
    expect(arrived).toBeLessThan(200 * 1024);
  });
});
