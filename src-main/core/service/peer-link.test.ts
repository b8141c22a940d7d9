/**
 * What the service does with what a peer sends, through real WebSockets: it closes a peer
 * that breaks the protocol (1008 and a reason naming the violation) and leaves everyone else
 * alone; it relays frames byte for byte, in order, re-chunked when asked; and it stops
 * reading a sender whose receiver does not keep up.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, encodeMessageBody, type OutgoingMessage } from '../protocol/message.js';
import { MAX_PAYLOAD_BYTES, MAX_WEBSOCKET_MESSAGE_BYTES, MessageType } from '../protocol/wire.js';
import { waitFor, type Closable } from '../test-support/local-servers.js';
import { RawPeer } from '../test-support/raw-peer.js';
import { TunnelService, type TunnelServiceOptions, type TunnelSpec } from './tunnel-service.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

let counter = 0;
function spec(services = ['HTTP1', 'SSH1']): TunnelSpec {
  const n = ++counter;
  return { id: `p${n}`, sourceToken: `src-${n}-tok`, destinationToken: `dst-${n}-tok`, services };
}

async function startService(
  tunnels: TunnelSpec[],
  options: Partial<TunnelServiceOptions> = {},
): Promise<TunnelService> {
  const service = new TunnelService({ tls: 'plain', tunnels, ...options });
  await service.start();
  cleanup.push(service);
  return service;
}

const clientTokenOf = (tunnel: TunnelSpec, mode: string): string =>
  `${mode}-${tunnel.id}-${'c'.repeat(40)}`.slice(0, 48);

async function connect(
  service: TunnelService,
  tunnel: TunnelSpec,
  mode: 'source' | 'destination',
): Promise<RawPeer> {
  const peer = await RawPeer.connect({
    url: service.url,
    mode,
    token: mode === 'source' ? tunnel.sourceToken : tunnel.destinationToken,
    version: 'V3',
    clientToken: clientTokenOf(tunnel, mode),
  });
  cleanup.push(peer);
  return peer;
}

/** Both peers of a tunnel, connected, past SERVICE_IDS, with nothing else received yet. */
async function pair(service: TunnelService, tunnel: TunnelSpec) {
  const source = await connect(service, tunnel, 'source');
  const destination = await connect(service, tunnel, 'destination');
  await source.next((m) => m.type === MessageType.SERVICE_IDS, 'SERVICE_IDS');
  await destination.next((m) => m.type === MessageType.SERVICE_IDS, 'SERVICE_IDS');
  source.frames.length = 0;
  destination.frames.length = 0;
  source.messages.length = 0;
  destination.messages.length = 0;
  return { source, destination };
}

/** Frames a message body by hand: for bodies encodeFrame would not write. */
function frameOf(body: Uint8Array): Buffer {
  const frame = Buffer.alloc(2 + body.length);
  frame.writeUInt16BE(body.length, 0);
  frame.set(body, 2);
  return frame;
}

const data = (streamId: number, text: string, serviceId = 'HTTP1'): OutgoingMessage => ({
  type: MessageType.DATA,
  streamId,
  serviceId,
  connectionId: 1,
  payload: Buffer.from(text),
});

interface Violation {
  name: string;
  from: 'source' | 'destination';
  send(peer: RawPeer): void;
  code: number;
  reason: RegExp;
}

