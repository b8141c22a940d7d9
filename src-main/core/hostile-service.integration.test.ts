/**
 * A service that sends what a proxy cannot accept, one case at a time (the fuzz test mixes
 * them at random): the proxy closes that WebSocket with the reason, reconnects with its
 * client token, and goes on serving on the same local ports. The reference proxy, after one
 * unparseable frame, reconnects but never reopens its listeners; these tests pin that down.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from './protocol/message.js';
import { MessageType } from './protocol/wire.js';
import { SourceProxy } from './source/source-proxy.js';
import { DestinationAgent } from './destination/destination-agent.js';
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
  plainDestinationConfig,
  plainSourceConfig,
  token,
} from './test-support/tunnel-harness.js';
import { describeCause } from './tunnel/close-cause.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

const FAST_BACKOFF = { initialMs: 50, maxMs: 100, minMs: 10 };

/** A frame whose body is not a protobuf Message (field 1 with a truncated varint). */
const UNPARSEABLE = Buffer.from([0x00, 0x03, 0x08, 0xff, 0xff]);

/** What the service sees (close code and reason) and what the proxy says (its last error). */
type Expected = { code: number; reason: RegExp; said: RegExp };
type Fault = [string, (service: FakeService) => void, Expected];

const FAULTS: Fault[] = [
  [
    'an unparseable frame',
    (s) => s.sendBytes(UNPARSEABLE),
    { code: 1002, reason: /not a valid Message/, said: /not a valid Message/ },
  ],
  [
    'a payload beyond 64,512 bytes',
    (s) =>
      s.send({
        type: MessageType.DATA,
        streamId: 1,
        serviceId: 'ECHO1',
        connectionId: 1,
        payload: Buffer.alloc(65_000),
      }),
    { code: 1002, reason: /payload of 65000 bytes exceeds/, said: /65000 bytes exceeds/ },
  ],
  [
    'a WebSocket message beyond 131,076 bytes',
    (s) =>
      s.sendBytes(
        Buffer.concat(
          [1, 2, 3].map(() =>
            encodeFrame({
              type: MessageType.DATA,
              streamId: 1,
              serviceId: 'ECHO1',
              connectionId: 1,
              payload: Buffer.alloc(64_000),
            }),
          ),
        ),
      ),
    // ws refuses the message and closes with 1009, "message too big", which is the reason.
    { code: 1009, reason: /^$/, said: /Max payload size exceeded/ },
  ],
  [
    'a text frame',
    (s) => s.sendText('hello'),
    { code: 1002, reason: /text WebSocket message/, said: /text WebSocket message/ },
  ],
  [
    'STREAM_START, which only a source sends',
    (s) => s.send({ type: MessageType.STREAM_START, streamId: 9, serviceId: 'ECHO1' }),
    { code: 1002, reason: /STREAM_START to a source/, said: /STREAM_START to a source/ },
  ],
  [
    'CONNECTION_START, which only a source sends',
    (s) =>
      s.send({
        type: MessageType.CONNECTION_START,
        streamId: 1,
        serviceId: 'ECHO1',
        connectionId: 5,
      }),
    {
      code: 1002,
      reason: /CONNECTION_START .* to a source/,
      said: /CONNECTION_START .* to a source/,
    },
  ],
  [
    'an unknown type without ignorable',
    (s) => s.send({ type: 42 as MessageType, streamId: 1 }),
    { code: 1002, reason: /unknown type 42/, said: /unknown type 42/ },
  ],
];

async function startSource(
  service: FakeService,
): Promise<{ source: SourceProxy; port: number; errors: string[] }> {
  let ready = 0;
  const errors: string[] = [];
  const source = new SourceProxy(
    plainSourceConfig(service.port, token('src'), new Map([['ECHO1', 0]])),
    {
      logger: debugLogger(),
      backoff: FAST_BACKOFF,
      events: {
        onReady: () => ready++,
        onState: (state) => {
          if (state.kind === 'reconnecting') errors.push(describeCause(state.lastCause));
        },
      },
    },
  );
  cleanup.push(source);
  await source.start();
  await waitFor(() => ready > 0, 5_000, 'the source to be ready');
  return { source, port: source.listenerInfo[0]!.port, errors };
}

