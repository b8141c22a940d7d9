import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { decodeFrameBody, encodeFrame } from '../protocol/message.js';
import { MAX_WEBSOCKET_MESSAGE_BYTES, MessageType } from '../protocol/wire.js';
import { DEFAULT_WRITER_OPTIONS, TunnelWriter } from './tunnel-writer.js';

/** A sink that records messages and completes writes only when told. */
function recordingSink() {
  const messages: Buffer[] = [];
  const callbacks: (() => void)[] = [];
  return {
    messages,
    send(message: Buffer, onWritten: () => void) {
      messages.push(Buffer.from(message));
      callbacks.push(onWritten);
    },
    completeAll() {
      callbacks.splice(0).forEach((cb) => cb());
    },
  };
}

const header = { streamId: 3, connectionId: 2, serviceId: Buffer.from('SSH1') };
const flow = { header, channel: {} };
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Every frame's type, connection and payload, in the order sent. */
function framesSent(messages: Buffer[]) {
  const decoder = new FrameDecoder();
  const out: { type: number; connectionId: number; payload: Buffer }[] = [];
  for (const message of messages) {
    decoder.push(message, (body) => {
      const decoded = decodeFrameBody(body);
      if (decoded.kind !== 'message') return;
      const { type, connectionId, payload } = decoded.message;
      out.push({ type, connectionId, payload: Buffer.from(payload) });
    });
  }
  return out;
}

/** Every frame's type and payload size, in the order sent. */
function decodeAll(messages: Buffer[]) {
  return framesSent(messages).map(({ type, payload }) => ({ type, bytes: payload.length }));
}

/** A read's worth of bytes that differ from one read to the next. */
function read(length: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => (i * 7 + seed * 31) & 0xff));
}

describe('TunnelWriter: reads that fill more than a frame', () => {
  it('carries the short rest of a 64 KiB read into the next read of the turn: 3 frames, not 4', async () => {
    const sink = recordingSink();
    const writer = new TunnelWriter({ highWaterBytes: 1 << 24, lowWaterBytes: 1 << 20 });
    writer.attach(sink);
    const first = read(65_536, 1);
    // The caller's read buffer is reused for the next read: the held rest must be a copy.
    const reused = Buffer.from(first);
    writer.sendData(flow, reused);
    reused.fill(0);
    const second = read(65_536, 2);
    writer.sendData(flow, second);
    await tick();
    const frames = framesSent(sink.messages);
    expect(frames.map((f) => f.payload.length)).toEqual([64_512, 64_512, 2_048]);
    expect(Buffer.concat(frames.map((f) => f.payload)).equals(Buffer.concat([first, second]))).toBe(
      true,
    );
  });

  it('sends the rest at the end of the turn when no read follows, and a small read at once as it came', async () => {
    const sink = recordingSink();
    const writer = new TunnelWriter({ highWaterBytes: 1 << 24, lowWaterBytes: 1 << 20 });
    writer.attach(sink);
    writer.sendData(flow, read(65_536, 3));
    await tick();
    expect(framesSent(sink.messages).map((f) => f.payload.length)).toEqual([64_512, 1_024]);
    writer.sendData(flow, read(50, 4));
    await tick();
    expect(framesSent(sink.messages).map((f) => f.payload.length)).toEqual([64_512, 1_024, 50]);
  });

  it("puts a connection's end after its held rest, and drops the rest of a connection the peer reset", async () => {
    const sink = recordingSink();
    const writer = new TunnelWriter({ highWaterBytes: 1 << 24, lowWaterBytes: 1 << 20 });
    writer.attach(sink);
    writer.sendData(flow, read(65_536, 5));
    writer.sendConnectionEnd(
      flow.channel,
      header.streamId,
      header.connectionId,
      encodeFrame({
        type: MessageType.CONNECTION_RESET,
        streamId: 3,
        serviceId: 'SSH1',
        connectionId: 2,
      }),
    );
    await tick();
    expect(framesSent(sink.messages).map((f) => [f.type, f.payload.length])).toEqual([
      [MessageType.DATA, 64_512],
      [MessageType.DATA, 1_024],
      [MessageType.CONNECTION_RESET, 0],
    ]);
    const other = { header: { ...header, connectionId: 9 }, channel: flow.channel };
    writer.sendData(other, read(65_536, 6));
    writer.discardFlow(other);
    await tick();
    expect(framesSent(sink.messages)).toHaveLength(3);
  });
});

