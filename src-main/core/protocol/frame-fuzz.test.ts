/**
 * Hostile input for the frame parser: random bytes, and valid frame streams with bytes
 * flipped, cut at random points. Whatever arrives, the parser yields frames or throws a
 * ProtocolError (which closes the WebSocket), never anything else; an unmutated stream
 * decodes to exactly what was encoded. fast-check prints the seed of a failure to replay it.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';
import { FrameDecoder } from './frame-decoder.js';
import { decodeFrameBody, encodeFrame, type OutgoingMessage } from './message.js';
import { MAX_PAYLOAD_BYTES, MessageType } from './wire.js';

/** Frames fed to the parser (whole, mutated or random), for the count per CI run. */
let framesFed = 0;
afterAll(() => {
  console.log(`frame parser fuzz: ${framesFed} frames fed`);
  expect(framesFed).toBeGreaterThan(700_000);
});

const message: fc.Arbitrary<OutgoingMessage> = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom(...[1, 2, 3, 4, 5, 6, 7].map((t) => t as MessageType)),
      fc.integer({ min: 0, max: 40 }).map((t) => t as MessageType),
    ),
    streamId: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer()),
    ignorable: fc.boolean(),
    payload: fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.integer({ min: 0, max: MAX_PAYLOAD_BYTES }).map((n) => new Uint8Array(n)),
    ),
    serviceId: fc.oneof(fc.constantFrom('', 'SSH1', 'HTTP1'), fc.string({ maxLength: 70 })),
    availableServiceIds: fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
    connectionId: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.nat()),
  },
  { requiredKeys: ['type'] },
);

/** Feeds chunks; returns what came out, and checks that nothing but a ProtocolError was thrown. */
function parse(chunks: Buffer[]): { bodies: Buffer[]; error: ProtocolError | undefined } {
  const decoder = new FrameDecoder();
  const bodies: Buffer[] = [];
  try {
    for (const chunk of chunks) {
      decoder.push(chunk, (body) => {
        decodeFrameBody(body);
        bodies.push(Buffer.from(body));
      });
    }
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    return { bodies, error };
  }
  return { bodies, error: undefined };
}

function cut(stream: Buffer, points: number[]): Buffer[] {
  const sorted = [...new Set(points.map((p) => p % (stream.length + 1)))].sort((a, b) => a - b);
  const edges = [0, ...sorted, stream.length];
  return edges.slice(1).map((end, i) => stream.subarray(edges[i], end));
}

describe('the frame parser under hostile input', () => {
  it('yields exactly the frames of a valid stream, cut anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (messages, points) => {
          const frames = messages.flatMap((m) => {
            try {
              return [encodeFrame(m)];
            } catch {
              return []; // over the frame limit: not a frame anyone can send
            }
          });
          framesFed += frames.length;
          const stream = Buffer.concat(frames);
          const decoder = new FrameDecoder();
          const out: string[] = [];
          for (const chunk of cut(stream, points)) {
            decoder.push(chunk, (_body, frame) => out.push(frame.toString('hex')));
          }
          expect(out).toEqual(frames.map((f) => f.toString('hex')));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('throws only ProtocolErrors for valid streams with bytes flipped, dropped or added', () => {
    const small = fc.record(
      {
        type: fc.integer({ min: 0, max: 9 }).map((t) => t as MessageType),
        streamId: fc.integer({ min: 0, max: 9 }),
        payload: fc.uint8Array({ maxLength: 48 }),
        serviceId: fc.constantFrom('', 'SSH1'),
        connectionId: fc.integer({ min: 0, max: 9 }),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(
        fc.array(small, { minLength: 300, maxLength: 600 }),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.integer({ min: 0, max: 255 }),
            fc.constantFrom('flip', 'drop', 'add'),
          ),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.array(fc.nat(), { maxLength: 20 }),
        (messages, mutations, points) => {
          framesFed += messages.length;
          const bytes = [...Buffer.concat(messages.map((m) => encodeFrame(m)))];
          for (const [at, value, kind] of mutations) {
            const index = at % bytes.length;
            if (kind === 'flip') bytes[index] = value;
            else if (kind === 'drop') bytes.splice(index, 1);
            else bytes.splice(index, 0, value);
          }
          parse(cut(Buffer.from(bytes), points));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('throws only ProtocolErrors for random bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 4_096 }), { minLength: 1, maxLength: 8 }),
        (chunks) => {
          framesFed += chunks.length;
          parse(chunks.map((c) => Buffer.from(c)));
        },
      ),
      { numRuns: 3_000 },
    );
    // Streams of tiny frames: random bodies behind plausible length prefixes.
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 24 }), { minLength: 250, maxLength: 500 }),
        (bodies) => {
          const stream = Buffer.concat(
            bodies.map((body) => Buffer.concat([Buffer.from([0, body.length]), body])),
          );
          parse([stream]);
        },
      ),
      { numRuns: 2_500 },
    );
  });
});
