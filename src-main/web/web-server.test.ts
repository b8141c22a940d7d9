/**
 * Browser mode's server: nothing without the per-run secret, nothing from another origin,
 * and the contract over the WebSocket once in.
 */
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TunnelDeskApp } from '../app/app.js';
import { testApp } from '../app/test-support/test-environment.js';
import { WEB_IPC_PATH, WebServerFrame } from '../ipc/web-frames.js';
import { requests } from '../ipc/contract.js';
import { WebIpc } from './web-ipc.js';
import { WebServer } from './web-server.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** The server over a small built renderer; `attach: false` leaves its IPC endpoint out. */
async function serve({ attach = true } = {}): Promise<{
  server: WebServer;
  url: string;
  app: TunnelDeskApp;
  dir: string;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>TunnelDesk</title>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'index-Ab1_x.js'), SCRIPT);
  const { app } = testApp();
  const server = new WebServer({ rendererDir: dir, log: app.logger.child('web') });
  if (attach) server.attach(new WebIpc(app));
  const url = await server.start();
  cleanup.push(
    async () => rmSync(dir, { recursive: true, force: true }),
    () => app.shutdown(),
    () => server.close(),
  );
  return { server, url, app, dir };
}

/** A script that compresses well, as a bundle does. */
const SCRIPT = Array.from(
  { length: 2_000 },
  (_, i) => `export function f${i}(x) { return x + ${i}; }\n`,
).join('');

function rawRequest(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .request({ host: '127.0.0.1', port, path, headers, method, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
      })
      .on('error', reject)
      .end();
  });
}

function request(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers, agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      })
      .on('error', reject);
  });
}

function cookieFor(server: WebServer): string {
  return `tunneldesk-${server.port}=${server.secret}`;
}

function openSocket(
  server: WebServer,
  headers: Record<string, string>,
): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WEB_IPC_PATH}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    ws.once('error', () => {});
  });
}