describe('TunnelWriter', () => {
  it('batches the frames of one turn into one WebSocket message', async () => {
    const sink = recordingSink();
    const writer = new TunnelWriter({ highWaterBytes: 1 << 20, lowWaterBytes: 1 << 18 });
    writer.attach(sink);
    writer.sendFrame(
      encodeFrame({
        type: MessageType.STREAM_START,
        streamId: 3,
        serviceId: 'SSH1',
        connectionId: 1,
      }),
    );
    writer.sendData(flow, Buffer.alloc(10, 1));
    writer.sendData(flow, Buffer.alloc(20, 2));
    await tick();
    expect(sink.messages).toHaveLength(1);
    expect(decodeAll(sink.messages)).toEqual([
      { type: MessageType.STREAM_START, bytes: 0 },
      { type: MessageType.DATA, bytes: 10 },
      { type: MessageType.DATA, bytes: 20 },
    ]);
  });

  it('cuts payloads at 64,512 bytes and never sends a message over 131,076 bytes', async () => {
    const sink = recordingSink();
    const writer = new TunnelWriter({ highWaterBytes: 1 << 24, lowWaterBytes: 1 << 20 });
    writer.attach(sink);
    writer.sendData(flow, Buffer.alloc(1_000_000, 7));
    await tick();
    expect(Math.max(...sink.messages.map((m) => m.length))).toBeLessThanOrEqual(
      MAX_WEBSOCKET_MESSAGE_BYTES,
    );
    const frames = decodeAll(sink.messages);
    expect(frames.every((f) => f.bytes <= 64_512)).toBe(true);
    expect(frames.reduce((sum, f) => sum + f.bytes, 0)).toBe(1_000_000);
    expect(frames.length).toBe(Math.ceil(1_000_000 / 64_512));
  });

  it('in arrival order, says when it is congested and drains once the socket takes the bytes', async () => {
    const sink = recordingSink();
    const writer = new TunnelWriter({
      highWaterBytes: 100_000,
      lowWaterBytes: 10_000,
      sendOrder: 'arrival',
    });
    let drains = 0;
    writer.onDrain = () => drains++;
    writer.attach(sink);
    writer.sendData(flow, Buffer.alloc(150_000));
    expect(writer.congested).toBe(true);
    await tick();
    expect(writer.congested).toBe(true); // handed over, not yet written
    expect(drains).toBe(0);
    sink.completeAll();
    expect(writer.congested).toBe(false);
    expect(drains).toBe(1);
  });

  it('drops what it holds when the tunnel goes, and ignores late write callbacks', async () => {
    const sink = recordingSink();
    const writer = new TunnelWriter({ highWaterBytes: 100_000, lowWaterBytes: 10_000 });
    writer.attach(sink);
    writer.sendData(flow, Buffer.alloc(50_000));
    await tick();
    writer.detach();
    expect(writer.pendingBytes).toBe(0);
    writer.attach(recordingSink());
    sink.completeAll(); // callbacks of the old connection
    expect(writer.pendingBytes).toBe(0);
    writer.sendData(flow, Buffer.alloc(10));
    expect(writer.pendingBytes).toBeGreaterThan(10);
  });
});

/**
 * A sink that can ping: it records messages and pings in order (`log`), and answers pings
 * only when told, as a service that has read up to them would.
 */
