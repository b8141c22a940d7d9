import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from './frame-decoder.js';
import { encodeFrame } from './message.js';
import { ProtocolError } from './errors.js';
import { MessageType } from './wire.js';

function frames(): Buffer[] {
  return [
    encodeFrame({ type: MessageType.SERVICE_IDS, availableServiceIds: ['SSH1', 'HTTP1'] }),
    encodeFrame({
      type: MessageType.STREAM_START,
      streamId: 1,
      serviceId: 'SSH1',
      connectionId: 1,
    }),
    encodeFrame({
      type: MessageType.DATA,
      streamId: 1,
      serviceId: 'SSH1',
      connectionId: 1,
      payload: Buffer.alloc(700, 7),
    }),
    encodeFrame({
      type: MessageType.CONNECTION_RESET,
      streamId: 1,
      serviceId: 'SSH1',
      connectionId: 1,
    }),
  ];
}

function collect(decoder: FrameDecoder, chunks: Buffer[]): string[] {
  const out: string[] = [];
  for (const chunk of chunks)
    decoder.push(chunk, (_body, frame) => out.push(frame.toString('hex')));
  return out;
}

describe('FrameDecoder', () => {
  it('yields many frames from one message', () => {
    const all = frames();
    expect(collect(new FrameDecoder(), [Buffer.concat(all)])).toEqual(
      all.map((f) => f.toString('hex')),
    );
  });

  it('parses the stream cut at every split point', () => {
    const all = frames();
    const stream = Buffer.concat(all);
    const expected = all.map((f) => f.toString('hex'));
    for (let cut = 0; cut <= stream.length; cut++) {
      const got = collect(new FrameDecoder(), [stream.subarray(0, cut), stream.subarray(cut)]);
      expect(got, `cut at ${cut}`).toEqual(expected);
    }
  });

  it('parses a frame split across three messages, one byte at a time and at random cuts', () => {
    const all = frames();
    const stream = Buffer.concat(all);
    const expected = all.map((f) => f.toString('hex'));
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(collect(new FrameDecoder(), bytes)).toEqual(expected);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 12 }),
        (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
          const chunks = points.slice(1).map((end, i) => stream.subarray(points[i], end));
          expect(collect(new FrameDecoder(), chunks)).toEqual(expected);
        },
      ),
    );
  });

  it('rejects a length beyond the limit with a clear reason', () => {
    const decoder = new FrameDecoder(1000);
    const bad = Buffer.from([0x03, 0xe9, 0x08, 0x01]);
    expect(() => decoder.push(bad, () => {})).toThrowError(ProtocolError);
    try {
      new FrameDecoder(1000).push(bad, () => {});
    } catch (error) {
      expect((error as ProtocolError).code).toBe('frame-too-large');
      expect((error as Error).message).toMatch(/1001 bytes, over the 1000-byte limit/);
    }
  });

  it('reports what it holds back and forgets it on reset', () => {
    const decoder = new FrameDecoder();
    const frame = frames()[2]!;
    decoder.push(frame.subarray(0, 10), () => {});
    expect(decoder.bufferedBytes).toBe(10);
    decoder.reset();
    expect(decoder.bufferedBytes).toBe(0);
    expect(collect(decoder, [frame])).toEqual([frame.toString('hex')]);
  });
});
