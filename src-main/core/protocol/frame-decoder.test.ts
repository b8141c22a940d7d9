import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from './frame-decoder.js';
import { encodeFrame } from './message.js';
import { ProtocolError } from './errors.js';
import { MAX_FRAME_BODY_BYTES, MessageType } from './wire.js';

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

  it('copies transient chunks, and reuses memory only once every frame cut from it is released', () => {
    // Frames of every size up to the limit, fed in random pieces, some as stable chunks and
    // some from one read buffer that is scribbled over after each call. Each frame is let go
    // at once, a few pieces later, or never; a frame must read the same when it is let go as
    // when it arrived, so no memory is reused while a frame is still held.
    const body = fc
      .oneof(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 60_000, max: MAX_FRAME_BODY_BYTES }),
      )
      .chain((n) => fc.integer({ min: 0, max: 255 }).map((fill) => ({ n, fill })));
    fc.assert(
      fc.property(
        fc.array(body, { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(fc.constantFrom('now', 'later', 'never'), { minLength: 1, maxLength: 7 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        (bodies, rawCuts, policies, transients) => {
          const frames = bodies.map(({ n, fill }, i) => {
            const frame = Buffer.alloc(2 + n, fill);
            frame.writeUInt16BE(n, 0);
            if (n > 0) frame[2] = i & 0xff;
            return frame;
          });
          const stream = Buffer.concat(frames);
          const cuts = rawCuts.map((c) => c % (stream.length + 1)).sort((a, b) => a - b);
          const points = [0, ...cuts, stream.length];
          const decoder = new FrameDecoder();
          const readBuffer = Buffer.alloc(stream.length);
          const got: string[] = [];
          let held: { view: Buffer; copy: Buffer; release: (() => void) | undefined }[] = [];
          const letGo = () => {
            for (const h of held) {
              expect(h.view.equals(h.copy)).toBe(true);
              h.release?.();
            }
            held = [];
          };
          for (let i = 1; i < points.length; i++) {
            const onFrame = (_body: Buffer, frame: Buffer, release?: () => void) => {
              got.push(frame.toString('hex'));
              const policy = policies[got.length % policies.length];
              if (policy === 'now') release?.();
              else if (policy === 'later')
                held.push({ view: frame, copy: Buffer.from(frame), release });
            };
            if (transients[i % transients.length]) {
              const n = stream.copy(readBuffer, 0, points[i - 1], points[i]);
              decoder.pushTransient(readBuffer.subarray(0, n), onFrame);
              readBuffer.fill(0xee);
            } else {
              decoder.push(stream.subarray(points[i - 1], points[i]), onFrame);
            }
            if (i % 3 === 0) letGo();
          }
          letGo();
          expect(got).toEqual(frames.map((f) => f.toString('hex')));
        },
      ),
      { numRuns: 200 },
    );
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
