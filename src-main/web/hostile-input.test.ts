/**
 * Browser mode survives any request: malformed, traversing, overlong and invalid HTTP, and
 * malformed IPC messages, each refused (a 4xx, a closed socket or a WebSocket close code),
 * while the app keeps serving its page and its sandbox tunnel keeps carrying bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TunnelDeskApp } from '../app/app.js';
import { testApp } from '../app/test-support/test-environment.js';
import { connect, echoRoundTrip, waitFor } from '../core/test-support/local-servers.js';
import { WEB_IPC_PATH, WebServerFrame } from '../ipc/web-frames.js';
import { requests } from '../ipc/contract.js';
import { rawExchange, rawGet } from './test-support/raw-http.js';
import { WebIpc } from './web-ipc.js';
import { WebServer } from './web-server.js';

/** Lies beside the served folder: no path may reach it. */
const OUTSIDE = 'outside-the-renderer-folder-3f9a';
const PAGE = '<!doctype html><title>TunnelDesk hostile-input</title>';

let dir: string;
let app: TunnelDeskApp;
let server: WebServer;
let echoPort: number;
let sessionId: string;

function authenticated(): Record<string, string> {
  return { host: `127.0.0.1:${server.port}`, cookie: `tunneldesk-${server.port}=${server.secret}` };
}

function openIpc(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WEB_IPC_PATH}`, {
      headers: { cookie: authenticated().cookie!, origin: `http://127.0.0.1:${server.port}` },
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends one IPC message on a socket of its own; resolves with the close code, or the first reply. */
async function ipcAnswer(
  message: string | Buffer,
  binary = false,
): Promise<{ close?: number; reply?: WebServerFrame }> {
  const ws = await openIpc();
  return new Promise((resolve) => {
    ws.on('message', (data) => {
      const frame = WebServerFrame.parse(JSON.parse(data.toString()));
      if (frame.kind === 'reply') {
        ws.close();
        resolve({ reply: frame });
      }
    });
    ws.once('close', (code) => resolve({ close: code }));
    ws.on('error', () => {});
    ws.send(message, { binary });
  });
}

/** Sends 1 MiB of random bytes through the sandbox tunnel's echo service and hashes both ways. */
async function tunnelCarriesBytes(): Promise<void> {
  const data = randomBytes(1024 * 1024);
  const socket = await connect(echoPort);
  try {
    const back = await echoRoundTrip(socket, data);
    const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
    expect(sha256(back)).toBe(sha256(data));
  } finally {
    socket.destroy();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tunneldesk-hostile-'));
  mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'renderer', 'index.html'), PAGE);
  writeFileSync(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1);\n');
  writeFileSync(join(dir, 'renderer', '.env'), `${OUTSIDE}\n`);
  writeFileSync(join(dir, 'outside.txt'), `${OUTSIDE}\n`);
  app = testApp().app;
  server = new WebServer({ rendererDir: join(dir, 'renderer'), log: app.logger.child('web') });
  server.attach(new WebIpc(app));
  await server.start();
  // The sandbox tunnel is opened as the page opens it: over the IPC WebSocket.
  const opened = await ipcAnswer(
    JSON.stringify({
      kind: 'request',
      id: 1,
      channel: requests.openSandbox.channel,
      input: { services: [{ serviceId: 'ECHO1', port: 'auto', bindAddress: '127.0.0.1' }] },
    }),
  );
  expect(opened.reply).toMatchObject({ kind: 'reply', reply: { ok: true } });
  sessionId = (opened.reply as { reply: { value: { id: string } } }).reply.value.id;
  const connected = () => app.listSessions().find((s) => s.id === sessionId);
  await waitFor(() => connected()?.state.kind === 'connected', 15_000, 'the sandbox tunnel');
  echoPort = connected()!.listeners.find((l) => l.serviceId === 'ECHO1')!.port!;
  await tunnelCarriesBytes();
});

