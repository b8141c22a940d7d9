/**
 * Half-open and slow peers: a local client that stops reading, a destination target that
 * never reads, a service that goes on sending for a connection already reset. Each time the
 * memory held stays bounded (read from the snapshots' unwritten byte counts, not from RSS),
 * the offender alone is reset, nothing hangs, and the rest of the tunnel keeps working
 * (before the receive limits, one stalled client paused the tunnel until its two missed
 * pongs took the whole tunnel down).
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from './protocol/message.js';
import { MessageType } from './protocol/wire.js';
import type { ResourceLimits } from './mux/limits.js';
import { SourceProxy } from './source/source-proxy.js';
import { FakeService } from './test-support/fake-service.js';
import {
  connect,
  echoRoundTrip,
  startEchoServer,
  waitFor,
  type Closable,
} from './test-support/local-servers.js';
import {
  debugLogger,
  plainSourceConfig,
  startHarness,
  token,
} from './test-support/tunnel-harness.js';

const KiB = 1024;
const MiB = 1024 * KiB;

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

/** Small limits, so that a test fills them in milliseconds; a stall ends in 400 ms. */
const LIMITS: Partial<ResourceLimits> = {
  maxWriteBufferBytes: 256 * KiB,
  maxConnectionBufferBytes: 2 * MiB,
  maxTunnelBufferBytes: 8 * MiB,
  stallTimeoutMs: 400,
};
/** Two missed pongs take 3 s: a tunnel paused that long would be taken for dead. */
const PING_MS = 1_000;

/** Resolves when a socket's connection ends (its end read, or an error), with how. */
function ended(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    socket.once('end', () => resolve('ended'));
    socket.once('close', () => resolve('closed'));
  });
}

/** Samples a value every 10 ms and keeps the largest; stop() returns it. */
function peakOf(read: () => number): { stop(): number } {
  let peak = read();
  const timer = setInterval(() => (peak = Math.max(peak, read())), 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, read());
    },
  };
}

async function startSource(service: FakeService): Promise<{ source: SourceProxy; port: number }> {
  let ready = false;
  const source = new SourceProxy(
    plainSourceConfig(service.port, token('src'), new Map([['ECHO1', 0]])),
    {
      logger: debugLogger(),
      pingIntervalMs: PING_MS,
      limits: LIMITS,
      events: { onReady: () => (ready = true) },
    },
  );
  cleanup.push(source);
  await source.start();
  await waitFor(() => ready, 5_000, 'the source to be ready');
  return { source, port: source.listenerInfo[0]!.port };
}

/** The stream and connection id the fake service saw a local connection start with. */
async function idsOf(
  service: FakeService,
  nth: number,
): Promise<{ streamId: number; connectionId: number }> {
  const starts = (): { streamId: number; connectionId: number }[] =>
    service.received.filter(
      (m) => m.type === MessageType.STREAM_START || m.type === MessageType.CONNECTION_START,
    );
  await waitFor(() => starts().length > nth, 5_000, `connection ${nth + 1} to start`);
  const { streamId, connectionId } = starts()[nth]!;
  return { streamId, connectionId };
}

