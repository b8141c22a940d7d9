import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { decodeFrameBody, encodeFrame } from '../protocol/message.js';
import { MAX_WEBSOCKET_MESSAGE_BYTES, MessageType } from '../protocol/wire.js';
import { TunnelWriter } from './tunnel-writer.js';

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
const tick = () => new Promise((resolve) => setImmediate(resolve));

function decodeAll(messages: Buffer[]) {
  const decoder = new FrameDecoder();
  const out: { type: number; bytes: number }[] = [];
  for (const message of messages) {
    decoder.push(message, (body) => {
      const decoded = decodeFrameBody(body);
      if (decoded.kind === 'message')
        out.push({ type: decoded.message.type, bytes: decoded.message.payload.length });
    });
  }
  return out;
}

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
    writer.sendData(header, Buffer.alloc(10, 1));
    writer.sendData(header, Buffer.alloc(20, 2));
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
    writer.sendData(header, Buffer.alloc(1_000_000, 7));
    await tick();
    expect(Math.max(...sink.messages.map((m) => m.length))).toBeLessThanOrEqual(
      MAX_WEBSOCKET_MESSAGE_BYTES,
    );
    const frames = decodeAll(sink.messages);
    expect(frames.every((f) => f.bytes <= 64_512)).toBe(true);
    expect(frames.reduce((sum, f) => sum + f.bytes, 0)).toBe(1_000_000);
    expect(frames.length).toBe(Math.ceil(1_000_000 / 64_512));
  });

  it('says when it is congested and drains once the socket takes the bytes', async () => {
    const sink = recordingSink();
    const writer = new TunnelWriter({ highWaterBytes: 100_000, lowWaterBytes: 10_000 });
    let drains = 0;
    writer.onDrain = () => drains++;
    writer.attach(sink);
    writer.sendData(header, Buffer.alloc(150_000));
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
    writer.sendData(header, Buffer.alloc(50_000));
    await tick();
    writer.detach();
    expect(writer.pendingBytes).toBe(0);
    writer.attach(recordingSink());
    sink.completeAll(); // callbacks of the old connection
    expect(writer.pendingBytes).toBe(0);
    writer.sendData(header, Buffer.alloc(10));
    expect(writer.pendingBytes).toBeGreaterThan(10);
  });
});