const violations: Violation[] = [
  {
    name: 'SERVICE_IDS',
    from: 'source',
    send: (p) => p.send({ type: MessageType.SERVICE_IDS, availableServiceIds: ['HTTP1'] }),
    code: 1008,
    reason: /^protocol error \(forbidden-type\): a source sent SERVICE_IDS/,
  },
  {
    name: 'SESSION_RESET',
    from: 'destination',
    send: (p) => p.send({ type: MessageType.SESSION_RESET }),
    code: 1008,
    reason: /^protocol error \(forbidden-type\): a destination sent SESSION_RESET/,
  },
  {
    name: 'DATA with stream id 0',
    from: 'source',
    send: (p) => p.send(data(0, 'x')),
    code: 1008,
    reason: /^protocol error \(zero-stream-id\): a source sent DATA with stream id 0/,
  },
  {
    name: 'CONNECTION_RESET with stream id 0',
    from: 'destination',
    send: (p) => p.send({ type: MessageType.CONNECTION_RESET, serviceId: 'SSH1', connectionId: 2 }),
    code: 1008,
    reason: /\(zero-stream-id\): a destination sent CONNECTION_RESET with stream id 0/,
  },
  {
    name: 'STREAM_START from the destination',
    from: 'destination',
    send: (p) => p.send({ type: MessageType.STREAM_START, streamId: 1, serviceId: 'HTTP1' }),
    code: 1008,
    reason: /\(forbidden-type\): a destination sent STREAM_START; only the source starts streams/,
  },
  {
    name: `a payload of ${MAX_PAYLOAD_BYTES + 1} bytes`,
    from: 'source',
    send: (p) => p.send({ ...data(1, ''), payload: Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x61) }),
    code: 1008,
    reason: /\(payload-too-large\): a DATA payload of 64513 bytes exceeds the 64512-byte limit/,
  },
  {
    name: 'a service id not among the tunnel’s',
    from: 'source',
    send: (p) => p.send({ type: MessageType.STREAM_START, streamId: 1, serviceId: 'FTP9' }),
    code: 1008,
    reason:
      /\(unknown-service\): a source sent service id "FTP9", which is not one of the tunnel's/,
  },
  {
    name: 'a field outside the schema',
    from: 'destination',
    // Field 8, varint 1: a field the Message schema does not have.
    send: (p) =>
      p.sendBytes(frameOf(Buffer.concat([encodeMessageBody(data(1, 'x')), Buffer.of(0x40, 1)]))),
    code: 1008,
    reason: /\(unknown-field\): a destination sent DATA with a field outside the Message schema/,
  },
  {
    name: 'a text frame',
    from: 'source',
    send: (p) => p.ws.send('hello'),
    code: 1008,
    reason: /\(text-frame\): a source sent a text WebSocket message; the protocol is binary only/,
  },
  {
    name: 'an unparseable frame',
    from: 'source',
    // Field 1 announced as 5 length-delimited bytes, then nothing.
    send: (p) => p.sendBytes(frameOf(Buffer.of(0x0a, 0x05))),
    code: 1008,
    reason: /\(frame-unparseable\): a 2-byte tunnel frame is not a valid Message/,
  },
  {
    name: 'type UNKNOWN without ignorable',
    from: 'destination',
    send: (p) => p.sendBytes(frameOf(encodeMessageBody({ type: 0, streamId: 1 }))),
    code: 1008,
    reason: /\(unknown-type\): a tunnel message has no type \(UNKNOWN\) and is not ignorable/,
  },
  {
    name: 'an unknown type without ignorable',
    from: 'source',
    send: (p) => p.sendBytes(frameOf(encodeMessageBody({ type: 42 as MessageType, streamId: 1 }))),
    code: 1008,
    reason: /\(unknown-type\): a tunnel message has unknown type 42 and is not ignorable/,
  },
  {
    // ws enforces the limit itself: close code 1009 (message too big), no reason text.
    name: `a WebSocket message of ${MAX_WEBSOCKET_MESSAGE_BYTES + 1} bytes`,
    from: 'source',
    send: (p) => {
      const frame = encodeFrame(data(1, 'y'.repeat(60_000)));
      const stream = Buffer.concat([frame, frame, frame]);
      p.sendBytes(stream.subarray(0, MAX_WEBSOCKET_MESSAGE_BYTES + 1));
    },
    code: 1009,
    reason: /^$/,
  },
];

