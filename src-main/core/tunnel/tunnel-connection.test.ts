/**
 * The tunnel WebSocket against a bare ws server that records what arrives: the handshake
 * as the guide describes it, channel-id, latency, text frames, rejections, HTTPS_PROXY.
 */
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { silentLogger } from '../log/logger.js';
import { encodeFrame, type TunnelMessage } from '../protocol/message.js';
import { MessageType } from '../protocol/wire.js';
import { isPortFree, unusedPort } from '../test-support/local-servers.js';
import { plainEndpoint } from '../test-support/tunnel-harness.js';
import { isRetryable, type CloseCause } from './close-cause.js';
import {
  TunnelConnection,
  type OpenInfo,
  type TunnelConnectionOptions,
  withWebSocketHeader,
} from './tunnel-connection.js';

interface FakeService {
  port: number;
  requests: IncomingMessage[];
  sockets: WebSocket[];
  close(): Promise<void>;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function fakeService(reject?: { status: number; body: string }): Promise<FakeService> {
  const server = http.createServer();
  const requests: IncomingMessage[] = [];
  const sockets: WebSocket[] = [];
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => [...protocols][0] ?? false,
  });
  wss.on('headers', (headers) => headers.push('channel-id: test-channel-1'));
  server.on('upgrade', (request: IncomingMessage, socket: net.Socket, head: Buffer) => {
    requests.push(request);
    if (reject) {
      socket.end(
        `HTTP/1.1 ${reject.status} Nope\r\nchannel-id: rejected-channel\r\ncontent-length: ${reject.body.length}\r\nconnection: close\r\n\r\n${reject.body}`,
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => sockets.push(ws));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const result = {
    port: (server.address() as net.AddressInfo).port,
    requests,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.terminate());
        server.close(() => resolve());
      }),
  };
  cleanup.push(result.close);
  return result;
}

function options(
  port: number,
  extra: Partial<TunnelConnectionOptions> = {},
): TunnelConnectionOptions {
  return {
    endpoint: plainEndpoint(port),
    mode: 'source',
    accessToken: 'the-access-token-value',
    clientToken: '2da438cf-9a30-4148-b236-c338182f243c',
    version: 'V3',
    tls: { verify: true },
    pingIntervalMs: 100,
    handshakeTimeoutMs: 5_000,
    logger: silentLogger,
    ...extra,
  };
}

function open(opts: TunnelConnectionOptions) {
  const events = {
    info: undefined as OpenInfo | undefined,
    messages: [] as TunnelMessage[],
    closed: undefined as CloseCause | undefined,
    latency: undefined as number | undefined,
  };
  const connection = new TunnelConnection(opts, {
    onOpen: (info) => (events.info = info),
    onMessage: (m) => events.messages.push(m),
    onClose: (r) => (events.closed = r),
    onLatency: (ms) => (events.latency = ms),
  });
  cleanup.push(() => connection.close());
  return { connection, events };
}