function pacedSink() {
  const log: string[] = [];
  const messages: Buffer[] = [];
  const writes: (() => void)[] = [];
  const pongs: (() => void)[] = [];
  return {
    log,
    messages,
    get pings() {
      return pongs.length;
    },
    send(message: Buffer, onWritten: () => void) {
      log.push('data');
      messages.push(Buffer.from(message));
      writes.push(onWritten);
    },
    sendPing(onPong: () => void) {
      log.push('ping');
      pongs.push(onPong);
    },
    /** The socket took every message so far. */
    written() {
      writes.splice(0).forEach((cb) => cb());
    },
    /** The service read everything so far: every ping is answered. */
    pongAll() {
      writes.splice(0).forEach((cb) => cb());
      pongs.splice(0).forEach((cb) => cb());
    },
    bytes() {
      return messages.reduce((sum, m) => sum + m.length, 0);
    },
  };
}

/** Each DATA frame's connection id and size, and each control frame's type, in order. */
function framesOf(messages: Buffer[]) {
  return framesSent(messages).map(({ type, connectionId, payload }) =>
    type === MessageType.DATA
      ? `c${connectionId}:${payload.length}`
      : `${MessageType[type]}:${connectionId}`,
  );
}

const channel = {};
const connection = (connectionId: number, on: object = channel) => ({
  header: { streamId: 3, connectionId, serviceId: Buffer.from('SSH1') },
  channel: on,
});
const control = (type: MessageType, connectionId: number) =>
  encodeFrame({ type, streamId: 3, serviceId: 'SSH1', connectionId });