describe('a source proxy sent what it cannot accept', () => {
  it.each(FAULTS)(
    'closes on %s with the reason, reconnects with its client token, and serves on the same port',
    async (_what, fault, expected) => {
      const service = new FakeService({ services: ['ECHO1'], echo: true });
      await service.start();
      cleanup.push(service);
      const { source, port, errors } = await startSource(service);
      const before = await connect(port);
      expect((await echoRoundTrip(before, Buffer.from('before'))).toString()).toBe('before');
      const beforeClosed = once(before, 'close');

      fault(service);

      const closed = await service.nextClose();
      expect(closed.code).toBe(expected.code);
      expect(closed.reason).toMatch(expected.reason);
      await waitFor(() => errors.length > 0, 5_000, 'the proxy to say why');
      expect(errors[0]).toMatch(expected.said);
      await beforeClosed; // its stream died with the WebSocket
      await waitFor(() => service.handshakes.length === 2, 5_000, 'the reconnect');
      const [first, second] = service.handshakes;
      expect(second!.clientToken).toBe(first!.clientToken);
      expect(second!.accessToken).toBe(first!.accessToken);
      await waitFor(() => source.snapshot().state.kind === 'connected', 5_000, 'connected');
      // Same listener, same port, and it carries new connections.
      expect(source.listenerInfo.map((l) => l.port)).toEqual([port]);
      const after = await connect(port);
      expect((await echoRoundTrip(after, Buffer.from('after'))).toString()).toBe('after');
      after.destroy();
      expect(source.reconnects).toBe(1);
    },
  );

  it('survives the same fault again and again, still on the same port', async () => {
    const service = new FakeService({ services: ['ECHO1'], echo: true });
    await service.start();
    cleanup.push(service);
    const { source, port } = await startSource(service);
    for (let round = 1; round <= 3; round++) {
      service.sendBytes(UNPARSEABLE);
      await waitFor(() => service.handshakes.length === round + 1, 5_000, `reconnect ${round}`);
      await waitFor(() => source.snapshot().state.kind === 'connected', 5_000, 'connected');
      const client = await connect(port);
      expect((await echoRoundTrip(client, Buffer.from(`round ${round}`))).toString()).toBe(
        `round ${round}`,
      );
      client.destroy();
    }
    expect(new Set(service.handshakes.map((h) => h.clientToken)).size).toBe(1);
  });
});

describe('a destination agent sent what it cannot accept', () => {
  it.each([
    ['an unparseable frame', (s: FakeService) => s.sendBytes(UNPARSEABLE)],
    ['a text frame', (s: FakeService) => s.sendText('hello')],
  ])(
    'closes on %s, reconnects with its client token, and connects targets again',
    async (_what, fault) => {
      const echo = await startEchoServer();
      cleanup.push(echo);
      const service = new FakeService({ services: ['ECHO1'] });
      await service.start();
      cleanup.push(service);
      const destination = new DestinationAgent(
        plainDestinationConfig(service.port, token('dst'), { ECHO1: echo.port }),
        { logger: debugLogger(), backoff: FAST_BACKOFF },
      );
      cleanup.push(destination);
      await destination.start();
      await waitFor(() => destination.snapshot().state.kind === 'connected', 5_000, 'connected');
      fault(service);
      expect((await service.nextClose()).code).toBe(1002);
      await waitFor(() => service.handshakes.length === 2, 5_000, 'the reconnect');
      expect(service.handshakes[1]!.clientToken).toBe(service.handshakes[0]!.clientToken);
      await waitFor(() => destination.snapshot().state.kind === 'connected', 5_000, 'connected');
      // A stream started after the reconnect reaches the target, and its bytes come back.
      service.send({
        type: MessageType.STREAM_START,
        streamId: 1,
        serviceId: 'ECHO1',
        connectionId: 1,
      });
      service.send({
        type: MessageType.DATA,
        streamId: 1,
        serviceId: 'ECHO1',
        connectionId: 1,
        payload: Buffer.from('ping'),
      });
      await waitFor(
        () =>
          service.received.some(
            (m) => m.type === MessageType.DATA && Buffer.from(m.payload).toString() === 'ping',
          ),
        5_000,
        'the echo',
      );
      expect(echo.accepted).toBe(1);
    },
  );
});