describe('a peer that breaks the protocol', () => {
  it.each(violations)('is closed for sending $name', async (violation) => {
    const [tunnel, bystander] = [spec(), spec()];
    const service = await startService([tunnel, bystander]);
    const { source, destination } = await pair(service, tunnel);
    const others = await pair(service, bystander);
    const [offender, victim] =
      violation.from === 'source' ? [source, destination] : [destination, source];

    violation.send(offender);
    const closed = await offender.closed;
    expect(closed.code).toBe(violation.code);
    expect(closed.reason).toMatch(violation.reason);

    // The other peer is still connected, and still hears from the offender's side once it
    // reconnects; the offending frame itself never reached it.
    expect(victim.ws.readyState).toBe(victim.ws.OPEN);
    await waitFor(() => !service.describeTunnel(tunnel.id)[violation.from].connected);
    expect(
      service.describeTunnel(tunnel.id)[violation.from === 'source' ? 'destination' : 'source']
        .connected,
    ).toBe(true);
    const back = await connect(service, tunnel, violation.from);
    await back.next((m) => m.type === MessageType.SERVICE_IDS, 'SERVICE_IDS');
    if (violation.from === 'source') {
      back.send({ type: MessageType.STREAM_START, streamId: 9, serviceId: 'SSH1' });
    } else {
      source.send({ type: MessageType.STREAM_START, streamId: 9, serviceId: 'SSH1' });
      await destination.closed; // the destination is the one that was closed
      await back.next((m) => m.type === MessageType.STREAM_START, 'STREAM_START');
      back.send(data(9, 'after', 'SSH1'));
    }
    const proof = await victim.next((m) => m.streamId === 9, 'a frame from the reconnected peer');
    expect(proof.streamId).toBe(9);
    // Nothing else reached it: not the offending frame, and no reset (no stream was active).
    expect(victim.received).toEqual([]);

    // Another tunnel never noticed.
    others.source.send(data(1, 'still here'));
    const relayed = await others.destination.next((m) => m.type === MessageType.DATA, 'DATA');
    expect(Buffer.from(relayed.payload).toString()).toBe('still here');
  });

  it('relays the frames before the violation and nothing after it', async () => {
    const tunnel = spec();
    const service = await startService([tunnel]);
    const { source, destination } = await pair(service, tunnel);
    const before = encodeFrame(data(1, 'before'));
    source.sendBytes(
      Buffer.concat([
        before,
        encodeFrame({ type: MessageType.SESSION_RESET }),
        encodeFrame(data(1, 'same')),
      ]),
    );
    // Sent before the close reaches the source: the service must not relay it either.
    source.sendBytes(encodeFrame(data(1, 'after')));
    expect((await source.closed).code).toBe(1008);
    await waitFor(() => !service.describeTunnel(tunnel.id).source.connected);
    // A frame from a fresh source marks the end of what the destination will get.
    const back = await connect(service, tunnel, 'source');
    back.send(data(2, 'marker'));
    await destination.next((m) => Buffer.from(m.payload).toString() === 'marker', 'the marker');
    expect(destination.frames[0]).toEqual(before);
    expect(destination.received.map((m) => Buffer.from(m.payload).toString())).toEqual(['before']);
  });

  it('relays an unknown type marked ignorable, unchanged, without closing anyone', async () => {
    const tunnel = spec();
    const service = await startService([tunnel]);
    const { source, destination } = await pair(service, tunnel);
    const unknown = frameOf(
      encodeMessageBody({ type: 42 as MessageType, ignorable: true, payload: Buffer.of(1, 2, 3) }),
    );
    const unset = frameOf(encodeMessageBody({ type: 0, ignorable: true }));
    destination.sendBytes(Buffer.concat([unknown, unset]));
    destination.send(data(1, 'then data'));
    await source.next((m) => m.type === MessageType.DATA, 'DATA');
    expect(source.frames.slice(0, 2)).toEqual([unknown, unset]);
    expect(destination.ws.readyState).toBe(destination.ws.OPEN);
    expect(source.ws.readyState).toBe(source.ws.OPEN);
  });
});

/** Test traffic: a STREAM_START, then DATA frames of many sizes, some at the payload limit. */
function traffic(count: number, serviceId = 'HTTP1'): Buffer[] {
  const frames = [
    encodeFrame({ type: MessageType.STREAM_START, streamId: 1, serviceId, connectionId: 1 }),
  ];
  for (let i = 0; i < count; i++) {
    const size = i % 10 === 0 ? MAX_PAYLOAD_BYTES : (i * 7919) % 3000;
    frames.push(
      encodeFrame({
        type: MessageType.DATA,
        streamId: 1,
        serviceId,
        connectionId: 1,
        payload: Buffer.alloc(size, i & 0xff),
      }),
    );
  }
  return frames;
}

/** Sends a byte stream as WebSocket messages cut at the given sizes, over and over. */
function sendCut(peer: RawPeer, stream: Buffer, sizes: number[]): void {
  for (let offset = 0, i = 0; offset < stream.length; i++) {
    const size = sizes[i % sizes.length]!;
    peer.sendBytes(stream.subarray(offset, offset + size));
    offset += size;
  }
}

/** Frames as short, comparable strings: deep equality on 64 KiB buffers is slow to run and to print. */
function fingerprints(frames: Buffer[]): string[] {
  return frames.map((frame) => `${frame.length}:${createHash('sha1').update(frame).digest('hex')}`);
}

/** Offsets in a stream where one frame ends and the next begins. */
function frameEnds(frames: Buffer[]): Set<number> {
  const ends = new Set<number>();
  let offset = 0;
  for (const frame of frames) ends.add((offset += frame.length));
  return ends;
}

function messageEnds(messages: Buffer[]): number[] {
  let offset = 0;
  return messages.map((message) => (offset += message.length));
}