afterAll(async () => {
  await server?.close();
  await app?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser mode under hostile input', () => {
  it.each([
    ['a broken percent-encoding', '/%E0%A4%A', 400],
    ['a lone percent sign', '/%', 400],
    ['a percent sign with no hex after it', '/%zz', 400],
    ['an overlong UTF-8 encoding of a slash', '/%C0%AF', 400],
    ['an encoded NUL byte', '/index.html%00.js', 400],
    ['.. with encoded slashes', '/..%2f..%2fetc/passwd', 403],
    ['encoded dots', '/%2e%2e/outside.txt', 403],
    ['encoded dots and slash', '/%2e%2e%2foutside.txt', 403],
    ['.. with an encoded backslash', '/..%5coutside.txt', 403],
    ['.. inside the path', '/assets/../../outside.txt', 403],
    ['double-encoded ..', '/%252e%252e%252foutside.txt', 404],
    ['a raw backslash', '/\\outside.txt', 400],
    ['a network-path reference', '//evil.example/x', 400],
    ['a bare double slash', '//', 400],
    ['an absolute URL', 'http://evil.example/', 400],
    ['an asterisk', '*', 400],
    ['a dotfile', '/.env', 404],
    ['a folder', '/assets', 404],
    ['a folder with its slash', '/assets/', 404],
    ['a path the app does not have', '/no-such-page', 404],
  ])('refuses %s (%s) with %i', async (_what, target, status) => {
    const answer = await rawExchange(server.port, rawGet(target, authenticated()));
    expect(answer.status).toBe(status);
    expect(answer.text).not.toContain(OUTSIDE);
  });

  /** Requests that need our Host header to get past it, given the port. */
  const host = (): Record<string, string> => ({ host: `127.0.0.1:${server.port}` });
  it.each<[string, number, () => string | Buffer]>([
    ['a malformed path without the secret', 401, () => rawGet('/%E0%A4%A', host())],
    ['a bare double slash without the secret', 400, () => rawGet('//', host())],
    ['a path of 100 KB', 431, () => rawGet(`/${'a'.repeat(100 * 1024)}`, authenticated())],
    ['a header of 20 KB', 431, () => rawGet('/', { ...host(), 'x-long': 'b'.repeat(20 * 1024) })],
    ['a NUL byte in the request line', 400, () => 'GET /a\0b HTTP/1.1\r\nhost: h\r\n\r\n'],
    ['a line that is not HTTP', 400, () => 'HELLO THERE\r\n\r\n'],
    ['bytes of a TLS handshake', 400, () => Buffer.from('160301020001', 'hex')],
    ['a header without a colon', 400, () => 'GET / HTTP/1.1\r\nno colon here\r\n\r\n'],
    [
      'an upgrade to a malformed path',
      400,
      () =>
        rawGet('//', {
          ...authenticated(),
          origin: `http://127.0.0.1:${server.port}`,
          connection: 'upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        }),
    ],
  ])('refuses %s with %i', async (_what, status, request) => {
    const answer = await rawExchange(server.port, request());
    // Node's HTTP parser answers what it cannot parse with 400 (431 for too long) and closes;
    // a reset before its answer is read counts as closed too.
    if (answer.status === undefined) expect(answer.text).toBe('');
    else expect(answer.status).toBe(status);
  });

  it.each([
    ['text that is not JSON', 'not json {', 1008],
    ['a frame without a channel', '{"kind":"request","id":"one"}', 1008],
    ['a JSON array', '[1,2,3]', 1008],
    ['JSON null', 'null', 1008],
    ['a frame with a field too many', '{"kind":"request","id":1,"channel":"x","more":1}', 1008],
    [
      'a channel name of 101 characters',
      JSON.stringify({ kind: 'request', id: 1, channel: 'c'.repeat(101) }),
      1008,
    ],
    ['a message of 3 MiB', 'x'.repeat(3 * 1024 * 1024), 1009],
  ])('closes an IPC socket that sends %s', async (_what, message, code) => {
    expect(await ipcAnswer(message)).toEqual({ close: code });
  });

  it('closes an IPC socket that sends a binary frame', async () => {
    expect(await ipcAnswer(Buffer.from([0, 1, 2]), true)).toEqual({ close: 1003 });
  });

  it('answers a request for no such channel, or with a deeply nested input, with an error', async () => {
    const unknown = await ipcAnswer(
      JSON.stringify({ kind: 'request', id: 2, channel: 'renderer:no-such-thing' }),
    );
    expect(unknown.reply).toMatchObject({
      id: 2,
      reply: { ok: false, error: { code: 'invalid-input' } },
    });
    const deep = `{"kind":"request","id":3,"channel":"${requests.openSandbox.channel}","input":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect((await ipcAnswer(deep)).reply).toMatchObject({
      id: 3,
      reply: { ok: false, error: { code: 'invalid-input' } },
    });
  });

  it('still serves the app and carries bytes through its tunnel afterwards', async () => {
    const page = await rawExchange(server.port, rawGet('/', authenticated()));
    expect(page.status).toBe(200);
    expect(page.text).toContain(PAGE);
    expect(page.text).toMatch(/content-security-policy: /i);
    expect(app.listSessions().find((s) => s.id === sessionId)?.state.kind).toBe('connected');
    await tunnelCarriesBytes();
  });
});
