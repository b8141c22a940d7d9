import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebSocketTap } from './websocket-tap.js';

/** A small limit, so that oversized frames are cheap to generate. */
const MAX_PAYLOAD = 2000;

interface Frame {
  fin: boolean;
  rsv: number;
  opcode: number;
  mask: Buffer | undefined;
  payload: Buffer;
  /** 0: the shortest length form; 1 and 2: the 16- and 64-bit forms where they fit (legal). */
  lengthForm: number;
}

function encode(frame: Frame): Buffer {
  const length = frame.payload.length;
  let lengthBytes: Buffer;
  if (length <= 125 && frame.lengthForm === 0) lengthBytes = Buffer.from([length]);
  else if (length <= 0xffff && frame.lengthForm !== 2) {
    lengthBytes = Buffer.alloc(3);
    lengthBytes[0] = 126;
    lengthBytes.writeUInt16BE(length, 1);
  } else {
    lengthBytes = Buffer.alloc(9);
    lengthBytes[0] = 127;
    lengthBytes.writeUInt32BE(0, 1);
    lengthBytes.writeUInt32BE(length, 5);
  }
  if (frame.mask) lengthBytes[0]! |= 0x80;
  const first = (frame.fin ? 0x80 : 0) | (frame.rsv << 4) | frame.opcode;
  return Buffer.concat([
    Buffer.from([first]),
    lengthBytes,
    frame.mask ?? Buffer.alloc(0),
    frame.payload,
  ]);
}

const payloadOf = (max: number) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.constantFrom(0, 125, 126, 127, max - 1, max).map((n) => new Uint8Array(n).fill(n & 0xff)),
  );

/** Mostly what a service sends (binary frames, pings and pongs), sometimes anything at all. */
const frame: fc.Arbitrary<Frame> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      fin: fc.constant(true),
      rsv: fc.constant(0),
      opcode: fc.constant(2),
      mask: fc.constant(undefined),
      payload: payloadOf(MAX_PAYLOAD).map((p) => Buffer.from(p)),
      lengthForm: fc.integer({ min: 0, max: 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      fin: fc.constant(true),
      rsv: fc.constant(0),
      opcode: fc.constantFrom(9, 10),
      mask: fc.constant(undefined),
      payload: fc.uint8Array({ maxLength: 125 }).map((p) => Buffer.from(p)),
      lengthForm: fc.integer({ min: 0, max: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      fin: fc.boolean(),
      rsv: fc.integer({ min: 0, max: 7 }),
      opcode: fc.integer({ min: 0, max: 15 }),
      mask: fc.option(
        fc.uint8Array({ minLength: 4, maxLength: 4 }).map((m) => Buffer.from(m)),
        { nil: undefined },
      ),
      payload: payloadOf(MAX_PAYLOAD + 1).map((p) => Buffer.from(p)),
      lengthForm: fc.integer({ min: 0, max: 2 }),
    }),
  },
);

const RESPONSE_101 =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nchannel-id: abc\r\n\r\n';
const RESPONSE_403 =
  'HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 20\r\n\r\n' +
  'the token is spent\r\n';

/** What the tap must do, frame by frame: the bytes ws gets and the payloads taken. */
function model(response: string, frames: Frame[], answers: boolean[]) {
  const passed: Buffer[] = [Buffer.from(response, 'latin1')];
  const taken: Buffer[] = [];
  let asked = 0;
  let through = !response.startsWith('HTTP/1.1 101 ');
  for (const f of frames) {
    const bytes = encode(f);
    if (through) {
      passed.push(bytes);
      continue;
    }
    const plain = f.fin && f.rsv === 0 && !f.mask;
    const length = f.payload.length;
    if (plain && f.opcode === 2 && length <= MAX_PAYLOAD) {
      if (answers[asked++ % answers.length]) taken.push(f.payload);
      else passed.push(bytes);
    } else if (plain && (f.opcode === 9 || f.opcode === 10) && length <= 125) {
      passed.push(bytes);
    } else {
      passed.push(bytes);
      through = true;
    }
  }
  return { passed: Buffer.concat(passed), taken: Buffer.concat(taken), asked };
}

function run(stream: Buffer, cuts: number[], answers: boolean[]) {
  const socket = new Readable({ read() {} });
  const taken: Buffer[] = [];
  let asked = 0;
  const tap = new WebSocketTap(
    socket,
    {
      canTake: () => answers[asked++ % answers.length]!,
      onPayload: (bytes) => taken.push(Buffer.from(bytes)),
    },
    MAX_PAYLOAD,
  );
  // One read buffer, overwritten after every read, as the socket's `onread` buffer is.
  const readBuffer = Buffer.alloc(stream.length + 16);
  const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
  for (let i = 1; i < points.length; i++) {
    const length = points[i]! - points[i - 1]!;
    stream.copy(readBuffer, 3, points[i - 1], points[i]);
    tap.receive(readBuffer, 3, 3 + length);
    readBuffer.fill(0xee);
  }
  socket.push(null);
  const passed = (socket.read() as Buffer | null) ?? Buffer.alloc(0);
  return { passed, taken: Buffer.concat(taken), asked };
}

describe('WebSocketTap', () => {
  it('takes plain binary frames and passes everything else on, in order, however the reads fall', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(RESPONSE_101, RESPONSE_403),
        fc.array(frame, { maxLength: 25 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (response, frames, answers, rawCuts) => {
          const stream = Buffer.concat([
            Buffer.from(response, 'latin1'),
            ...frames.map((f) => encode(f)),
          ]);
          const cuts = rawCuts.map((c) => c % (stream.length + 1));
          const expected = model(response, frames, answers);
          const got = run(stream, cuts, answers);
          expect(got.asked).toBe(expected.asked);
          expect(got.taken.equals(expected.taken)).toBe(true);
          expect(got.passed.equals(expected.passed)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('hands over the bytes right after the HTTP response, one byte at a time too', () => {
    const frames: Frame[] = [
      { fin: true, rsv: 0, opcode: 2, mask: undefined, payload: Buffer.from('abc'), lengthForm: 0 },
      { fin: true, rsv: 0, opcode: 9, mask: undefined, payload: Buffer.from('p'), lengthForm: 0 },
      {
        fin: true,
        rsv: 0,
        opcode: 2,
        mask: undefined,
        payload: Buffer.alloc(300, 7),
        lengthForm: 0,
      },
    ];
    const stream = Buffer.concat([Buffer.from(RESPONSE_101, 'latin1'), ...frames.map(encode)]);
    const everyByte = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    const got = run(stream, everyByte, [true]);
    expect(got.passed.toString('latin1')).toBe(
      RESPONSE_101 + encode(frames[1]!).toString('latin1'),
    );
    expect(got.taken.equals(Buffer.concat([Buffer.from('abc'), Buffer.alloc(300, 7)]))).toBe(true);
  });

  it('leaves the rest of the stream to ws after a close frame', () => {
    const close: Frame = {
      fin: true,
      rsv: 0,
      opcode: 8,
      mask: undefined,
      payload: Buffer.from([0x03, 0xe8]),
      lengthForm: 0,
    };
    const binary: Frame = { ...close, opcode: 2, payload: Buffer.from('late') };
    const stream = Buffer.concat([
      Buffer.from(RESPONSE_101, 'latin1'),
      encode(close),
      encode(binary),
    ]);
    const got = run(stream, [], [true]);
    expect(got.taken.length).toBe(0);
    expect(got.passed.equals(stream)).toBe(true);
  });
});