describe('the relay', () => {
  it('delivers frames byte-identical and in order, however the sender cut them', async () => {
    const tunnel = spec();
    const service = await startService([tunnel]);
    const { source, destination } = await pair(service, tunnel);
    const frames = traffic(60);
    const stream = Buffer.concat(frames);
    // 1-byte messages split length prefixes; 70,000 holds frames and parts of frames.
    sendCut(source, stream, [1, 1, 3, 70_000, 5_000, 17, 131_076]);
    await waitFor(() => destination.frames.length === frames.length, 10_000, 'every frame');
    expect(fingerprints(destination.frames)).toEqual(fingerprints(frames));
    expect(destination.byteStream.equals(stream)).toBe(true);
    // Without --rechunk the service forwards whole frames: no message ends inside one.
    const ends = frameEnds(frames);
    expect(messageEnds(destination.messages).every((end) => ends.has(end))).toBe(true);
    expect(service.describeTunnel(tunnel.id).bytesToDestination).toBe(stream.length);
  });

  it('relays both ways at once without mixing the directions', async () => {
    const tunnel = spec();
    const service = await startService([tunnel]);
    const { source, destination } = await pair(service, tunnel);
    const up = traffic(20, 'HTTP1');
    const down = traffic(20, 'SSH1').slice(1); // DATA only: a destination starts nothing
    for (let i = 0; i < 20; i++) {
      source.sendBytes(up[i]!);
      destination.sendBytes(down[i]!);
    }
    source.sendBytes(up[20]!);
    await waitFor(
      () => destination.frames.length === up.length && source.frames.length === down.length,
    );
    expect(fingerprints(destination.frames)).toEqual(fingerprints(up));
    expect(fingerprints(source.frames)).toEqual(fingerprints(down));
    const described = service.describeTunnel(tunnel.id);
    expect(described.bytesToDestination).toBe(Buffer.concat(up).length);
    expect(described.bytesToSource).toBe(Buffer.concat(down).length);
  });

  it('with --rechunk, keeps the byte stream identical but cuts it at other places, frames included', async () => {
    const tunnel = spec();
    const service = await startService([tunnel], { rechunk: { seed: 7 } });
    const { source, destination } = await pair(service, tunnel);
    const frames = traffic(60);
    const stream = Buffer.concat(frames);
    // Whole frames, one per message: any split comes from the service.
    for (const frame of frames) source.sendBytes(frame);
    await waitFor(() => destination.frames.length === frames.length, 10_000, 'every frame');
    expect(fingerprints(destination.frames)).toEqual(fingerprints(frames));
    expect(destination.byteStream.equals(stream)).toBe(true);
    const ends = frameEnds(frames);
    const cuts = messageEnds(destination.messages);
    expect(cuts.filter((end) => !ends.has(end)).length).toBeGreaterThan(0);
    expect(Math.max(...destination.messages.map((m) => m.length))).toBeLessThanOrEqual(
      MAX_WEBSOCKET_MESSAGE_BYTES,
    );
  });
});

describe('backpressure', () => {
  const highWaterBytes = 256 * 1024;
  const lowWaterBytes = 64 * 1024;

  /** Waits until a number stops changing across several looks. */
  async function settled(read: () => number): Promise<number> {
    let last = -1;
    let same = 0;
    while (same < 5) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const now = read();
      same = now === last ? same + 1 : 0;
      last = now;
    }
    return last;
  }

  /** Sends DATA frames at the payload limit until `total` bytes are queued. */
  function flood(peer: RawPeer, total: number, streamId = 1): number {
    const frame = encodeFrame({
      type: MessageType.DATA,
      streamId,
      serviceId: 'HTTP1',
      connectionId: 1,
      payload: Buffer.alloc(MAX_PAYLOAD_BYTES, 0x5a),
    });
    const message = Buffer.concat([frame, frame]);
    let sent = 0;
    while (sent < total) {
      peer.sendBytes(message);
      sent += message.length;
    }
    return sent;
  }

  it('stops reading the source while the destination does not read, and resumes when it does', async () => {
    const tunnel = spec();
    const service = await startService([tunnel], { highWaterBytes, lowWaterBytes });
    const { source, destination } = await pair(service, tunnel);
    destination.ws.pause();
    const sent = flood(source, 24 * 1024 * 1024);

    const relayed = await settled(() => service.describeTunnel(tunnel.id).bytesToDestination);
    // The service holds at most the high-water mark for the destination, plus what it read
    // before pausing (a socket read and a message); the rest waits in the source's buffers.
    const buffered = service.describeTunnel(tunnel.id).destination.bufferedBytes;
    expect(buffered).toBeGreaterThan(0);
    expect(buffered).toBeLessThanOrEqual(highWaterBytes + 64 * 1024 + MAX_WEBSOCKET_MESSAGE_BYTES);
    expect(relayed).toBeLessThan(sent);
    expect(source.ws.bufferedAmount).toBeGreaterThan(0);

    destination.ws.resume();
    await waitFor(() => destination.receivedBytes === sent, 20_000, 'every byte');
    expect(service.describeTunnel(tunnel.id).bytesToDestination).toBe(sent);
    expect(service.describeTunnel(tunnel.id).destination.bufferedBytes).toBe(0);
  });

  it('resumes the source when a stalled destination is replaced by a reconnect', async () => {
    const tunnel = spec();
    const service = await startService([tunnel], { highWaterBytes, lowWaterBytes });
    const { source, destination } = await pair(service, tunnel);
    source.sendBytes(
      encodeFrame({ type: MessageType.STREAM_START, streamId: 1, serviceId: 'HTTP1' }),
    );
    destination.ws.pause();
    flood(source, 24 * 1024 * 1024);
    await settled(() => service.describeTunnel(tunnel.id).bytesToDestination);

    // The destination comes back on a new connection; the old one never reads again.
    const replacement = await connect(service, tunnel, 'destination');
    source.send({ type: MessageType.STREAM_START, streamId: 2, serviceId: 'HTTP1' });
    source.send({ ...data(2, 'after the reconnect') });
    await replacement.next(
      (m) => m.type === MessageType.DATA && m.streamId === 2,
      'data sent after the reconnect',
    );
    // The source learns that stream 1 died with the old connection.
    const reset = await source.next((m) => m.type === MessageType.STREAM_RESET, 'the reset');
    expect(reset).toMatchObject({ streamId: 1, serviceId: 'HTTP1' });
  });
});

