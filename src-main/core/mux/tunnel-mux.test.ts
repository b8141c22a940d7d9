/**
 * The multiplexer on its own, as yamux tests its streams: an in-memory TunnelLink on the
 * tunnel side (frames decoded with the real codec; writes and pongs completed when the
 * test says), a recording RolePolicy, and real loopback socket pairs for local connections.
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger.js';
import { ProtocolError } from '../protocol/errors.js';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { decodeFrameBody, type TunnelMessage } from '../protocol/message.js';
import { MAX_PAYLOAD_BYTES, MessageType } from '../protocol/wire.js';
import { waitFor } from '../test-support/local-servers.js';
import type { CloseCause } from '../tunnel/close-cause.js';
import type { LocalConnection } from './local-connection.js';
import type { RolePolicy } from './role-policy.js';
import { ServiceChannel } from './service-channel.js';
import type { TunnelLink } from './tunnel-link.js';
import { DEFAULT_MUX_LIMITS, TunnelMux, type MuxLimits } from './tunnel-mux.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A frame the multiplexer sent, as the peer would read it. */
interface SentFrame {
  type: MessageType;
  streamId: number;
  connectionId: number;
  serviceId: string;
  payload: Buffer;
}

/** The tunnel side: decodes what is sent, and completes writes and pongs on the test's word. */
class MemoryLink implements TunnelLink {
  readonly frames: SentFrame[] = [];
  readonly closed: CloseCause[] = [];
  /** Hold write callbacks (the socket has not taken the bytes) until release(). */
  holdWrites = false;
  /** Hold pongs (the service has not read the bytes) until release(). */
  holdPongs = false;
  paused = false;
  pauses = 0;
  private readonly decoder = new FrameDecoder();
  private readonly heldWrites: (() => void)[] = [];
  private readonly heldPongs: (() => void)[] = [];

  send(message: Buffer, onWritten: () => void): void {
    this.decoder.push(Buffer.from(message), (body) => {
      const decoded = decodeFrameBody(body);
      if (decoded.kind !== 'message') return;
      const { type, streamId, connectionId, serviceId, payload } = decoded.message;
      this.frames.push({ type, streamId, connectionId, serviceId, payload: Buffer.from(payload) });
    });
    if (this.holdWrites) this.heldWrites.push(onWritten);
    else setImmediate(onWritten);
  }

  sendPing(onPong: () => void): void {
    if (this.holdPongs) this.heldPongs.push(onPong);
    else setImmediate(onPong);
  }

  pauseReading(): void {
    this.paused = true;
    this.pauses++;
  }

  resumeReading(): void {
    this.paused = false;
  }

  close(reason: CloseCause): void {
    this.closed.push(reason);
  }

  /** Stops holding, and completes what was held. */
  release(): void {
    this.holdWrites = false;
    this.holdPongs = false;
    for (const callback of this.heldWrites.splice(0)) callback();
    for (const callback of this.heldPongs.splice(0)) callback();
  }

  dataBytes(connectionId?: number): number {
    let bytes = 0;
    for (const frame of this.frames) {
      if (frame.type !== MessageType.DATA) continue;
      if (connectionId === undefined || frame.connectionId === connectionId)
        bytes += frame.payload.length;
    }
    return bytes;
  }

  typesOf(connectionId: number): MessageType[] {
    return this.frames.filter((f) => f.connectionId === connectionId).map((f) => f.type);
  }
}

/** Records what the multiplexer asks; a local end is answered with CONNECTION_RESET. */
class RecordingPolicy implements RolePolicy {
  readonly serviceIds: (readonly string[])[] = [];
  readonly starts: TunnelMessage[] = [];
  readonly connectionStarts: TunnelMessage[] = [];
  readonly localEnds: LocalConnection[] = [];
  readonly streamsEnding: number[] = [];

  constructor(private readonly mux: TunnelMux) {}

