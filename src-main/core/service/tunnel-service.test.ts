/**
 * The local tunnel service as a server: what it answers to upgrade requests (status,
 * channel-id, a body that says why, the subprotocol chosen), DescribeTunnel, dropped
 * connections, pings, and the errors of start().
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/proxy-config.js';
import { MessageType } from '../protocol/wire.js';
import { waitFor, type Closable } from '../test-support/local-servers.js';
import { rawHandshake, RawPeer } from '../test-support/raw-peer.js';
import { TunnelService, type TunnelSpec } from './tunnel-service.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

const V1 = 'aws.iot.securetunneling-1.0';
const V2 = 'aws.iot.securetunneling-2.0';
const V3 = 'aws.iot.securetunneling-3.0';
/** The shape of an AWS channel id: five dash-separated hex groups. */
const CHANNEL_ID = /^[0-9a-f]{16}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{16}-[0-9a-f]{8}$/;

let counter = 0;
function spec(services = ['HTTP1', 'SSH1']): TunnelSpec {
  const n = ++counter;
  return {
    id: `svc${n}`,
    sourceToken: `source-${n}`,
    destinationToken: `destination-${n}`,
    services,
  };
}

async function startService(...tunnels: TunnelSpec[]): Promise<TunnelService> {
  const service = new TunnelService({ tls: 'plain', tunnels });
  await service.start();
  cleanup.push(service);
  return service;
}

async function connect(
  service: TunnelService,
  tunnel: TunnelSpec,
  mode: 'source' | 'destination',
  extra: { version?: 'V1' | 'V2' | 'V3'; clientToken?: string } = {},
): Promise<RawPeer> {
  const peer = await RawPeer.connect({
    url: service.url,
    mode,
    token: mode === 'source' ? tunnel.sourceToken : tunnel.destinationToken,
    version: extra.version ?? 'V3',
    clientToken: extra.clientToken,
  });
  cleanup.push(peer);
  return peer;
}

