/**
 * Protocol versions: our source in -y V1 / -y V2 mode against bare V1/V2 destinations, and
 * bare V1/V2 sources against our destination. Checks what goes on the wire, not just that
 * bytes arrive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DestinationAgent } from './destination/destination-agent.js';
import { MessageType, type ProtocolVersion } from './protocol/wire.js';
import { TunnelService } from './service/tunnel-service.js';
import { SourceProxy } from './source/source-proxy.js';
import {
  connect,
  echoRoundTrip,
  startEchoServer,
  waitFor,
  type Closable,
} from './test-support/local-servers.js';
import { RawPeer } from './test-support/raw-peer.js';
import {
  debugLogger,
  plainDestinationConfig,
  plainSourceConfig,
  token,
} from './test-support/tunnel-harness.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

async function service(services: string[]) {
  const src = token('src');
  const dst = token('dst');
  const svc = new TunnelService({
    tls: 'plain',
    tunnels: [{ id: 'compat', sourceToken: src, destinationToken: dst, services }],
  });
  await svc.start();
  cleanup.push(svc);
  return {
    svc,
    src,
    dst,
  };
}

/** Our destination agent serving `serviceId` with an echo server, and a bare source of `version`. */
async function ourDestinationWithRawSource(serviceId: string, version: ProtocolVersion) {
  const echo = await startEchoServer();
  cleanup.push(echo);
  const { svc, src, dst } = await service([serviceId]);
  const destination = new DestinationAgent(
    plainDestinationConfig(svc.port, dst, { [serviceId]: echo.port }),
    { logger: debugLogger() },
  );
  cleanup.push(destination);
  await destination.start();
  await waitFor(() => svc.describeTunnel('compat').destination.connected);
  const source = await RawPeer.connect({
    url: `ws://127.0.0.1:${svc.port}`,
    mode: 'source',
    token: src,
    version,
  });
  cleanup.push(source);
  return { destination, source };
}

describe.each<ProtocolVersion>(['V1', 'V2'])('our source with -y %s', (version) => {
  it(`speaks ${version} to a ${version} destination: no connection ids${version === 'V1' ? ', no service ids' : ''}`, async () => {
    const { svc, src, dst } = await service(['ECHO1']);
    const destination = await RawPeer.connect({
      url: `ws://127.0.0.1:${svc.port}`,
      mode: 'destination',
      token: dst,
      version,
    });
    cleanup.push(destination);
    // A bare destination that echoes each DATA back on the same stream.
    destination.onMessage = (message) => {
      if (message.type !== MessageType.DATA) return;
      destination.send({
        type: MessageType.DATA,
        streamId: message.streamId,
        serviceId: message.serviceId,
        payload: message.payload,
      });
    };
    const source = new SourceProxy(
      plainSourceConfig(svc.port, src, new Map([['ECHO1', 0]]), { peerVersion: version }),
      { logger: debugLogger() },
    );
    cleanup.push(source);
    await source.start();
    await waitFor(
      () => source.listenerInfo.length === 1 && source.snapshot().state.kind === 'connected',
    );

    const first = await connect(source.listenerInfo[0]!.port);
    expect((await echoRoundTrip(first, Buffer.from('hello'))).toString()).toBe('hello');
    const start = await destination.next(
      (m) => m.type === MessageType.STREAM_START,
      'STREAM_START',
    );
    expect(start.connectionId).toBe(0);
    expect(start.serviceId).toBe(version === 'V1' ? '' : 'ECHO1');
    const data = await destination.next((m) => m.type === MessageType.DATA, 'DATA');
    expect(data.connectionId).toBe(0);
    expect(data.streamId).toBe(start.streamId);

    // Its end is the stream's end: STREAM_RESET, never CONNECTION_RESET.
    first.destroy();
    const reset = await destination.next(
      (m) => m.type === MessageType.STREAM_RESET,
      'STREAM_RESET',
    );
    expect(reset.streamId).toBe(start.streamId);
    expect(destination.received.some((m) => m.type === MessageType.CONNECTION_RESET)).toBe(false);

    // The next connection is a new stream with a higher id.
    const second = await connect(source.listenerInfo[0]!.port);
    expect((await echoRoundTrip(second, Buffer.from('again'))).toString()).toBe('again');
    const restart = await destination.next(
      (m) => m.type === MessageType.STREAM_START,
      'second STREAM_START',
    );
    expect(restart.streamId).toBeGreaterThan(start.streamId);
    expect(destination.received.some((m) => m.type === MessageType.CONNECTION_START)).toBe(false);
    second.destroy();
  });
});

describe.each<ProtocolVersion>(['V1', 'V2'])('a %s source against our destination', (version) => {
  it('gets answers in its own format', async () => {
    const { destination, source } = await ourDestinationWithRawSource('ECHO1', version);
    const serviceId = version === 'V1' ? '' : 'ECHO1';
    source.send({ type: MessageType.STREAM_START, streamId: 5, serviceId });
    source.send({ type: MessageType.DATA, streamId: 5, serviceId, payload: Buffer.from('ping') });
    const answer = await source.next((m) => m.type === MessageType.DATA, 'echoed DATA');
    expect(Buffer.from(answer.payload).toString()).toBe('ping');
    expect(answer.streamId).toBe(5);
    expect(answer.connectionId).toBe(0);
    expect(answer.serviceId).toBe(serviceId);
    // stale data for an older stream is dropped, not delivered
    source.send({ type: MessageType.DATA, streamId: 4, serviceId, payload: Buffer.from('stale') });
    source.send({ type: MessageType.DATA, streamId: 5, serviceId, payload: Buffer.from('fresh') });
    const fresh = await source.next((m) => m.type === MessageType.DATA, 'fresh DATA');
    expect(Buffer.from(fresh.payload).toString()).toBe('fresh');
    // the source ends the stream: the target connection closes
    source.send({ type: MessageType.STREAM_RESET, streamId: 5, serviceId });
    await waitFor(
      () => destination.snapshot().services[0]!.connections.length === 0,
      5_000,
      'target closed',
    );
  });
});

describe('a source that missed the reset of its stream (as the reference source can)', () => {
  it('gets a CONNECTION_START with no active stream taken as the stream start, but not for a stream our side ended', async () => {
    const { destination, source } = await ourDestinationWithRawSource('SSH1', 'V3');
    await source.next((m) => m.type === MessageType.SERVICE_IDS, 'SERVICE_IDS');
    source.send({
      type: MessageType.CONNECTION_START,
      streamId: 7,
      serviceId: 'SSH1',
      connectionId: 3,
    });
    source.send({
      type: MessageType.DATA,
      streamId: 7,
      serviceId: 'SSH1',
      connectionId: 3,
      payload: Buffer.from('adopted'),
    });
    const answer = await source.next((m) => m.type === MessageType.DATA, 'the echo');
    expect(answer).toMatchObject({ streamId: 7, connectionId: 3 });
    expect(Buffer.from(answer.payload).toString()).toBe('adopted');
    // The source ends the stream; a late CONNECTION_START for it is refused, not adopted again.
    source.send({ type: MessageType.STREAM_RESET, streamId: 7, serviceId: 'SSH1' });
    await waitFor(() => destination.snapshot().services[0]!.activeStreamId === 0);
    source.send({
      type: MessageType.CONNECTION_START,
      streamId: 7,
      serviceId: 'SSH1',
      connectionId: 4,
    });
    const reset = await source.next((m) => m.type === MessageType.CONNECTION_RESET, 'the reset');
    expect(reset).toMatchObject({ streamId: 7, connectionId: 4 });
  });
});
