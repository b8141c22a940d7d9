/**
 * readHandshake on real upgrade requests: each is sent byte by byte over a socket to a real
 * HTTP server, and the IncomingMessage Node makes of it is what gets checked.
 */
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHandshake } from '../test-support/raw-peer.js';
import { readHandshake, type HandshakeResult } from './handshake.js';

const V1 = 'aws.iot.securetunneling-1.0';
const V2 = 'aws.iot.securetunneling-2.0';
const V3 = 'aws.iot.securetunneling-3.0';
const CLIENT_TOKEN = '2da438cf-9a30-4148-b236-c338182f243c';

let server: http.Server;
let port: number;
let captured: http.IncomingMessage | undefined;

beforeAll(async () => {
  server = http.createServer();
  server.on('upgrade', (request: http.IncomingMessage, socket: Socket) => {
    captured = request;
    socket.end('HTTP/1.1 204 No Content\r\n\r\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends an upgrade request and reads it back the way the service does. */
async function read(
  target: string,
  headers: readonly (readonly [string, string])[],
): Promise<HandshakeResult> {
  captured = undefined;
  const response = await rawHandshake(port, target, headers);
  expect(response.status).toBe(204);
  return readHandshake(captured!);
}

const SOURCE = '/tunnel?local-proxy-mode=source';
const good = (...more: [string, string][]): [string, string][] => [
  ['access-token', 'the-token'],
  ['Sec-WebSocket-Protocol', V3],
  ...more,
];

function rejection(result: HandshakeResult): { status: number; message: string } {
  if (result.ok) throw new Error('the handshake was accepted');
  return result.rejection;
}

describe('readHandshake', () => {
  it('accepts a source handshake with the token in the access-token header', async () => {
    const result = await read(SOURCE, good());
    expect(result).toEqual({
      ok: true,
      request: {
        mode: 'source',
        accessToken: 'the-token',
        clientToken: undefined,
        version: 'V3',
        subprotocol: V3,
      },
    });
  });

  it('accepts a destination handshake with the token in the awsiot-tunnel-token cookie', async () => {
    const result = await read('/tunnel?local-proxy-mode=destination', [
      ['Cookie', 'theme=dark; awsiot-tunnel-token=cookie-token; other=1'],
      ['Sec-WebSocket-Protocol', V2],
    ]);
    expect(result.ok && result.request).toMatchObject({
      mode: 'destination',
      accessToken: 'cookie-token',
      version: 'V2',
    });
  });

  it('reads a well-formed client token', async () => {
    const result = await read(SOURCE, good(['client-token', CLIENT_TOKEN]));
    expect(result.ok && result.request.clientToken).toBe(CLIENT_TOKEN);
  });

  it.each([
    ['V3 of V1, V2, V3', `${V1}, ${V2}, ${V3}`, 'V3'],
    ['V3 offered first', `${V3}, ${V1}`, 'V3'],
    ['V2 of V1, V2', `${V1},${V2}`, 'V2'],
    ['V1 alone', V1, 'V1'],
    ['V2 among unknown protocols', `chat, ${V2}, aws.iot.securetunneling-4.0`, 'V2'],
  ])('chooses the highest version offered: %s', async (_name, offer, version) => {
    const result = await read(SOURCE, [
      ['access-token', 'the-token'],
      ['Sec-WebSocket-Protocol', offer],
    ]);
    expect(result.ok && result.request.version).toBe(version);
  });

  it('chooses the highest version across repeated Sec-WebSocket-Protocol headers', async () => {
    const result = await read(SOURCE, [
      ['access-token', 'the-token'],
      ['Sec-WebSocket-Protocol', V1],
      ['Sec-WebSocket-Protocol', V3],
    ]);
    expect(result.ok && result.request.subprotocol).toBe(V3);
  });

  it.each([
    ['a wrong path', '/tunnels?local-proxy-mode=source', /path must be \/tunnel, not \/tunnels/],
    ['the root path', '/?local-proxy-mode=source', /path must be \/tunnel/],
    ['no mode', '/tunnel', /local-proxy-mode must be given once, as source or destination/],
    ['an invalid mode', '/tunnel?local-proxy-mode=src', /local-proxy-mode must be given once/],
    [
      'the mode twice',
      '/tunnel?local-proxy-mode=source&local-proxy-mode=source',
      /local-proxy-mode must be given once/,
    ],
  ])('refuses %s with 400', async (_name, target, message) => {
    const refused = rejection(await read(target, good()));
    expect(refused.status).toBe(400);
    expect(refused.message).toMatch(message);
  });

  it('refuses a request without an access token, naming the header and the cookie', async () => {
    const refused = rejection(
      await read(SOURCE, [
        ['Sec-WebSocket-Protocol', V3],
        ['Cookie', 'session=abc'],
      ]),
    );
    expect(refused).toEqual({
      status: 400,
      message:
        'no access token: send it in the access-token header or the awsiot-tunnel-token cookie',
    });
  });

  it.each([
    [
      'the header twice',
      [
        ['access-token', 'a'],
        ['access-token', 'b'],
      ],
    ],
    [
      'the same token in the header twice',
      [
        ['access-token', 'a'],
        ['access-token', 'a'],
      ],
    ],
    [
      'header and cookie',
      [
        ['access-token', 'a'],
        ['Cookie', 'awsiot-tunnel-token=a'],
      ],
    ],
    [
      'the cookie twice in one header',
      [['Cookie', 'awsiot-tunnel-token=a; awsiot-tunnel-token=b']],
    ],
    [
      'two cookie headers',
      [
        ['Cookie', 'awsiot-tunnel-token=a'],
        ['Cookie', 'awsiot-tunnel-token=b'],
      ],
    ],
  ] as [string, [string, string][]][])(
    'refuses two tokens (%s) with 400',
    async (_name, tokens) => {
      const refused = rejection(await read(SOURCE, [...tokens, ['Sec-WebSocket-Protocol', V3]]));
      expect(refused.status).toBe(400);
      expect(refused.message).toMatch(/2 access tokens in one request; send exactly one/);
    },
  );

  it.each([
    ['too short', 'a'.repeat(31)],
    ['too long', 'a'.repeat(129)],
    ['with an underscore', `${'a'.repeat(32)}_`],
    ['empty', ''],
  ])('refuses a client token %s with 400', async (_name, clientToken) => {
    const refused = rejection(await read(SOURCE, good(['client-token', clientToken])));
    expect(refused).toEqual({
      status: 400,
      message: 'the client token must be 32 to 128 letters, digits or "-"',
    });
  });

  it('refuses two client tokens, even the same one twice, with 400', async () => {
    const refused = rejection(
      await read(SOURCE, good(['client-token', CLIENT_TOKEN], ['client-token', CLIENT_TOKEN])),
    );
    expect(refused).toEqual({
      status: 400,
      message: '2 client tokens in one request; send at most one',
    });
  });

  it.each([
    ['no Sec-WebSocket-Protocol', []],
    ['only unknown protocols', [['Sec-WebSocket-Protocol', 'chat, aws.iot.securetunneling-4.0']]],
  ] as [string, [string, string][]][])(
    'refuses %s with 400, naming what to offer',
    async (_name, protocols) => {
      const refused = rejection(await read(SOURCE, [['access-token', 'a'], ...protocols]));
      expect(refused.status).toBe(400);
      expect(refused.message).toContain(`offer one of ${V1}, ${V2}, ${V3}`);
    },
  );

  it('accepts a request just under 4 KiB and refuses one just over', async () => {
    // The request line and the fixed headers rawHandshake sends, measured as the service does.
    const base = await read(SOURCE, good(['x-pad', '']));
    expect(base.ok).toBe(true);
    const fixed =
      `GET ${SOURCE} HTTP/1.1\r\n`.length +
      2 +
      [
        ['Host', '127.0.0.1'],
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
        ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
        ['Sec-WebSocket-Version', '13'],
        ...good(['x-pad', '']),
      ].reduce((sum, [name, value]) => sum + name!.length + value!.length + 4, 0);
    const under = await read(SOURCE, good(['x-pad', 'p'.repeat(4096 - fixed)]));
    expect(under.ok).toBe(true);
    const over = rejection(await read(SOURCE, good(['x-pad', 'p'.repeat(4096 - fixed + 1)])));
    expect(over).toEqual({ status: 400, message: 'the upgrade request is over 4096 bytes' });
  });
});
