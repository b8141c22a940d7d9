/**
 * One tunnel of the local service, through real WebSockets: the token rules (mode, spent
 * tokens, client tokens, closed tunnels), SERVICE_IDS, and the resets the service itself
 * sends when a peer is absent, leaves or is replaced.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MessageType, type ProtocolVersion, type ProxyMode } from '../protocol/wire.js';
import { waitFor, type Closable } from '../test-support/local-servers.js';
import { RawPeer, type Refusal } from '../test-support/raw-peer.js';
import { TunnelService, type TunnelSpec } from './tunnel-service.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

let counter = 0;
function spec(services = ['HTTP1', 'SSH1']): TunnelSpec {
  const n = ++counter;
  return {
    id: `t${n}`,
    sourceToken: `src-token-${n}`,
    destinationToken: `dst-token-${n}`,
    services,
  };
}

function clientToken(tag: string): string {
  return `${tag}-${'0'.repeat(32)}`.slice(0, 40);
}

async function startService(...tunnels: TunnelSpec[]): Promise<TunnelService> {
  const service = new TunnelService({ tls: 'plain', tunnels });
  await service.start();
  cleanup.push(service);
  return service;
}

interface Join {
  mode: ProxyMode;
  version?: ProtocolVersion;
  clientToken?: string;
  /** Use this token instead of the tunnel's token for `mode`. */
  token?: string;
}

function options(service: TunnelService, tunnel: TunnelSpec, join: Join) {
  return {
    url: service.url,
    mode: join.mode,
    token: join.token ?? (join.mode === 'source' ? tunnel.sourceToken : tunnel.destinationToken),
    version: join.version ?? 'V3',
    clientToken: join.clientToken,
  };
}

async function connect(service: TunnelService, tunnel: TunnelSpec, join: Join): Promise<RawPeer> {
  const peer = await RawPeer.connect(options(service, tunnel, join));
  cleanup.push(peer);
  return peer;
}

async function refused(service: TunnelService, tunnel: TunnelSpec, join: Join): Promise<Refusal> {
  const result = await RawPeer.attempt(options(service, tunnel, join));
  if ('peer' in result) {
    cleanup.push(result.peer);
    throw new Error('the handshake was accepted');
  }
  return result.refusal;
}

/** A connected source and destination, each past its SERVICE_IDS. */
async function pair(service: TunnelService, tunnel: TunnelSpec, tokens: boolean = true) {
  const source = await connect(service, tunnel, {
    mode: 'source',
    clientToken: tokens ? clientToken(`s${tunnel.id}`) : undefined,
  });
  const destination = await connect(service, tunnel, {
    mode: 'destination',
    clientToken: tokens ? clientToken(`d${tunnel.id}`) : undefined,
  });
  await source.next((m) => m.type === MessageType.SERVICE_IDS, 'SERVICE_IDS');
  await destination.next((m) => m.type === MessageType.SERVICE_IDS, 'SERVICE_IDS');
  return { source, destination };
}