  onServiceIds(serviceIds: readonly string[]): void {
    this.serviceIds.push(serviceIds);
  }
  onStreamStart(message: TunnelMessage): void {
    this.starts.push(message);
  }
  onConnectionStart(message: TunnelMessage): void {
    this.connectionStarts.push(message);
  }
  onLocalConnectionEnded(connection: LocalConnection): void {
    this.localEnds.push(connection);
    this.mux.sendConnectionReset(connection);
  }
  onStreamEnding(channel: ServiceChannel): void {
    this.streamsEnding.push(channel.activeStreamId);
  }
}

function message(type: MessageType, fields: Partial<TunnelMessage> = {}): TunnelMessage {
  return {
    type,
    streamId: 0,
    ignorable: false,
    payload: new Uint8Array(0),
    serviceId: '',
    availableServiceIds: [],
    connectionId: 0,
    ...fields,
  };
}

function data(streamId: number, connectionId: number, payload: Uint8Array): TunnelMessage {
  return message(MessageType.DATA, { streamId, connectionId, serviceId: 'SSH1', payload });
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

let server: net.Server;
const sockets: net.Socket[] = [];
const accepted: net.Socket[] = [];

beforeAll(async () => {
  server = net.createServer((socket) => {
    socket.on('error', () => {});
    accepted.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** A connected loopback pair: `local` for the multiplexer, `peer` for the test. */
async function pair(): Promise<{ local: net.Socket; peer: net.Socket }> {
  const before = accepted.length;
  const local = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  local.on('error', () => {});
  await once(local, 'connect');
  await waitFor(() => accepted.length > before, 5_000, 'the accepted socket');
  const peer = accepted[accepted.length - 1]!;
  sockets.push(local, peer);
  return { local, peer };
}

function setup(limits: Partial<MuxLimits> = {}) {
  const mux = new TunnelMux<RecordingPolicy>(
    silentLogger,
    { ...DEFAULT_MUX_LIMITS, ...limits },
    (m) => new RecordingPolicy(m),
  );
  const link = new MemoryLink();
  mux.attach(link);
  const channel = new ServiceChannel('SSH1', undefined, true);
  mux.channels.set('SSH1', channel);
  /** A connection of the channel's stream (which becomes the active one) over a new pair. */
  const connect = async (streamId: number, connectionId: number) => {
    const { local, peer } = await pair();
    channel.activeStreamId = streamId;
    const connection = mux.addConnection(channel, local, streamId, connectionId, 'peer', false);
    return { connection, local, peer };
  };
  return { mux, link, channel, policy: mux.policy, connect };
}

/** Two connections on one stream: one will send a lot, the other nothing. */
async function busyAndIdle(limits: Partial<MuxLimits>) {
  const { link, connect } = setup(limits);
  return { link, busy: await connect(1, 1), idle: await connect(1, 2) };
}

/** Reads everything the peer socket gets, from now on. */
function collect(socket: net.Socket): { bytes: () => number; text: () => string } {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return {
    bytes: () => chunks.reduce((n, c) => n + c.length, 0),
    text: () => Buffer.concat(chunks).toString(),
  };
}

describe('TunnelMux', () => {
  it('hands SERVICE_IDS, STREAM_START and CONNECTION_START to its role policy', () => {
    const { mux, policy } = setup();
    mux.handleMessage(message(MessageType.SERVICE_IDS, { availableServiceIds: ['SSH1', 'RDP'] }));
    mux.handleMessage(message(MessageType.STREAM_START, { streamId: 4, serviceId: 'SSH1' }));
    mux.handleMessage(
      message(MessageType.CONNECTION_START, { streamId: 4, serviceId: 'SSH1', connectionId: 2 }),
    );
    expect(policy.serviceIds).toEqual([['SSH1', 'RDP']]);
    expect(policy.starts.map((m) => m.streamId)).toEqual([4]);
    expect(policy.connectionStarts.map((m) => m.connectionId)).toEqual([2]);
  });

  it('throws a ProtocolError for a message type it does not know', () => {
    const { mux } = setup();
    expect(() => mux.handleMessage(message(MessageType.UNKNOWN))).toThrow(ProtocolError);
  });

  it('writes DATA of the active stream to its connection, and sends local bytes as DATA', async () => {
    const { mux, link, connect } = setup();
    const { peer } = await connect(1, 1);
    const received = collect(peer);
    mux.handleMessage(data(1, 1, Buffer.from('hello')));
    await waitFor(() => received.text() === 'hello', 5_000, 'the delivered bytes');
    peer.write('world');
    await waitFor(() => link.dataBytes(1) === 5, 5_000, 'the DATA frame');
    const frame = link.frames.find((f) => f.type === MessageType.DATA)!;
    expect(frame).toMatchObject({ streamId: 1, connectionId: 1, serviceId: 'SSH1' });
    expect(frame.payload.toString()).toBe('world');
    expect(mux.snapshot(Date.now()).services[0]).toMatchObject({ bytesIn: 5, bytesOut: 5 });
  });

  it('drops DATA for another stream or an unknown connection, and counts it as stale', async () => {
    const { mux, connect } = setup();
    const { peer } = await connect(3, 1);
    const received = collect(peer);
    mux.handleMessage(data(2, 1, Buffer.alloc(10))); // an earlier stream
    mux.handleMessage(data(3, 7, Buffer.alloc(20))); // a connection it does not have
    mux.handleMessage(
      message(MessageType.DATA, { streamId: 3, serviceId: 'NOPE', payload: Buffer.alloc(30) }),
    );
    mux.handleMessage(data(3, 1, Buffer.from('ok')));
    await waitFor(() => received.text() === 'ok', 5_000, 'the current bytes');
    expect(mux.snapshot(Date.now()).receive.staleBytesDropped).toBe(60);
  });

  it('ends every connection of a stream the peer resets, and takes a new stream on the service', async () => {
    const { mux, channel, policy, connect } = setup();
    const first = await connect(1, 1);
    const second = await connect(1, 2);
    first.peer.resume(); // (a paused socket never sees its end)
    second.peer.resume();
    mux.handleMessage(message(MessageType.STREAM_RESET, { streamId: 1, serviceId: 'SSH1' }));
    await Promise.all([once(first.peer, 'end'), once(second.peer, 'end')]);
    expect(policy.streamsEnding).toEqual([1]);
    expect(channel.activeStreamId).toBe(0);
    expect(channel.connections.size).toBe(0);
    expect(policy.localEnds).toEqual([]); // ended by the tunnel: nothing to tell the peer

    const next = await connect(2, 1);
    const received = collect(next.peer);
    mux.handleMessage(data(1, 1, Buffer.from('stale')));
    mux.handleMessage(data(2, 1, Buffer.from('fresh')));
    await waitFor(() => received.text() === 'fresh', 5_000, 'the new stream');
    expect(mux.snapshot(Date.now()).receive.staleBytesDropped).toBe(5);
  });

  it('ends one connection on CONNECTION_RESET and lets the others go on', async () => {
    const { mux, channel, connect } = setup();
    const first = await connect(1, 1);
    const second = await connect(1, 2);
    const received = collect(second.peer);
    first.peer.resume();
    mux.handleMessage(
      message(MessageType.CONNECTION_RESET, { streamId: 1, serviceId: 'SSH1', connectionId: 1 }),
    );
    await once(first.peer, 'end');
    mux.handleMessage(data(1, 2, Buffer.from('still here')));
    await waitFor(() => received.text() === 'still here', 5_000, 'the other connection');
    expect([...channel.connections.keys()]).toEqual([2]);
    expect(channel.activeStreamId).toBe(1);
  });

  it('ends every stream on SESSION_RESET', async () => {
    const { mux, channel, policy, connect } = setup();
    const { peer } = await connect(5, 1);
    peer.resume();
    mux.handleMessage(message(MessageType.SESSION_RESET));
    await once(peer, 'end');
    expect(policy.streamsEnding).toEqual([5]);
    expect(channel.activeStreamId).toBe(0);
  });

  it('asks the policy what to send when a local connection ends, after its last bytes', async () => {
    const { link, policy, connect } = setup();
    const { connection, peer } = await connect(1, 3);
    peer.end('bye');
    await waitFor(() => link.typesOf(3).includes(MessageType.CONNECTION_RESET), 5_000, 'the reset');
    expect(policy.localEnds).toEqual([connection]);
    expect(link.typesOf(3)).toEqual([MessageType.DATA, MessageType.CONNECTION_RESET]);
    expect(link.frames[0]!.payload.toString()).toBe('bye');
  });

  it('drops every connection when the link goes, without asking the policy', async () => {
    const { mux, channel, policy, connect } = setup();
    const { peer } = await connect(1, 1);
    peer.resume();
    mux.detach();
    expect(mux.link).toBeUndefined();
    await once(peer, 'close');
    expect(channel.connections.size).toBe(0);
    expect(channel.activeStreamId).toBe(0);
    expect(policy.localEnds).toEqual([]);
    expect(policy.streamsEnding).toEqual([]);
  });
});

describe('TunnelMux backpressure', () => {
  it('stops reading the tunnel while a local socket is full, and reads again once it drains', async () => {
    const { mux, link, connect } = setup({
      maxWriteBufferBytes: 256 * KiB,
      maxConnectionBufferBytes: 64 * MiB,
      maxTunnelBufferBytes: 64 * MiB,
      stallTimeoutMs: 60_000,
    });
    const { peer } = await connect(1, 1);
    peer.pause(); // the local peer reads nothing
    const payload = Buffer.alloc(MAX_PAYLOAD_BYTES, 1);
    const total = 24 * MiB; // more than loopback's kernel buffers take
    let sent = 0;
    for (; sent < total; sent += payload.length) mux.handleMessage(data(1, 1, payload));
    expect(link.paused).toBe(true);
    await tick();
    await tick();
    expect(link.paused).toBe(true);
    expect(mux.snapshot(Date.now()).receive.paused).toBe(true);

    const received = collect(peer);
    peer.resume();
    await waitFor(() => !link.paused, 10_000, 'the tunnel to be read again');
    await waitFor(() => received.bytes() === sent, 10_000, 'every byte');
    expect(link.pauses).toBe(1);
  });

  it('arrival order: stops reading every local socket while the link has not taken the bytes, and resumes them after the drain', async () => {
    const { link, busy, idle } = await busyAndIdle({
      sendOrder: 'arrival',
      highWaterBytes: 64 * KiB,
      lowWaterBytes: 16 * KiB,
    });
    link.holdWrites = true;
    const size = 512 * KiB;
    busy.peer.write(Buffer.alloc(size, 2));
    await waitFor(
      () => busy.local.isPaused() && idle.local.isPaused(),
      5_000,
      'local reading to pause',
    );
    link.release();
    await waitFor(() => link.dataBytes(1) === size, 10_000, 'every byte through the link');
    await waitFor(
      () => !busy.local.isPaused() && !idle.local.isPaused(),
      5_000,
      'local reading to resume',
    );
  });

  it('fair order: stops reading only the connection whose queue is full, and resumes it as the link takes the bytes', async () => {
    const { link, busy, idle } = await busyAndIdle({
      sendOrder: 'fair',
      flowHighWaterBytes: 128 * KiB,
      flowLowWaterBytes: 32 * KiB,
    });
    link.holdPongs = true; // the service has read nothing: the delivery window stays full
    const size = 2 * MiB;
    busy.peer.write(Buffer.alloc(size, 3));
    await waitFor(() => busy.local.isPaused(), 5_000, 'the busy connection to pause');
    expect(idle.local.isPaused()).toBe(false);
    expect(link.dataBytes(1)).toBeLessThan(size);
    link.release();
    await waitFor(() => link.dataBytes(1) === size, 10_000, 'every byte through the link');
    await waitFor(() => !busy.local.isPaused(), 5_000, 'the busy connection to resume');
  });
});
