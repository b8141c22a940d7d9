/**
 * The one entry of requests into main: unknown channels and malformed payloads are refused
 * with a message naming the field, before any handler runs; handler failures come back as
 * values, never as exceptions across the transport.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TunnelService } from '../core/service/tunnel-service.js';
import { waitFor } from '../core/test-support/local-servers.js';
import { requests } from '../ipc/contract.js';
import type { TunnelDeskApp } from './app.js';
import { dispatch } from './dispatch.js';
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
});