describe('TunnelWriter, fair order with pacing', () => {
  it('pings before its first bytes, and behind the bytes each later ping vouches for', async () => {
    const sink = pacedSink();
    const writer = new TunnelWriter();
    writer.attach(sink);
    writer.sendData(connection(1), Buffer.alloc(1000));
    await tick();
    expect(sink.log).toEqual(['ping', 'data']); // the clean ping measures the empty path
    sink.pongAll();
    writer.sendData(connection(1), Buffer.alloc(1000));
    await tick();
    expect(sink.log.slice(2)).toEqual(['data']);
    await new Promise((resolve) => setTimeout(resolve, 30)); // the ping spacing
    expect(sink.log.slice(2)).toEqual(['data', 'ping']);
  });

  it('keeps at most the window (64 KiB at first) handed over, and sends on as pongs return', async () => {
    const sink = pacedSink();
    const writer = new TunnelWriter();
    writer.attach(sink);
    const bulk = connection(1);
    writer.sendData(bulk, Buffer.alloc(500_000));
    await tick();
    expect(sink.bytes()).toBeLessThanOrEqual(64 * 1024);
    expect(sink.bytes()).toBeGreaterThan(48 * 1024);
    expect(writer.scheduler.queuedBytes).toBeGreaterThan(400_000);
    const before = sink.bytes();
    sink.pongAll(); // the service read it all: the window opens again
    expect(sink.bytes()).toBeGreaterThan(before + 48 * 1024);
    // Frames are cut to an eighth of the window, so that one never fills it alone.
    expect(Math.max(...framesOf(sink.messages).map((f) => Number(f.split(':')[1])))).toBe(8 * 1024);
  });

  it("sends a keystroke ahead of a bulk connection's backlog, at once", async () => {
    const sink = pacedSink();
    const writer = new TunnelWriter();
    writer.attach(sink);
    writer.sendData(connection(1), Buffer.alloc(500_000));
    await tick();
    const sent = sink.messages.length;
    writer.sendData(connection(2), Buffer.from('ls\n'));
    await tick();
    // The window is full, but a small piece may use the headroom: it needs no pong.
    expect(framesOf(sink.messages.slice(sent))).toEqual(['c2:3']);
    // When a pong opens the window, the keystroke that came meanwhile is the first to go.
    const mark = sink.messages.length;
    writer.sendData(connection(2), Buffer.from('x'));
    sink.pongAll();
    expect(framesOf(sink.messages.slice(mark))[0]).toBe('c2:1');
    expect(framesOf(sink.messages.slice(mark)).length).toBeGreaterThan(1); // then the bulk
  });

  it('tells only the connection whose queue is full to stop, and says when it may read again', async () => {
    const sink = pacedSink();
    const writer = new TunnelWriter();
    const resumed: number[] = [];
    writer.onFlowResume = (flow) => resumed.push(flow.header.connectionId);
    writer.attach(sink);
    const bulk = connection(1);
    const answers: boolean[] = [];
    for (let i = 0; i < 8; i++) answers.push(writer.sendData(bulk, Buffer.alloc(64 * 1024)));
    expect(answers.slice(0, 4)).toEqual([true, true, true, true]);
    expect(answers.at(-1)).toBe(false);
    expect(writer.sendData(connection(2), Buffer.alloc(100))).toBe(true);
    expect(writer.congested).toBe(false); // never everyone at once in fair order
    for (let i = 0; i < 20 && resumed.length === 0; i++) {
      sink.pongAll();
      await tick();
    }
    expect(resumed).toEqual([1]);
  });

  it("sends a connection's reset after its last bytes, and a new stream after the old one's", async () => {
    const sink = pacedSink();
    const writer = new TunnelWriter({ ...DEFAULT_WRITER_OPTIONS, window: { floorBytes: 1 << 30 } });
    writer.attach(sink);
    const ending = connection(1);
    writer.sendData(ending, Buffer.alloc(100));
    writer.sendConnectionEnd(channel, 3, 1, control(MessageType.CONNECTION_RESET, 1));
    writer.sendData(connection(2), Buffer.alloc(50));
    writer.sendFrame(control(MessageType.CONNECTION_START, 4));
    // A STREAM_START of another service goes first; one of this service waits for it.
    writer.sendStreamFrame({}, control(MessageType.STREAM_START, 9));
    writer.sendStreamFrame(channel, control(MessageType.STREAM_START, 7));
    await tick();
    expect(framesOf(sink.messages)).toEqual([
      'CONNECTION_START:4',
      'STREAM_START:9',
      'c1:100',
      'CONNECTION_RESET:1',
      'c2:50',
      'STREAM_START:7',
    ]);
  });

  it('keeps at most maxUnwrittenBytes waiting in the socket, even with a wide window', async () => {
    const sink = pacedSink();
    const writer = new TunnelWriter({
      ...DEFAULT_WRITER_OPTIONS,
      maxUnwrittenBytes: 256 * 1024,
      window: { floorBytes: 1 << 30 },
    });
    writer.attach(sink);
    writer.sendData(connection(1), Buffer.alloc(2_000_000));
    await tick();
    expect(sink.bytes()).toBeLessThan(256 * 1024 + 131_076);
    const before = sink.bytes();
    sink.written();
    expect(sink.bytes()).toBeGreaterThan(before + 64 * 1024);
  });

  it('in arrival order, sends everything in the order it came and paces nothing', async () => {
    const sink = pacedSink();
    const writer = new TunnelWriter({ ...DEFAULT_WRITER_OPTIONS, sendOrder: 'arrival' });
    writer.attach(sink);
    writer.sendData(connection(1), Buffer.alloc(300_000));
    writer.sendData(connection(2), Buffer.alloc(3));
    writer.sendConnectionEnd(channel, 3, 1, control(MessageType.CONNECTION_RESET, 1));
    await tick();
    expect(sink.pings).toBe(0);
    const frames = framesOf(sink.messages);
    expect(frames.slice(-2)).toEqual(['c2:3', 'CONNECTION_RESET:1']);
    expect(frames.slice(0, -2).every((f) => f.startsWith('c1:'))).toBe(true);
  });
});