describe('WebServer', () => {
  it('answers 401 to a request without the secret, and to a wrong secret', async () => {
    const { server } = await serve();
    const none = await request(server.port, '/');
    expect(none.status).toBe(401);
    expect(none.body).not.toContain('TunnelDesk</title>');
    expect((await request(server.port, '/?secret=wrong')).status).toBe(401);
    expect(
      (await request(server.port, '/index.html', { cookie: `tunneldesk-${server.port}=nope` }))
        .status,
    ).toBe(401);
  });

  it('trades the secret in the URL for an HttpOnly SameSite cookie and serves the app with its CSP', async () => {
    const { server, url } = await serve();
    const first = await request(server.port, new URL(url).pathname + new URL(url).search);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(first.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await request(server.port, '/', { cookie: cookieFor(server) });
    expect(page.status).toBe(200);
    expect(page.body).toContain('TunnelDesk');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    // Framing is refused by the header: a meta tag cannot say frame-ancestors.
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('refuses other origins and other Host names even with the secret', async () => {
    const { server } = await serve();
    const foreign = await request(server.port, '/', {
      cookie: cookieFor(server),
      origin: 'http://evil.example',
    });
    expect(foreign.status).toBe(403);
    const rebound = await request(server.port, '/', {
      cookie: cookieFor(server),
      host: `evil.example:${server.port}`,
    });
    expect(rebound.status).toBe(403);
  });

  it('opens the IPC WebSocket only with the cookie and our Origin', async () => {
    const { server } = await serve();
    const origin = `http://127.0.0.1:${server.port}`;
    expect(await openSocket(server, { origin })).toBe(401);
    expect(await openSocket(server, { cookie: cookieFor(server) })).toBe(403);
    expect(
      await openSocket(server, { cookie: cookieFor(server), origin: 'http://evil.example' }),
    ).toBe(403);
    const ws = await openSocket(server, { cookie: cookieFor(server), origin });
    expect(ws).toBeInstanceOf(WebSocket);
    (ws as WebSocket).close();
  });

  it('carries requests, replies and events of the contract', async () => {
    const { server } = await serve();
    const ws = (await openSocket(server, {
      cookie: cookieFor(server),
      origin: `http://127.0.0.1:${server.port}`,
    })) as WebSocket;
    cleanup.push(async () => ws.close());
    const frames: WebServerFrame[] = [];
    ws.on('message', (data) => frames.push(WebServerFrame.parse(JSON.parse(data.toString()))));
    ws.send(JSON.stringify({ kind: 'request', id: 1, channel: requests.getAppInfo.channel }));
    ws.send(
      JSON.stringify({
        kind: 'request',
        id: 2,
        channel: requests.openSandbox.channel,
        input: { services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }] },
      }),
    );
    ws.send(
      JSON.stringify({
        kind: 'request',
        id: 3,
        channel: requests.closeSession.channel,
        input: { sessionId: 7 },
      }),
    );
    const until = async (check: () => boolean): Promise<void> => {
      for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(check()).toBe(true);
    };
    await until(() => frames.filter((f) => f.kind === 'reply').length === 3);
    const replies = new Map(
      frames.flatMap((f) => (f.kind === 'reply' ? [[f.id, f.reply] as const] : [])),
    );
    expect(replies.get(1)).toMatchObject({ ok: true, value: { runtime: 'web' } });
    expect(replies.get(2)).toMatchObject({ ok: true, value: { kind: 'sandbox' } });
    expect(replies.get(3)).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', field: 'sessionId' },
    });
    await until(() => frames.some((f) => f.kind === 'event' && f.channel === 'main:sessions'));
    await until(() => frames.some((f) => f.kind === 'event' && f.channel === 'main:stats'));
  });

  it('serves the page before the app is attached, and answers a page that connected meanwhile once it is', async () => {
    const { server, app } = await serve({ attach: false });
    const page = await request(server.port, '/', { cookie: cookieFor(server) });
    expect(page.status).toBe(200);
    expect(page.body).toContain('TunnelDesk');
    // The upgrade waits (no answer yet); the request is sent as soon as the socket opens.
    const opening = openSocket(server, {
      cookie: cookieFor(server),
      origin: `http://127.0.0.1:${server.port}`,
    });
    const early = await Promise.race([
      opening,
      new Promise((r) => setTimeout(() => r('waiting'), 200)),
    ]);
    expect(early).toBe('waiting');
    server.attach(new WebIpc(app));
    const ws = (await opening) as WebSocket;
    cleanup.push(async () => ws.close());
    const reply = new Promise<WebServerFrame>((resolve) =>
      ws.once('message', (data) => resolve(WebServerFrame.parse(JSON.parse(data.toString())))),
    );
    ws.send(JSON.stringify({ kind: 'request', id: 1, channel: requests.getAppInfo.channel }));
    expect(await reply).toMatchObject({ kind: 'reply', id: 1, reply: { ok: true } });
  });

  it('drops a page that is waiting for the app when the server closes', async () => {
    const { server } = await serve({ attach: false });
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WEB_IPC_PATH}`, {
      headers: { cookie: cookieFor(server), origin: `http://127.0.0.1:${server.port}` },
    });
    const outcome = new Promise<string>((resolve) => {
      ws.once('open', () => resolve('opened'));
      ws.once('error', (error) => resolve(error.message));
    });
    await new Promise((r) => setTimeout(r, 100));
    await server.close();
    // The connection ended without an answer to its upgrade.
    expect(await outcome).toMatch(/socket hang up/);
  });

  it('closes a socket that sends a malformed frame', async () => {
    const { server } = await serve();
    const ws = (await openSocket(server, {
      cookie: cookieFor(server),
      origin: `http://127.0.0.1:${server.port}`,
    })) as WebSocket;
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('{"kind":"request","id":"one"}');
    expect(await closed).toBe(1008);
  });
});