describe('access tokens', () => {
  it('refuses a token no tunnel has with 403', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const refusal = await refused(service, tunnel, { mode: 'source', token: 'no-such-token' });
    expect(refusal.status).toBe(403);
    expect(refusal.body).toBe('the access token does not open any tunnel\n');
  });

  it('refuses a source token in destination mode, and a destination token in source mode', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const asDestination = await refused(service, tunnel, {
      mode: 'destination',
      token: tunnel.sourceToken,
    });
    expect(asDestination.status).toBe(403);
    expect(asDestination.body).toMatch(
      /the access token is for the source side, but local-proxy-mode is destination/,
    );
    const asSource = await refused(service, tunnel, {
      mode: 'source',
      token: tunnel.destinationToken,
    });
    expect(asSource.status).toBe(403);
    expect(asSource.body).toMatch(/for the destination side, but local-proxy-mode is source/);
    // Neither refusal spent the tokens.
    await pair(service, tunnel, false);
  });

  it('spends a token used without a client token: a second handshake is refused, connected or not', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const first = await connect(service, tunnel, { mode: 'source' });
    const whileConnected = await refused(service, tunnel, { mode: 'source' });
    expect(whileConnected.status).toBe(403);
    expect(whileConnected.body).toMatch(/already used by a handshake without a client token/);
    // Not even a client token brings it back.
    const withClientToken = await refused(service, tunnel, {
      mode: 'source',
      clientToken: clientToken('late'),
    });
    expect(withClientToken.status).toBe(403);
    await first.close();
    await waitFor(() => !service.describeTunnel(tunnel.id).source.connected);
    expect((await refused(service, tunnel, { mode: 'source' })).status).toBe(403);
    // The other side's token is untouched.
    await connect(service, tunnel, { mode: 'destination' });
  });

  it('binds a token to its client token: the same one reconnects, another or none is refused', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const bound = clientToken('bound');
    const first = await connect(service, tunnel, { mode: 'source', clientToken: bound });
    await first.close();
    await waitFor(() => !service.describeTunnel(tunnel.id).source.connected);

    const other = await refused(service, tunnel, {
      mode: 'source',
      clientToken: clientToken('other'),
    });
    expect(other.status).toBe(403);
    expect(other.body).toMatch(/bound to another client token/);
    const none = await refused(service, tunnel, { mode: 'source' });
    expect(none.status).toBe(403);
    expect(none.body).toMatch(/reconnect with the same client-token header/);

    const again = await connect(service, tunnel, { mode: 'source', clientToken: bound });
    await again.next((m) => m.type === MessageType.SERVICE_IDS, 'SERVICE_IDS');
    expect(service.describeTunnel(tunnel.id).source).toMatchObject({
      connected: true,
      connections: 2,
    });
  });

  it('refuses a client token already bound on another tunnel or on the other side', async () => {
    const [a, b] = [spec(), spec()];
    const service = await startService(a, b);
    const shared = clientToken('shared');
    await connect(service, a, { mode: 'source', clientToken: shared });

    const otherTunnel = await refused(service, b, { mode: 'source', clientToken: shared });
    expect(otherTunnel.status).toBe(403);
    expect(otherTunnel.body).toMatch(/client token is already in use/);
    const otherSide = await refused(service, a, { mode: 'destination', clientToken: shared });
    expect(otherSide.status).toBe(403);
    expect(otherSide.body).toMatch(/client token is already in use/);
    // The refused handshakes bound nothing: their tokens still take a fresh client token.
    await connect(service, b, { mode: 'source', clientToken: clientToken('fresh-b') });
    await connect(service, a, { mode: 'destination', clientToken: clientToken('fresh-a') });
  });

  it('frees the client tokens of a closed tunnel for other tunnels', async () => {
    const [a, b] = [spec(), spec()];
    const service = await startService(a, b);
    const shared = clientToken('reused');
    await connect(service, a, { mode: 'source', clientToken: shared });
    service.closeTunnel(a.id);
    await connect(service, b, { mode: 'source', clientToken: shared });
  });
});

describe('a reconnect with the same client token', () => {
  it('replaces the connected peer: the old WebSocket closes and the other peer gets STREAM_RESET', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const { source, destination } = await pair(service, tunnel);
    source.send({
      type: MessageType.STREAM_START,
      streamId: 7,
      serviceId: 'SSH1',
      connectionId: 1,
    });
    await destination.next((m) => m.type === MessageType.STREAM_START, 'STREAM_START');

    const replacement = await connect(service, tunnel, {
      mode: 'source',
      clientToken: clientToken(`s${tunnel.id}`),
    });
    expect(await source.closed).toEqual({
      code: 1000,
      reason: 'replaced by a new connection with the same tokens',
    });
    const reset = await destination.next(
      (m) => m.type === MessageType.STREAM_RESET,
      'STREAM_RESET',
    );
    expect(reset).toMatchObject({ streamId: 7, serviceId: 'SSH1' });

    // The replacement is the source now: it learns the services and its frames go through.
    const ids = await replacement.next((m) => m.type === MessageType.SERVICE_IDS, 'SERVICE_IDS');
    expect(ids.availableServiceIds).toEqual(['HTTP1', 'SSH1']);
    replacement.send({ type: MessageType.STREAM_START, streamId: 8, serviceId: 'SSH1' });
    const start = await destination.next((m) => m.type === MessageType.STREAM_START, 'new start');
    expect(start.streamId).toBe(8);
    expect(service.describeTunnel(tunnel.id).source).toMatchObject({
      connected: true,
      connections: 2,
      channelId: replacement.channelId,
    });
  });

  it('of the destination resets the streams the source had open', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const { source, destination } = await pair(service, tunnel);
    source.send({ type: MessageType.STREAM_START, streamId: 3, serviceId: 'HTTP1' });
    await destination.next((m) => m.type === MessageType.STREAM_START, 'STREAM_START');
    await connect(service, tunnel, {
      mode: 'destination',
      clientToken: clientToken(`d${tunnel.id}`),
    });
    expect((await destination.closed).code).toBe(1000);
    const reset = await source.next((m) => m.type === MessageType.STREAM_RESET, 'STREAM_RESET');
    expect(reset).toMatchObject({ streamId: 3, serviceId: 'HTTP1' });
  });
});