describe('message sizes', () => {
  it('never sends a message over 131,076 bytes, even when one message completes three frames', async () => {
    const tunnel = spec();
    const service = await startService([tunnel]);
    const { source, destination } = await pair(service, tunnel);
    const start = encodeFrame({ type: MessageType.STREAM_START, streamId: 1, serviceId: 'HTTP1' });
    source.sendBytes(start);
    const frame = (fill: number): Buffer =>
      encodeFrame({
        type: MessageType.DATA,
        streamId: 1,
        serviceId: 'HTTP1',
        connectionId: 1,
        payload: Buffer.alloc(MAX_PAYLOAD_BYTES, fill),
      });
    const [a, b, c] = [frame(1), frame(2), frame(3)];
    // The first message stops 10 bytes short of the end of frame a; the second holds those
    // 10 bytes, then b and c whole: it completes about 196 KB of frames at once.
    const second = Buffer.concat([a.subarray(a.length - 10), b, c]);
    expect(second.length).toBeLessThanOrEqual(MAX_WEBSOCKET_MESSAGE_BYTES);
    source.sendBytes(a.subarray(0, a.length - 10));
    source.sendBytes(second);
    const all = Buffer.concat([start, a, b, c]);
    await waitFor(() => destination.receivedBytes >= all.length, 5_000, 'every byte');
    expect(Math.max(...destination.messages.map((m) => m.length))).toBeLessThanOrEqual(
      MAX_WEBSOCKET_MESSAGE_BYTES,
    );
    expect(destination.byteStream.subarray(-all.length).equals(all)).toBe(true);
    expect(destination.ws.readyState).toBe(destination.ws.OPEN);
  });
});

describe('the bandwidth cap (--rate)', () => {
  it('reads each direction no faster than the cap, and still delivers every byte', async () => {
    const rate = 400_000;
    const tunnel = spec();
    const service = await startService([tunnel], { rateBytesPerSecond: rate });
    const { source, destination } = await pair(service, tunnel);
    const start = encodeFrame({ type: MessageType.STREAM_START, streamId: 1, serviceId: 'HTTP1' });
    source.sendBytes(start);
    const frame = encodeFrame({
      type: MessageType.DATA,
      streamId: 1,
      serviceId: 'HTTP1',
      connectionId: 1,
      payload: Buffer.alloc(MAX_PAYLOAD_BYTES, 0x33),
    });
    const total = start.length + 16 * frame.length;
    const started = performance.now();
    for (let i = 0; i < 16; i++) source.sendBytes(frame);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const elapsed = (performance.now() - started) / 1000;
    const relayed = service.describeTunnel(tunnel.id).bytesToDestination;
    // An upper bound only (a slow machine relays less, never more): the cap, one burst
    // (50 ms) and the message being read when the bucket ran dry.
    expect(relayed).toBeLessThanOrEqual(rate * elapsed + rate / 20 + frame.length);
    expect(relayed).toBeLessThan(total);
    await waitFor(() => destination.receivedBytes >= total, 10_000, 'every byte');
    expect(service.describeTunnel(tunnel.id).bytesToDestination).toBe(total);
  });
});
