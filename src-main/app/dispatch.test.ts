/**
 * The one entry of requests into main: unknown channels and malformed payloads are refused
 * with a message naming the field, before any handler runs; handler failures come back as
 * values, never as exceptions across the transport; an answer or an event that breaks the
 * contract never leaves main (the renderer does not check again).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TunnelService } from '../core/service/tunnel-service.js';
import { waitFor } from '../core/test-support/local-servers.js';
import { requests, type RequestHandlers } from '../ipc/contract.js';
import type { TunnelDeskApp } from './app.js';
import { checkEvent, dispatch } from './dispatch.js';
import { testApp } from './test-support/test-environment.js';

const cleanup: { close?: () => Promise<void>; shutdown?: () => Promise<void> }[] = [];
afterEach(async () => {
  while (cleanup.length) {
    const item = cleanup.pop()!;
    await (item.shutdown ?? item.close)!.call(item);
  }
});

function app(): TunnelDeskApp {
  const made = testApp();
  cleanup.push(made.app);
  return made.app;
}

describe('dispatch', () => {
  it('refuses a channel that is not in the contract', async () => {
    expect(await dispatch(app(), 'renderer:exec-shell', { command: 'rm -rf /' })).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message: 'no such request: renderer:exec-shell',
        field: null,
        command: null,
        action: null,
      },
    });
  });

  it('refuses a malformed payload and names the field', async () => {
    const reply = await dispatch(app(), requests.openSandbox.channel, {
      services: [{ serviceId: 'SSH1', port: 'twenty-two', bindAddress: '127.0.0.1' }],
    });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid-input');
    expect(reply.error.field).toBe('services[0].port');
    expect(reply.error.message).toMatch(/^services\[0\]\.port: /);
  });

  it('refuses fields outside the contract', async () => {
    const reply = await dispatch(app(), requests.closeSession.channel, {
      sessionId: 'x',
      also: 'this',
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('returns a handler failure as an error value', async () => {
    expect(await dispatch(app(), requests.closeSession.channel, { sessionId: 'nope' })).toEqual({
      ok: false,
      error: {
        code: 'not-found',
        message: 'no tunnel with id nope',
        field: 'sessionId',
        command: null,
        action: null,
      },
    });
  });

  it('connects with an existing source token, and refuses a bad region naming the field', async () => {
    const service = new TunnelService({
      tls: 'self-signed',
      tunnels: [
        {
          id: 'given',
          sourceToken: 'the-source-token-0123456789',
          destinationToken: 'the-destination-token-0123456789',
          services: ['SSH1'],
        },
      ],
    });
    await service.start();
    cleanup.push(service);
    const the = app();
    const reply = await dispatch(the, requests.connectWithToken.channel, {
      accessToken: 'the-source-token-0123456789',
      target: { kind: 'endpoint', endpoint: `127.0.0.1:${service.port}` },
      services: [],
      peerVersion: 'V3',
      verifyTls: false,
    });
    expect(reply.ok).toBe(true);
    await waitFor(() => service.describeTunnel('given').source.connected, 10_000, 'the source');
    await waitFor(
      () =>
        the.listSessions()[0]?.listeners.some((l) => l.serviceId === 'SSH1' && l.port !== null) ??
        false,
      10_000,
      'SSH1 on a free port',
    );
    expect(JSON.stringify(reply)).not.toContain('the-source-token');
    expect(JSON.stringify(the.getLogs())).not.toContain('the-source-token');
    const bad = await dispatch(the, requests.connectWithToken.channel, {
      accessToken: 'x',
      target: { kind: 'region', region: 'US East' },
      services: [],
      peerVersion: 'V3',
      verifyTls: true,
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', field: 'target.region' },
    });
  });

  it("answers a handler's value that breaks the contract as a failure, never the value, and logs it", async () => {
    const the = app();
    const handlers = {
      getAppInfo: () => ({ version: '1.0.0', runtime: 'web', platform: 'linux', extra: 1 }),
    } as unknown as RequestHandlers;
    const reply = await dispatch(handlers, requests.getAppInfo.channel, undefined, the.logger);
    expect(reply).toMatchObject({ ok: false, error: { code: 'failed' } });
    if (reply.ok) return;
    expect(reply.error.message).toMatch(
      /^main answered renderer:get-app-info with a malformed value: /,
    );
    expect(JSON.stringify(reply)).not.toContain('"extra":1');
    expect(the.getLogs().map((entry) => entry.message)).toContainEqual(
      expect.stringMatching(/^renderer:get-app-info answered a malformed value: /),
    );
  });

  it('passes the events that match the contract, and drops and logs one that does not', () => {
    const the = app();
    expect(checkEvent('logs', [], the.logger)).toBe(true);
    expect(
      checkEvent(
        'logs',
        [{ seq: 1, time: 2, level: 4, scope: 'app', message: 'fine' }],
        the.logger,
      ),
    ).toBe(true);
    expect(
      checkEvent('logs', [{ seq: 1, time: 2, level: 9, scope: 'app', message: 'x' }], the.logger),
    ).toBe(false);
    expect(checkEvent('stats', { at: 'now', sessions: [] }, the.logger)).toBe(false);
    const logged = the.getLogs().map((entry) => entry.message);
    expect(logged).toContainEqual(
      expect.stringMatching(/^dropped a malformed logs event: \[0\]\.level: /),
    );
    expect(logged).toContainEqual(expect.stringMatching(/^dropped a malformed stats event: at: /));
  });
});
