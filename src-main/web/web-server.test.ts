/**
 * Browser mode's server: nothing without the per-run secret, nothing from another origin,
 * and the contract over the WebSocket once in.
 */
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TunnelDeskApp } from '../app/app.js';
import { testApp } from '../app/test-support/test-environment.js';
import { WEB_IPC_PATH, WebServerFrame } from '../ipc/bridge.js';
import { requests } from '../ipc/contract.js';
import { WebServer } from './web-server.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function serve(): Promise<{ server: WebServer; url: string; app: TunnelDeskApp }> {
  const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>TunnelDesk</title>');
  const { app } = testApp();
  const server = new WebServer({ app, rendererDir: dir });
  const url = await server.start();
  cleanup.push(
    async () => rmSync(dir, { recursive: true, force: true }),
    () => app.shutdown(),
    () => server.close(),
  );
  return { server, url, app };
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