describe('SERVICE_IDS', () => {
  it.each<ProtocolVersion>(['V2', 'V3'])(
    'is the first message to a %s peer, listing the services in order',
    async (version) => {
      const tunnel = spec(['SSH1', 'HTTP1', 'RDP1']);
      const service = await startService(tunnel);
      for (const mode of ['source', 'destination'] as const) {
        const peer = await connect(service, tunnel, { mode, version });
        await waitFor(() => peer.received.length > 0, 5_000, 'a first message');
        expect(peer.received[0]).toMatchObject({
          type: MessageType.SERVICE_IDS,
          availableServiceIds: ['SSH1', 'HTTP1', 'RDP1'],
          streamId: 0,
        });
      }
    },
  );

  it('is never sent to a V1 peer: its first message is what the other peer sent', async () => {
    const tunnel = spec([]);
    const service = await startService(tunnel);
    const destination = await connect(service, tunnel, { mode: 'destination', version: 'V1' });
    const source = await connect(service, tunnel, { mode: 'source', version: 'V1' });
    source.send({ type: MessageType.STREAM_START, streamId: 1 });
    destination.send({ type: MessageType.DATA, streamId: 1, payload: Buffer.from('hi') });
    await waitFor(() => destination.received.length > 0 && source.received.length > 0);
    expect(destination.received.map((m) => m.type)).toEqual([MessageType.STREAM_START]);
    expect(source.received.map((m) => m.type)).toEqual([MessageType.DATA]);
  });
});