describe('the upgrade response', () => {
  const tunnel = spec();
  const token = ['access-token', tunnel.sourceToken] as const;
  const v3 = ['Sec-WebSocket-Protocol', V3] as const;

  it.each([
    ['a wrong path', '/ws?local-proxy-mode=source', [token, v3], /the path must be \/tunnel/],
    ['no mode', '/tunnel', [token, v3], /local-proxy-mode must be given once/],
    ['an invalid mode', '/tunnel?local-proxy-mode=both', [token, v3], /local-proxy-mode/],
    [
      'the mode twice',
      '/tunnel?local-proxy-mode=source&local-proxy-mode=destination',
      [token, v3],
      /local-proxy-mode must be given once/,
    ],
    ['no token', '/tunnel?local-proxy-mode=source', [v3], /^no access token/],
    ['two token headers', '/tunnel?local-proxy-mode=source', [token, token, v3], /2 access tokens/],
    [
      'a header and a cookie',
      '/tunnel?local-proxy-mode=source',
      [token, ['Cookie', `awsiot-tunnel-token=${tunnel.sourceToken}`], v3],
      /2 access tokens/,
    ],
    [
      'a malformed client token',
      '/tunnel?local-proxy-mode=source',
      [token, v3, ['client-token', 'short']],
      /client token must be 32 to 128/,
    ],
    [
      'two client tokens',
      '/tunnel?local-proxy-mode=source',
      [token, v3, ['client-token', 'c'.repeat(32)], ['client-token', 'c'.repeat(32)]],
      /2 client tokens/,
    ],
    [
      'no supported subprotocol',
      '/tunnel?local-proxy-mode=source',
      [token, ['Sec-WebSocket-Protocol', 'aws.iot.securetunneling-9.0']],
      /no supported subprotocol/,
    ],
    [
      'a request over 4 KiB',
      '/tunnel?local-proxy-mode=source',
      [token, v3, ['x-padding', 'x'.repeat(4096)]],
      /over 4096 bytes/,
    ],
  ] as [string, string, [string, string][], RegExp][])(
    'refuses %s with 400, a channel-id and a body that says why',
    async (_name, target, headers, why) => {
      const service = await startService(tunnel);
      const response = await rawHandshake(service.port, target, headers);
      expect(response.status).toBe(400);
      expect(response.header('channel-id')).toMatch(CHANNEL_ID);
      expect(response.header('content-type')).toBe('text/plain; charset=utf-8');
      expect(response.body).toMatch(why);
      // A refusal spends nothing: the token still opens the tunnel.
      await connect(service, tunnel, 'source');
    },
  );

  it('refuses an unknown token with 403, a channel-id and a body that says why', async () => {
    const service = await startService(spec());
    const response = await rawHandshake(service.port, '/tunnel?local-proxy-mode=source', [
      ['access-token', 'not-a-token-of-this-service'],
      ['Sec-WebSocket-Protocol', V3],
    ]);
    expect(response.status).toBe(403);
    expect(response.header('channel-id')).toMatch(CHANNEL_ID);
    expect(response.body).toBe('the access token does not open any tunnel\n');
  });

  it('treats an empty token as no token', async () => {
    const service = await startService(spec());
    for (const headers of [[['access-token', '']], [['Cookie', 'awsiot-tunnel-token=']]] as [
      string,
      string,
    ][][]) {
      const response = await rawHandshake(service.port, '/tunnel?local-proxy-mode=source', [
        ...headers,
        ['Sec-WebSocket-Protocol', V3],
      ]);
      expect(response.status).toBe(400);
      expect(response.body).toMatch(/^no access token/);
    }
  });

  it('refuses a request too large for the HTTP parser (over 16 KiB) with 400 and a channel-id', async () => {
    const service = await startService(tunnel);
    const response = await rawHandshake(service.port, '/tunnel?local-proxy-mode=source', [
      token,
      v3,
      ['x-padding', 'x'.repeat(20_000)],
    ]);
    expect(response.status).toBe(400);
    expect(response.header('channel-id')).toMatch(CHANNEL_ID);
    expect(response.body).toMatch(/over 4096 bytes/);
  });

  it.each([
    ['a bad Sec-WebSocket-Key', [['Sec-WebSocket-Key', 'short']]],
    ['the same subprotocol twice', [['Sec-WebSocket-Protocol', `${V3}, ${V3}`]]],
  ] as [string, [string, string][]][])(
    'refuses a WebSocket request with %s with 400 and a channel-id, spending nothing',
    async (_name, headers) => {
      const service = await startService(tunnel);
      const response = await rawHandshake(service.port, '/tunnel?local-proxy-mode=source', [
        token,
        ...(headers[0]![0] === 'Sec-WebSocket-Protocol' ? [] : [v3]),
        ...headers,
      ]);
      expect(response.status).toBe(400);
      expect(response.header('channel-id')).toMatch(CHANNEL_ID);
      expect(response.body).toMatch(/Sec-WebSocket-(Key|Protocol)/);
      await connect(service, tunnel, 'source');
    },
  );

  it.each([
    [`${V1}, ${V2}, ${V3}`, V3],
    [`${V3}, ${V1}`, V3],
    [`${V1}, ${V2}`, V2],
    [V1, V1],
  ])('accepts an offer of %s with 101, naming %s and a channel-id', async (offer, chosen) => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const response = await rawHandshake(service.port, '/tunnel?local-proxy-mode=destination', [
      ['access-token', tunnel.destinationToken],
      ['Sec-WebSocket-Protocol', offer],
    ]);
    expect(response.status).toBe(101);
    expect(response.headers.get('sec-websocket-protocol')).toEqual([chosen]);
    expect(response.header('channel-id')).toMatch(CHANNEL_ID);
    await waitFor(() => service.describeTunnel(tunnel.id).destination.version !== undefined);
    expect(service.describeTunnel(tunnel.id).destination.version).toBe(`V${chosen.slice(-3, -2)}`);
  });

  it('accepts the token in the awsiot-tunnel-token cookie', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const response = await rawHandshake(service.port, '/tunnel?local-proxy-mode=source', [
      ['Cookie', `awsiot-tunnel-token=${tunnel.sourceToken}`],
      ['Sec-WebSocket-Protocol', V2],
    ]);
    expect(response.status).toBe(101);
    await waitFor(() => service.describeTunnel(tunnel.id).source.connected);
  });

  it('gives each handshake its own channel-id, and shows it in describeTunnel', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const source = await connect(service, tunnel, 'source');
    const destination = await connect(service, tunnel, 'destination');
    expect(source.channelId).toMatch(CHANNEL_ID);
    expect(destination.channelId).toMatch(CHANNEL_ID);
    expect(source.channelId).not.toBe(destination.channelId);
    const described = service.describeTunnel(tunnel.id);
    expect(described.source.channelId).toBe(source.channelId);
    expect(described.destination.channelId).toBe(destination.channelId);
  });

  it('answers a plain HTTP request with 404 and a pointer to /tunnel', async () => {
    const service = await startService(spec());
    const response = await fetch(`http://127.0.0.1:${service.port}/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/\/tunnel\?local-proxy-mode=source\|destination/);
  });
});

describe('describeTunnel', () => {
  it('shows each side connected or not, with its version and channel id', async () => {
    const tunnel = spec(['SSH1']);
    const service = await startService(tunnel);
    expect(service.describeTunnel(tunnel.id)).toEqual({
      id: tunnel.id,
      services: ['SSH1'],
      status: 'OPEN',
      source: { connected: false, connections: 0, bufferedBytes: 0 },
      destination: { connected: false, connections: 0, bufferedBytes: 0 },
      bytesToDestination: 0,
      bytesToSource: 0,
      bytesDropped: 0,
    });
    const source = await connect(service, tunnel, 'source', { version: 'V2' });
    const destination = await connect(service, tunnel, 'destination', { version: 'V3' });
    const both = service.describeTunnel(tunnel.id);
    expect(both.source).toMatchObject({
      connected: true,
      version: 'V2',
      channelId: source.channelId,
      connections: 1,
    });
    expect(both.destination).toMatchObject({
      connected: true,
      version: 'V3',
      channelId: destination.channelId,
      connections: 1,
    });

    const frame = { type: MessageType.STREAM_START, streamId: 1, serviceId: 'SSH1' };
    source.send(frame);
    await destination.next((m) => m.type === MessageType.STREAM_START, 'STREAM_START');
    expect(service.describeTunnel(tunnel.id).bytesToDestination).toBeGreaterThan(0);

    await source.close();
    await waitFor(() => !service.describeTunnel(tunnel.id).source.connected);
    expect(service.describeTunnel(tunnel.id).source).toEqual({
      connected: false,
      connections: 1,
      bufferedBytes: 0,
    });
    expect(service.describeTunnel(tunnel.id).destination.connected).toBe(true);
  });

  it('lists every tunnel and refuses an id it does not have', async () => {
    const [a, b] = [spec(), spec([])];
    const service = await startService(a, b);
    expect(service.listTunnels().map((t) => [t.id, t.services])).toEqual([
      [a.id, ['HTTP1', 'SSH1']],
      [b.id, []],
    ]);
    expect(() => service.describeTunnel('nope')).toThrow(/no tunnel nope/);
  });
});

describe('dropConnections', () => {
  it('drops every peer abruptly and keeps accepting: peers reconnect with their client tokens', async () => {
    const [a, b] = [spec(), spec()];
    const service = await startService(a, b);
    const clientToken = (n: number): string => `client-token-${n}-${'x'.repeat(24)}`;
    const peers = [
      await connect(service, a, 'source', { clientToken: clientToken(1) }),
      await connect(service, a, 'destination', { clientToken: clientToken(2) }),
      await connect(service, b, 'source', { clientToken: clientToken(3) }),
    ];
    service.dropConnections();
    // No close frame: 1006 is what a peer sees when the TCP connection just goes.
    for (const peer of peers) expect((await peer.closed).code).toBe(1006);
    await waitFor(() =>
      service.listTunnels().every((t) => !t.source.connected && !t.destination.connected),
    );

    const source = await connect(service, a, 'source', { clientToken: clientToken(1) });
    const destination = await connect(service, a, 'destination', { clientToken: clientToken(2) });
    await destination.next((m) => m.type === MessageType.SERVICE_IDS, 'SERVICE_IDS');
    source.send({ type: MessageType.STREAM_START, streamId: 1, serviceId: 'HTTP1' });
    await destination.next((m) => m.type === MessageType.STREAM_START, 'STREAM_START');
    expect(service.describeTunnel(a.id).source.connections).toBe(2);
    // A tunnel nobody had used still takes a first handshake.
    await connect(service, b, 'destination');
  });
});

describe('the service', () => {
  it('answers pings with pongs carrying the same payload', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const peer = await connect(service, tunnel, 'source');
    const pong = once(peer.ws, 'pong');
    peer.ws.ping(Buffer.from('latency-probe-1'));
    const [payload] = (await pong) as [Buffer];
    expect(payload.toString()).toBe('latency-probe-1');
  });

  it('serves wss:// with a self-signed certificate by default', async () => {
    const tunnel = spec();
    const service = new TunnelService({ tls: 'self-signed', tunnels: [tunnel] });
    await service.start();
    cleanup.push(service);
    expect(service.url).toBe(`wss://127.0.0.1:${service.port}`);
    const peer = await connect(service, tunnel, 'destination');
    const ids = await peer.next((m) => m.type === MessageType.SERVICE_IDS, 'SERVICE_IDS');
    expect(ids.availableServiceIds).toEqual(['HTTP1', 'SSH1']);
  });

  it('names --port when the port is taken', async () => {
    const taken = net.createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    cleanup.push({ close: () => new Promise((resolve) => taken.close(() => resolve())) });
    const port = (taken.address() as net.AddressInfo).port;
    const service = new TunnelService({ tls: 'plain', port });
    const error = await service.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `--port: port ${port} is already in use on 127.0.0.1; choose another, or 0 for a free one`,
    );
  });

  it('names --host when the address is not one of this machine', async () => {
    // 192.0.2.0/24 is TEST-NET-1: never assigned to a host.
    const service = new TunnelService({ tls: 'plain', host: '192.0.2.1' });
    const error = await service.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('--host: 192.0.2.1 is not an address of this machine');
  });

  it('refuses handshakes once it is stopping, and releases its port', async () => {
    const tunnel = spec();
    const service = await startService(tunnel);
    const peer = await connect(service, tunnel, 'source');
    await service.close();
    expect(await peer.closed).toMatchObject({ code: 1001, reason: 'the service is stopping' });
    // The port is free again: something else can listen on it.
    const again = net.createServer();
    again.listen(service.port, '127.0.0.1');
    await once(again, 'listening');
    await new Promise((resolve) => again.close(resolve));
  });

  it('refuses a tunnel defined twice or reusing a token', () => {
    const tunnel = spec();
    const service = new TunnelService({ tls: 'plain', tunnels: [tunnel] });
    expect(() => service.addTunnel({ ...tunnel, sourceToken: 'a', destinationToken: 'b' })).toThrow(
      `tunnel ${tunnel.id} is defined twice`,
    );
    expect(() => service.addTunnel({ ...spec(), sourceToken: tunnel.destinationToken })).toThrow(
      /reuses an access token of another tunnel/,
    );
  });
});