describe('slow and half-open peers', () => {
  it('resets a local client that stops reading, while another on the same stream keeps getting bytes', async () => {
    const service = new FakeService({ services: ['ECHO1'] });
    await service.start();
    cleanup.push(service);
    const { source, port } = await startSource(service);

    const stalled = await connect(port);
    stalled.write('hello');
    const stalledIds = await idsOf(service, 0);
    stalled.pause(); // reads nothing from now on
    const active = await connect(port);
    active.write('hi');
    const activeIds = await idsOf(service, 1);
    expect(activeIds.streamId).toBe(stalledIds.streamId); // V3: two connections, one stream
    const arrivals: number[] = [];
    active.on('data', () => arrivals.push(Date.now()));

    const buffered = peakOf(() => source.snapshot().receive.bufferedBytes);
    const perConnection = peakOf(() =>
      Math.max(
        0,
        ...source.snapshot().services.flatMap((s) => s.connections.map((c) => c.bufferedBytes)),
      ),
    );
    // The service sends bulk to the stalled client and a line to the active one every 20 ms,
    // and goes on sending to the stalled one after its reset (stale data, dropped).
    const bulk = Buffer.alloc(64_000, 7);
    let sentToStalled = 0;
    let resetAt = 0;
    const started = Date.now();
    const pump = setInterval(() => {
      const ws = service.current!;
      while (ws.bufferedAmount < 4 * MiB) {
        service.send({ type: MessageType.DATA, ...stalledIds, serviceId: 'ECHO1', payload: bulk });
        sentToStalled += bulk.length;
      }
      service.send({
        type: MessageType.DATA,
        ...activeIds,
        serviceId: 'ECHO1',
        payload: Buffer.from(`tick ${Date.now()}\n`),
      });
    }, 20);
    try {
      await waitFor(
        () => service.received.some((m) => m.type === MessageType.CONNECTION_RESET),
        5_000,
        'the stalled connection to be reset',
      );
      resetAt = Date.now();
      // The service goes on sending meanwhile; wait for bytes after the reset rather than a
      // fixed time, which is too short when the machine is busy.
      await waitFor(
        () => arrivals.filter((t) => t > resetAt + 100).length > 5,
        10_000,
        'the active connection to get bytes after the reset',
      );
    } finally {
      clearInterval(pump);
    }
    // The client, reading again, finds its connection gone (cut off with a TCP reset, which
    // Linux reports to a reader that was not waiting as an end after what it had received).
    const stalledEnd = ended(stalled);
    stalled.resume();
    expect(await stalledEnd).toMatch(/^(ended|closed|ECONNRESET)$/);

    // The stalled connection was reset with CONNECTION_RESET, and only it.
    const resets = service.received.filter((m) => m.type === MessageType.CONNECTION_RESET);
    expect(resets.map((m) => m.connectionId)).toEqual([stalledIds.connectionId]);
    expect(resetAt - started).toBeLessThan(5_000);
    // The active connection got bytes all along: no gap longer than the stall timeout and
    // some slack, and bytes after the reset too.
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    expect(Math.max(...gaps)).toBeLessThan(LIMITS.stallTimeoutMs! + 500);
    expect(arrivals.filter((t) => t > resetAt + 100).length).toBeGreaterThan(5);
    // Memory stayed bounded: never much more than the hard limit per connection, and the
    // reset freed what the stalled client held.
    expect(perConnection.stop()).toBeLessThanOrEqual(LIMITS.maxConnectionBufferBytes!);
    expect(buffered.stop()).toBeLessThanOrEqual(LIMITS.maxConnectionBufferBytes! + 256 * KiB);
    const after = source.snapshot();
    expect(after.receive.bufferedBytes).toBeLessThan(64 * KiB);
    expect(after.receive.limitResets).toBe(1);
    expect(after.receive.staleBytesDropped).toBeGreaterThan(0);
    expect(sentToStalled).toBeGreaterThan(4 * MiB);
    // One tunnel all along: nothing timed out, nothing reconnected.
    expect(after.state.kind).toBe('connected');
    expect(source.reconnects).toBe(0);
    expect(service.handshakes.length).toBe(1);
    active.destroy();
  });

  it('drops data for a connection the peer already reset, and keeps serving the others', async () => {
    const service = new FakeService({ services: ['ECHO1'], echo: true });
    await service.start();
    cleanup.push(service);
    const { source, port } = await startSource(service);
    const gone = await connect(port);
    expect((await echoRoundTrip(gone, Buffer.from('one'))).toString()).toBe('one');
    const goneIds = await idsOf(service, 0);
    const live = await connect(port);
    expect((await echoRoundTrip(live, Buffer.from('two'))).toString()).toBe('two');
    gone.destroy();
    await waitFor(
      () => service.received.some((m) => m.type === MessageType.CONNECTION_RESET),
      5_000,
      'the reset',
    );
    // 32 MB for the closed connection and for a stream that never was: all of it dropped.
    const frame = (streamId: number, connectionId: number): Buffer =>
      encodeFrame({
        type: MessageType.DATA,
        streamId,
        connectionId,
        serviceId: 'ECHO1',
        payload: Buffer.alloc(64_000, 1),
      });
    const stale = Buffer.concat([frame(goneIds.streamId, goneIds.connectionId), frame(77, 1)]);
    for (let i = 0; i < 250; i++) {
      service.sendBytes(stale);
      if (service.current!.bufferedAmount > 4 * MiB) await new Promise((r) => setTimeout(r, 5));
    }
    expect((await echoRoundTrip(live, Buffer.from('still here'))).toString()).toBe('still here');
    const snapshot = source.snapshot();
    expect(snapshot.receive.staleBytesDropped).toBe(250 * 2 * 64_000);
    expect(snapshot.receive.peakBufferedBytes).toBeLessThan(1 * MiB);
    expect(snapshot.receive.bufferedBytes).toBe(0);
    expect(source.reconnects).toBe(0);
    live.destroy();
  });

  it('resets a destination target that never reads, and the tunnel goes on for the others', async () => {
    // A target that accepts and never reads a byte.
    const deafSockets: net.Socket[] = [];
    const deaf = net.createServer((socket) => {
      socket.pause();
      socket.on('error', () => {});
      deafSockets.push(socket);
    });
    deaf.listen(0, '127.0.0.1');
    await once(deaf, 'listening');
    cleanup.push({
      close: () =>
        new Promise((r) => {
          deafSockets.forEach((socket) => socket.destroy());
          deaf.close(() => r());
        }),
    });
    const echo = await startEchoServer();
    cleanup.push(echo);
    const tunnel = await startHarness({
      services: ['SINK', 'ECHO1'],
      targets: { SINK: (deaf.address() as net.AddressInfo).port, ECHO1: echo.port },
      runtime: { pingIntervalMs: PING_MS, limits: LIMITS },
    });
    cleanup.push(tunnel);
    const held = peakOf(() => tunnel.destination.snapshot().receive.bufferedBytes);

    // An upload the target never reads, written as fast as the tunnel takes it.
    const upload = await connect(tunnel.port('SINK'));
    const uploadEnd = ended(upload);
    upload.resume(); // reads (nothing comes but the end)
    const block = Buffer.alloc(64 * KiB, 3);
    let writing = true;
    const drained = (): Promise<unknown> =>
      new Promise((resolve) => {
        upload.once('drain', resolve);
        void uploadEnd.then(resolve);
      });
    void (async () => {
      while (writing && !upload.destroyed) {
        if (!upload.write(block)) await drained();
      }
    })();
    // Meanwhile an interactive session on another service.
    const chat = await connect(tunnel.port('ECHO1'));
    const roundTrips: number[] = [];
    let chatting = true;
    const chatLoop = (async () => {
      while (chatting) {
        const start = Date.now();
        await echoRoundTrip(chat, Buffer.from('ping'));
        roundTrips.push(Date.now() - start);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      await uploadEnd; // the destination reset it; the source ended the client's connection
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      writing = false;
      chatting = false;
    }
    await chatLoop;
    expect(Math.max(...roundTrips)).toBeLessThan(LIMITS.stallTimeoutMs! + 1_000);
    expect(roundTrips.length).toBeGreaterThan(10);
    const destination = tunnel.destination.snapshot();
    expect(destination.receive.limitResets).toBe(1);
    expect(held.stop()).toBeLessThanOrEqual(LIMITS.maxConnectionBufferBytes! + 256 * KiB);
    expect(destination.receive.bufferedBytes).toBeLessThan(64 * KiB);
    expect(destination.services.find((s) => s.serviceId === 'SINK')!.connections).toEqual([]);
    expect(tunnel.source.reconnects + tunnel.destination.snapshot().reconnects).toBe(0);
    expect((await echoRoundTrip(chat, Buffer.from('after'))).toString()).toBe('after');
    chat.destroy();
  });
});
