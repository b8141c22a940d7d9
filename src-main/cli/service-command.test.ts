/**
 * `tunneldesk service` run in-process: what it prints, that it serves the tunnels it was
 * given, that it never prints their tokens, and that stop() releases everything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatRecord, type LogRecord } from '../core/log/logger.js';
import { MessageType } from '../core/protocol/wire.js';
import type { Closable } from '../core/test-support/local-servers.js';
import { RawPeer } from '../core/test-support/raw-peer.js';
import { runServiceCommand } from './service-command.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

const SOURCE_TOKEN = 'source-token-that-is-secret';
const DESTINATION_TOKEN = 'destination-token-that-is-secret';
const TUNNEL = `demo:${SOURCE_TOKEN}:${DESTINATION_TOKEN}:HTTP1,SSH1`;

async function run(argv: string[]) {
  const out: string[] = [];
  const logs: LogRecord[] = [];
  const running = await runServiceCommand(argv, {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
    logSink: (record) => logs.push(record),
  });
  if (running) cleanup.push({ close: () => running.stop() });
  return { running, out, logs };
}

describe('tunneldesk service', () => {
  it('prints where it listens and its tunnels, serves them, and never prints a token', async () => {
    const { running, out, logs } = await run([
      '--port',
      '0',
      '--plain',
      '--tunnel',
      TUNNEL,
      '--tunnel',
      'old:v1-source-token:v1-destination-token:',
      '-v',
      '6',
    ]);
    expect(running).toBeDefined();
    const url = /^listening on (ws:\/\/127\.0\.0\.1:\d+)$/.exec(out[0]!)?.[1];
    expect(url).toBeDefined();
    expect(out.slice(1)).toEqual([
      `management API (AWS SDK endpoint for IoT Secure Tunneling, IoT, STS): ${url!.replace('ws:', 'http:')}`,
      'tunnel demo: services HTTP1, SSH1',
      'tunnel old: services (one unnamed V1 service)',
    ]);

    const source = await RawPeer.connect({
      url: url!,
      mode: 'source',
      token: SOURCE_TOKEN,
      version: 'V3',
    });
    cleanup.push(source);
    const ids = await source.next((m) => m.type === MessageType.SERVICE_IDS, 'SERVICE_IDS');
    expect(ids.availableServiceIds).toEqual(['HTTP1', 'SSH1']);
    // A refused handshake is logged too; with its token, were it not redacted.
    const refused = await RawPeer.attempt({
      url: url!,
      mode: 'destination',
      token: SOURCE_TOKEN,
      version: 'V3',
    });
    expect('refusal' in refused && refused.refusal.status).toBe(403);

    const printed = [...out, ...logs.map(formatRecord)].join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(printed).toMatch(/source connected \(V3, channel-id /);
    for (const token of [
      SOURCE_TOKEN,
      DESTINATION_TOKEN,
      'v1-source-token',
      'v1-destination-token',
    ]) {
      expect(printed).not.toContain(token);
    }
  });

  it('says how to connect to its self-signed certificate, and which seed it cuts with', async () => {
    const { out } = await run(['--port', '0', '--tunnel', TUNNEL, '--rechunk', '1234']);
    expect(out[0]).toMatch(/^listening on wss:\/\/127\.0\.0\.1:\d+$/);
    expect(out).toContain(
      'TLS with a self-signed certificate: connect local proxies with -k (local testing only)',
    );
    expect(out).toContain('re-chunking relayed bytes at random sizes (seed 1234)');
  });

  it('stops: peers are told the service is going away and the port is released', async () => {
    const { running, out } = await run(['--port', '0', '--plain', '--tunnel', TUNNEL]);
    const url = out[0]!.replace('listening on ', '');
    const peer = await RawPeer.connect({
      url,
      mode: 'destination',
      token: DESTINATION_TOKEN,
      version: 'V2',
    });
    cleanup.push(peer);
    await running!.stop();
    expect(await peer.closed).toEqual({ code: 1001, reason: 'the service is stopping' });
    const again = await run(['--port', url.split(':').pop()!, '--plain', '--tunnel', TUNNEL]);
    expect(again.out[0]).toBe(`listening on ${url}`);
  });

  it('prints the help for --help and starts nothing', async () => {
    const { running, out } = await run(['--help']);
    expect(running).toBeUndefined();
    expect(out.join('\n')).toMatch(/^Usage: tunneldesk service \[options\]/);
  });
});