async function until(check: () => unknown, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('TunnelConnection', () => {
  it('makes the handshake of the guide and captures channel-id and latency', async () => {
    const service = await fakeService();
    const { events } = open(options(service.port));
    await until(() => events.info);
    const request = service.requests[0]!;
    expect(request.url).toBe('/tunnel?local-proxy-mode=source');
    expect(request.headers['access-token']).toBe('the-access-token-value');
    expect(request.headers['client-token']).toBe('2da438cf-9a30-4148-b236-c338182f243c');
    expect(request.headers['sec-websocket-protocol']).toBe('aws.iot.securetunneling-3.0');
    expect(events.info).toEqual({ channelId: 'test-channel-1', version: 'V3', via: undefined });
    await until(() => events.latency !== undefined);
    expect(events.latency).toBeGreaterThanOrEqual(0);
  });

  it('offers the subprotocol of -y V1 and V2', async () => {
    const service = await fakeService();
    open(options(service.port, { version: 'V1' }));
    open(options(service.port, { version: 'V2', mode: 'destination', clientToken: undefined }));
    await until(() => service.requests.length === 2);
    const offered = service.requests.map((r) => r.headers['sec-websocket-protocol']).sort();
    expect(offered).toEqual(['aws.iot.securetunneling-1.0', 'aws.iot.securetunneling-2.0']);
    expect(
      service.requests.find((r) => r.url?.endsWith('destination'))!.headers['client-token'],
    ).toBeUndefined();
  });

  it('parses frames split across WebSocket messages', async () => {
    const service = await fakeService();
    const { events } = open(options(service.port));
    await until(() => service.sockets.length === 1);
    const frame = Buffer.concat([
      encodeFrame({ type: MessageType.SERVICE_IDS, availableServiceIds: ['SSH1'] }),
      encodeFrame({
        type: MessageType.DATA,
        streamId: 1,
        serviceId: 'SSH1',
        payload: Buffer.from('abc'),
      }),
    ]);
    service.sockets[0]!.send(frame.subarray(0, 5));
    service.sockets[0]!.send(frame.subarray(5));
    await until(() => events.messages.length === 2);
    expect(events.messages.map((m) => m.type)).toEqual([MessageType.SERVICE_IDS, MessageType.DATA]);
  });

  it('keeps the frame order through pings and fragmented messages, and held payloads intact', async () => {
    const service = await fakeService();
    const released: (() => void)[] = [];
    const payloads: Buffer[] = [];
    const held: Uint8Array[] = [];
    const connection = new TunnelConnection(options(service.port), {
      onOpen: () => {},
      // Copy every payload when it arrives, and compare with the held view at the end: a
      // payload not released yet must not have been overwritten by later frames.
      onMessage: (m, release) => {
        payloads.push(Buffer.from(m.payload));
        if (payloads.length % 3 === 0) release?.();
        else if (release) released.push(release);
        held.push(m.payload);
      },
      onClose: () => {},
    });
    cleanup.push(() => connection.close());
    await until(() => service.sockets.length === 1);
    const ws = service.sockets[0]!;
    const sent: Buffer[] = [];
    for (let i = 0; i < 120; i++) {
      const size = [0, 1, 100, 16_383, 16_384, 40_000, 64_512][i % 7]!;
      sent.push(Buffer.alloc(size, i));
    }
    const stream = Buffer.concat(
      sent.map((payload) =>
        encodeFrame({ type: MessageType.DATA, streamId: 1, serviceId: 'SSH1', payload }),
      ),
    );
    // Cut the byte stream at sizes that split frames and length prefixes; ping between
    // messages; near the end send fragmented messages, which ws must reassemble.
    let at = 0;
    for (let i = 0; at < stream.length; i++) {
      const size = [1, 7, 5000, 70_000, 131_076, 2][i % 6]!;
      const piece = stream.subarray(at, at + size);
      at += piece.length;
      if (i % 4 === 0) ws.ping();
      if (at > stream.length * 0.8 && piece.length > 1) {
        ws.send(piece.subarray(0, 1), { fin: false });
        ws.send(piece.subarray(1), { fin: true });
      } else {
        ws.send(piece);
      }
    }
    await until(() => payloads.length === sent.length);
    expect(payloads.map((p) => p.toString('hex'))).toEqual(sent.map((p) => p.toString('hex')));
    for (let i = 0; i < held.length; i++) {
      if ((i + 1) % 3 !== 0) expect(Buffer.from(held[i]!).equals(sent[i]!)).toBe(true);
    }
    released.forEach((release) => release());
  });

  it('closes on a text message with a protocol reason', async () => {
    const service = await fakeService();
    const { events } = open(options(service.port));
    await until(() => service.sockets.length === 1);
    service.sockets[0]!.send('hello', { binary: false });
    await until(() => events.closed);
    expect(events.closed).toMatchObject({ kind: 'protocol', code: 'text-frame' });
    expect(isRetryable(events.closed!)).toBe(true);
  });

  it("takes a 403 as the token refused, with the service's words, and does not retry it; retries a 5xx", async () => {
    const forbidden = await fakeService({ status: 403, body: 'Invalid access token' });
    const rejected = open(options(forbidden.port));
    await until(() => rejected.events.closed);
    expect(rejected.events.closed).toEqual({
      kind: 'token-refused',
      status: 403,
      detail: 'Invalid access token',
      channelId: 'rejected-channel',
    });
    expect(isRetryable(rejected.events.closed!)).toBe(false);
    expect(JSON.stringify(rejected.events.closed)).not.toContain('the-access-token-value');

    const broken = await fakeService({ status: 503, body: 'busy' });
    const retry = open(options(broken.port));
    await until(() => retry.events.closed);
    expect(retry.events.closed).toMatchObject({ kind: 'handshake-rejected', status: 503 });
    expect(isRetryable(retry.events.closed!)).toBe(true);
  });

  it('detects a service that stops answering within two ping periods', async () => {
    const service = await fakeService();
    const { events } = open(options(service.port, { pingIntervalMs: 100 }));
    await until(() => events.info && service.sockets.length === 1);
    // A black hole: the service's socket stops reading and answering, without FIN.
    (service.sockets[0] as unknown as { _socket: net.Socket })._socket.pause();
    await until(() => events.closed, 3_000);
    expect(events.closed).toMatchObject({ kind: 'ping-timeout' });
    expect(isRetryable(events.closed!)).toBe(true);
  });

  it('goes through the HTTP proxy of HTTPS_PROXY', async () => {
    const service = await fakeService();
    const connects: string[] = [];
    const proxy = http.createServer();
    proxy.on('connect', (request: IncomingMessage, client: net.Socket, head: Buffer) => {
      connects.push(request.url ?? '');
      const [host, port] = (request.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    cleanup.push(() => new Promise<void>((r) => proxy.close(() => r())));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
    process.env.HTTPS_PROXY = proxyUrl;
    delete process.env.NO_PROXY;
    cleanup.push(() => {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    });
    const { events } = open(options(service.port));
    await until(() => events.info);
    expect(connects).toEqual([`127.0.0.1:${service.port}`]);
    expect(events.info!.via).toBe(`${proxyUrl}/`);
  });

  /** Sets proxy variables for one test; NO_PROXY is cleared so that loopback goes through. */
  function proxyEnv(values: Record<string, string>): void {
    const names = ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    for (const name of names) delete process.env[name];
    Object.assign(process.env, values);
    cleanup.push(() => {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    });
  }

  it('names an unreachable web proxy as the proxy, not the endpoint, and retries', async () => {
    const service = await fakeService();
    const closedPort = await unusedPort();
    proxyEnv({ HTTPS_PROXY: `http://user:secret@127.0.0.1:${closedPort}` });
    const { events } = open(options(service.port));
    await until(() => events.closed);
    expect(events.closed).toEqual({
      kind: 'proxy-unreachable',
      proxy: `http://127.0.0.1:${closedPort}/`,
      code: 'ECONNREFUSED',
    });
    expect(isRetryable(events.closed!)).toBe(true);
    expect(service.requests).toHaveLength(0);
  });

  it('reaches a proxy URL without a port on 3128, as the reference does', async () => {
    if (!(await isPortFree(3128))) return; // something real listens there: nothing to prove
    const service = await fakeService();
    proxyEnv({ https_proxy: 'http://127.0.0.1' });
    const { events } = open(options(service.port));
    await until(() => events.closed);
    expect(events.closed).toMatchObject({
      kind: 'proxy-unreachable',
      proxy: 'http://127.0.0.1:3128/',
    });
  });
});

/** ws's frame parser (exported at run time, left out of its type declarations). */
const { Receiver } = createRequire(import.meta.url)('ws') as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => Writable;
};

describe('withWebSocketHeader', () => {
  it.each([0, 5, 125, 126, 65_535, 65_536, 131_076])(
    'frames a %i-byte message in its headroom as ws reads a masked binary frame',
    async (length) => {
      const memory = Buffer.alloc(14 + length + 3, 0xee);
      const message = memory.subarray(14, 14 + length);
      for (let i = 0; i < length; i++) message[i] = (i * 7) & 0xff;
      const expected = Buffer.from(message);
      const frame = withWebSocketHeader(message, 14)!;
      expect(frame.buffer).toBe(memory.buffer); // written in place, not copied
      expect(frame.byteOffset + frame.length).toBe(message.byteOffset + length);
      const receiver = new Receiver({ isServer: true, maxPayload: 0 });
      const received = new Promise<[Buffer, boolean]>((resolve) =>
        receiver.on('message', (data: Buffer, isBinary: boolean) => resolve([data, isBinary])),
      );
      receiver.write(frame);
      const [data, isBinary] = await received;
      expect(isBinary).toBe(true);
      expect(data.equals(expected)).toBe(true);
      expect(memory.subarray(14 + length).equals(Buffer.alloc(3, 0xee))).toBe(true);
    },
  );

  it('declines when the headroom cannot hold the header', () => {
    const memory = Buffer.alloc(14 + 70_000);
    expect(withWebSocketHeader(memory.subarray(14, 14 + 200), 6)).toBeUndefined();
    expect(withWebSocketHeader(memory.subarray(14), 8)).toBeUndefined();
    expect(withWebSocketHeader(memory.subarray(6, 6 + 100), 6)).toBeDefined();
    expect(withWebSocketHeader(memory.subarray(0, 100), 14)).toBeUndefined();
  });
});
