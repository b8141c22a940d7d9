import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeDataFrame } from './data-frame.js';
import { encodeFrame, decodeFrameBody, type OutgoingMessage } from './message.js';
import { MAX_PAYLOAD_BYTES, MessageType } from './wire.js';

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const uint32 = fc.integer({ min: 0, max: 0xffffffff });
/** Ids edge-heavy: zero, varint boundaries, extremes. */
const edgyInt32 = fc.oneof(
  int32,
  fc.constantFrom(0, 1, 127, 128, 16383, 16384, 0x7fffffff, -1, -0x80000000),
);
const edgyUint32 = fc.oneof(uint32, fc.constantFrom(0, 1, 127, 128, 2097151, 2097152, 0xffffffff));
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.integer({ min: 0, max: MAX_PAYLOAD_BYTES }).map((n) => new Uint8Array(n).fill(0xa5)),
);
const serviceId = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

describe('the hand-written DATA frame encoder', () => {
  it('writes exactly the bytes protobufjs writes, for every field combination', () => {
    fc.assert(
      fc.property(
        fc.option(edgyInt32, { nil: undefined }),
        fc.option(edgyUint32, { nil: undefined }),
        fc.option(serviceId, { nil: undefined }),
        fc.option(fc.boolean(), { nil: undefined }),
        payload,
        (streamId, connectionId, service, ignorable, bytes) => {
          const reference: OutgoingMessage = { type: MessageType.DATA, payload: bytes };
          if (streamId !== undefined) reference.streamId = streamId;
          if (connectionId !== undefined) reference.connectionId = connectionId;
          if (service !== undefined) reference.serviceId = service;
          if (ignorable !== undefined) reference.ignorable = ignorable;
          const fast = encodeDataFrame(
            {
              streamId: streamId ?? 0,
              connectionId: connectionId ?? 0,
              serviceId: Buffer.from(service ?? '', 'utf8'),
              ignorable: ignorable ?? false,
            },
            bytes,
          );
          expect(fast.equals(encodeFrame(reference))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('round-trips through the protobufjs decoder', () => {
    const frame = encodeDataFrame(
      { streamId: 7, connectionId: 300, serviceId: Buffer.from('SSH1') },
      Buffer.from('hello'),
    );
    const decoded = decodeFrameBody(frame.subarray(2));
    expect(decoded.kind).toBe('message');
    if (decoded.kind !== 'message') return;
    expect(decoded.message.type).toBe(MessageType.DATA);
    expect(decoded.message.streamId).toBe(7);
    expect(decoded.message.connectionId).toBe(300);
    expect(decoded.message.serviceId).toBe('SSH1');
    expect(Buffer.from(decoded.message.payload).toString()).toBe('hello');
  });

  it('matches a known byte fixture', () => {
    const frame = encodeDataFrame(
      { streamId: 1, connectionId: 1, serviceId: Buffer.from('A') },
      Buffer.from([0xff]),
    );
    // len=0x000c (12) | type=DATA | streamId=1 | payload=[ff] | serviceId="A" | connectionId=1
    expect(frame.toString('hex')).toBe('000c' + '0801' + '1001' + '2201ff' + '2a0141' + '3801');
  });
});