describe("WebServer's assets", () => {
  it('sends scripts brotli-compressed when the browser takes it, with the same headers', async () => {
    const { server } = await serve();
    const cookie = cookieFor(server);
    const br = await rawRequest(server.port, '/assets/index-Ab1_x.js', {
      cookie,
      'accept-encoding': 'gzip, deflate, br, zstd',
    });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('accept-encoding');
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(br.headers['content-security-policy']).toContain("script-src 'self'");
    expect(br.headers['cache-control']).toBe('max-age=3600');
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(SCRIPT);
    expect(br.body.length).toBeLessThan(SCRIPT.length / 5);
  });

  it('sends gzip to a browser without brotli, and the file as it is to one that takes neither', async () => {
    const { server } = await serve();
    const cookie = cookieFor(server);
    const gz = await rawRequest(server.port, '/assets/index-Ab1_x.js', {
      cookie,
      'accept-encoding': 'gzip, br;q=0',
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).toString()).toBe(SCRIPT);
    const plain = await rawRequest(server.port, '/assets/index-Ab1_x.js', {
      cookie,
      'accept-encoding': 'identity',
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);
  });

  it('compresses a file once and keeps it (the build does not change under a running server)', async () => {
    const { server, dir } = await serve();
    const headers = { cookie: cookieFor(server), 'accept-encoding': 'br' };
    const first = await rawRequest(server.port, '/assets/index-Ab1_x.js', headers);
    writeFileSync(join(dir, 'assets', 'index-Ab1_x.js'), 'changed');
    const second = await rawRequest(server.port, '/assets/index-Ab1_x.js', headers);
    expect(second.body.equals(first.body)).toBe(true);
    const head = await rawRequest(server.port, '/assets/index-Ab1_x.js', headers, 'HEAD');
    expect(head.headers['content-length']).toBe(String(first.body.length));
    expect(head.body.length).toBe(0);
  });

  it("sends the build's own .br and .gz beside a file when they are there", async () => {
    const { server, dir } = await serve();
    writeFileSync(join(dir, 'assets', 'built-1.css'), 'a{color:red}');
    writeFileSync(join(dir, 'assets', 'built-1.css.br'), zlib.brotliCompressSync('from the build'));
    writeFileSync(join(dir, 'assets', 'built-1.css.gz'), zlib.gzipSync('from the build, gz'));
    const cookie = cookieFor(server);
    const br = await rawRequest(server.port, '/assets/built-1.css', {
      cookie,
      'accept-encoding': 'br',
    });
    expect(br.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe('from the build');
    const gz = await rawRequest(server.port, '/assets/built-1.css', {
      cookie,
      'accept-encoding': 'gzip',
    });
    expect(zlib.gunzipSync(gz.body).toString()).toBe('from the build, gz');
  });

  it('sends the page for / and /index.html as the file is now (a rebuild names new assets), HEAD without a body', async () => {
    const { server, dir } = await serve();
    const cookie = { cookie: cookieFor(server) };
    const first = await request(server.port, '/', cookie);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body).toBe('<!doctype html><title>TunnelDesk</title>');
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>TunnelDesk, rebuilt</title>');
    const again = await request(server.port, '/index.html', cookie);
    expect(again.body).toBe('<!doctype html><title>TunnelDesk, rebuilt</title>');
    const head = await rawRequest(server.port, '/', cookie, 'HEAD');
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(again.body.length);
    expect(head.body.length).toBe(0);
  });

  it('leaves missing and odd paths to the static server: 404 and 403, nothing compressed', async () => {
    const { server } = await serve();
    const headers = { cookie: cookieFor(server), 'accept-encoding': 'br, gzip' };
    const missing = await rawRequest(server.port, '/assets/nope-123.js', headers);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-encoding']).toBeUndefined();
    const up = await rawRequest(server.port, '/assets/..%2f..%2fpackage.js', headers);
    expect(up.status).toBe(403);
    expect(up.headers['content-encoding']).toBeUndefined();
    // A secret-less request is refused before any file is read.
    const anonymous = await rawRequest(server.port, '/assets/index-Ab1_x.js', {
      'accept-encoding': 'br',
    });
    expect(anonymous.status).toBe(401);
  });
});