describe('resets the service sends', () => {
  it('answers STREAM_START with STREAM_RESET while no destination is connected', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const source = await connect(service, tunnel, { mode: 'source' });
    source.send({
      type: MessageType.STREAM_START,
      streamId: 4,
      serviceId: 'HTTP1',
      connectionId: 1,
    });
    const reset = await source.next((m) => m.type === MessageType.STREAM_RESET, 'STREAM_RESET');
    expect(reset).toMatchObject({ streamId: 4, serviceId: 'HTTP1' });
    // Data for that stream goes nowhere, and is counted as dropped.
    const data = {
      type: MessageType.DATA,
      streamId: 4,
      serviceId: 'HTTP1',
      payload: Buffer.alloc(10),
    };
    source.send(data);
    await waitFor(() => service.describeTunnel(tunnel.id).bytesDropped > 0);
    expect(service.describeTunnel(tunnel.id).bytesToDestination).toBe(0);
  });

  it('counts a destination it is closing as gone: STREAM_START is answered, not lost', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const { source, destination } = await pair(service, tunnel);
    // A destination that stops reading cannot answer the close frame: it stays in the
    // close handshake until the service gives up on it.
    destination.ws.pause();
    destination.send({ type: MessageType.SESSION_RESET });
    await waitFor(() => !service.describeTunnel(tunnel.id).destination.connected);
    source.send({ type: MessageType.STREAM_START, streamId: 2, serviceId: 'SSH1' });
    const reset = await source.next((m) => m.type === MessageType.STREAM_RESET, 'STREAM_RESET');
    expect(reset).toMatchObject({ streamId: 2, serviceId: 'SSH1' });
    expect(service.describeTunnel(tunnel.id).bytesToDestination).toBe(0);
  });

  it('answers CONNECTION_START with CONNECTION_RESET while no destination is connected', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const source = await connect(service, tunnel, { mode: 'source' });
    source.send({
      type: MessageType.CONNECTION_START,
      streamId: 4,
      serviceId: 'SSH1',
      connectionId: 9,
    });
    const reset = await source.next(
      (m) => m.type === MessageType.CONNECTION_RESET,
      'CONNECTION_RESET',
    );
    expect(reset).toMatchObject({ streamId: 4, serviceId: 'SSH1', connectionId: 9 });
  });

  it('resets each active stream on the source when the destination disconnects, and only those', async () => {
    const tunnel = spec(['HTTP1', 'SSH1', 'RDP1']);
    const service = await startService(tunnel);
    const { source, destination } = await pair(service, tunnel);
    source.send({ type: MessageType.STREAM_START, streamId: 1, serviceId: 'HTTP1' });
    source.send({ type: MessageType.STREAM_START, streamId: 1, serviceId: 'SSH1' });
    source.send({ type: MessageType.STREAM_START, streamId: 1, serviceId: 'RDP1' });
    // A newer stream replaces HTTP1's first; the destination ended RDP1's.
    source.send({ type: MessageType.STREAM_START, streamId: 2, serviceId: 'HTTP1' });
    await waitFor(() => destination.received.length === 4, 5_000, 'four STREAM_STARTs');
    destination.send({ type: MessageType.STREAM_RESET, streamId: 1, serviceId: 'RDP1' });
    await source.next((m) => m.type === MessageType.STREAM_RESET, "the destination's reset");

    await destination.close();
    await waitFor(() => source.received.length === 2, 5_000, 'two STREAM_RESETs');
    expect(
      source.received.map((m) => [MessageType[m.type], m.serviceId, m.streamId]).sort(),
    ).toEqual([
      ['STREAM_RESET', 'HTTP1', 2],
      ['STREAM_RESET', 'SSH1', 1],
    ]);
  });

  it('resets the active stream on the destination when the source disconnects', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const { source, destination } = await pair(service, tunnel);
    source.send({ type: MessageType.STREAM_START, streamId: 5, serviceId: 'SSH1' });
    await destination.next((m) => m.type === MessageType.STREAM_START, 'STREAM_START');
    await source.close();
    const reset = await destination.next(
      (m) => m.type === MessageType.STREAM_RESET,
      'STREAM_RESET',
    );
    expect(reset).toMatchObject({ streamId: 5, serviceId: 'SSH1' });
  });

  it('resets nothing when no stream is active', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const { source, destination } = await pair(service, tunnel);
    source.send({ type: MessageType.STREAM_START, streamId: 5, serviceId: 'SSH1' });
    await destination.next((m) => m.type === MessageType.STREAM_START, 'STREAM_START');
    source.send({ type: MessageType.STREAM_RESET, streamId: 5, serviceId: 'SSH1' });
    await destination.next((m) => m.type === MessageType.STREAM_RESET, 'the source reset');
    await source.close();
    await waitFor(() => !service.describeTunnel(tunnel.id).source.connected);
    // A frame sent after the disconnect is the proof that nothing was sent in between.
    const bystander = await connect(service, tunnel, {
      mode: 'source',
      clientToken: clientToken(`s${tunnel.id}`),
    });
    bystander.send({ type: MessageType.STREAM_START, streamId: 6, serviceId: 'SSH1' });
    const next = await destination.next(() => true, 'the next message');
    expect(next).toMatchObject({ type: MessageType.STREAM_START, streamId: 6 });
  });
});

describe('closeTunnel', () => {
  it('disconnects both peers, refuses the tokens from then on and leaves other tunnels alone', async () => {
    const [closing, other] = [spec(), spec()];
    const service = await startService(closing, other);
    const { source, destination } = await pair(service, closing);
    const bystanders = await pair(service, other);

    service.closeTunnel(closing.id, 'closed by the operator');
    expect(await source.closed).toEqual({ code: 1000, reason: 'closed by the operator' });
    expect(await destination.closed).toEqual({ code: 1000, reason: 'closed by the operator' });
    expect(service.describeTunnel(closing.id)).toMatchObject({
      status: 'CLOSED',
      source: { connected: false },
      destination: { connected: false },
    });
    const again = await refused(service, closing, {
      mode: 'source',
      clientToken: clientToken(`s${closing.id}`),
    });
    expect(again).toMatchObject({ status: 403, body: 'the tunnel is closed\n' });

    bystanders.source.send({ type: MessageType.STREAM_START, streamId: 1, serviceId: 'SSH1' });
    await bystanders.destination.next((m) => m.type === MessageType.STREAM_START, 'a start');
    expect(service.describeTunnel(other.id).status).toBe('OPEN');
  });
});
