/**
 * The library as a user gets it: imported by its package name (`tunneldesk`, through
 * package.json `exports`, so the built dist/ of `npm ci`), and the README's examples run as
 * they are, as child processes, against real sockets, with bytes checked by hash. Also the
 * handle's events (state, stream, connection, stats, stopped) and its bad options.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isPortFree,
  patternHash,
  sendAndHash,
  startHashServer,
  waitFor,
  type Closable,
} from '../core/test-support/local-servers.js';
import * as library from './index.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

const root = new URL('../../', import.meta.url);
const tunnel = { id: 'lib', sourceToken: 'lib-src-token', destinationToken: 'lib-dst-token' };

/** A plain local service with a device whose SSH1 goes to a hash server. */
async function serviceWithDevice(): Promise<{ endpoint: string }> {
  const hash = await startHashServer();
  const service = await library.startTunnelService({
    tls: 'plain',
    tunnels: [{ ...tunnel, services: ['SSH1'] }],
  });
  const endpoint = `ws://127.0.0.1:${service.port}`;
  const device = await library.startDestinationProxy({
    accessToken: tunnel.destinationToken,
    endpoint,
    services: { SSH1: hash.port },
    logLevel: 'off',
  });
  cleanup.push(hash, service, device);
  return { endpoint };
}

describe('the package entry', () => {
  it('is what `import … from "tunneldesk"` gives, with its types built beside it', async () => {
    const byName = (await import('tunneldesk')) as Record<string, unknown>;
    for (const name of [
      'startSourceProxy',
      'startDestinationProxy',
      'startTunnelService',
      'TunnelService',
      'ProxyHandle',
      'ConfigError',
    ]) {
      expect(typeof byName[name], name).toBe('function');
    }
    expect(Object.keys(byName).sort()).toEqual(Object.keys(library).sort());
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
      exports: { '.': { types: string; default: string } };
    };
    expect(readFileSync(new URL(pkg.exports['.'].types, root), 'utf8')).toContain(
      'startSourceProxy',
    );
  });
});

describe('the source proxy handle', () => {
  it('carries bytes and reports state, stream, connection and stats events, then stops', async () => {
    const { endpoint } = await serviceWithDevice();
    const proxy = await library.startSourceProxy({
      accessToken: tunnel.sourceToken,
      endpoint,
      services: { SSH1: 0 },
      statsIntervalMs: 20,
      logLevel: 'off',
    });
    const states: string[] = [];
    const connections: string[] = [];
    const streams: string[] = [];
    let stats = 0;
    proxy.on('state', (state) => states.push(state.kind));
    proxy.on('connection', ({ kind }) => connections.push(kind));
    proxy.on('stream', (serviceId) => streams.push(serviceId));
    proxy.on('stats', () => stats++);
    await once(proxy, 'ready');
    const port = proxy.ports[0]!.port;
    expect(await sendAndHash(port, 2 * 1024 * 1024)).toBe(patternHash(2 * 1024 * 1024));
    await waitFor(() => connections.includes('closed'), 10_000, 'the connection event');
    expect(connections).toEqual(['opened', 'closed']);
    expect(streams).toEqual(['SSH1']);
    expect(states).toContain('connected');
    expect(stats).toBeGreaterThan(0);
    expect(proxy.snapshot().services[0]!.connectionsOpened).toBe(1);
    const stopped = proxy.stopped;
    await proxy.close();
    expect((await stopped).fatal).toBe(false);
    expect(await isPortFree(port)).toBe(true);
  });

  it.each([
    [
      { accessToken: '', region: 'us-east-1', services: {} },
      /accessToken: an access token is required/,
    ],
    [{ accessToken: 't', services: {} }, /give either region or endpoint/],
    [{ accessToken: 't', region: 'us-east-1', endpoint: 'x:1', services: {} }, /give either/],
    [{ accessToken: 't', endpoint: 'ftp://x', services: {} }, /not a tunnel scheme/],
    [{ accessToken: 't', region: 'us-east-1', services: { 'S S': 0 } }, /letters, digits/],
    [{ accessToken: 't', region: 'us-east-1', services: { SSH1: 70_000 } }, /out of range/],
    [{ accessToken: 't', region: 'us-east-1', services: {}, logLevel: 'loud' }, /not a log level/],
  ])('refuses %j with a ConfigError', async (options, message) => {
    await expect(
      library.startSourceProxy(options as unknown as library.SourceProxyOptions),
    ).rejects.toThrow(message);
    await expect(
      library.startSourceProxy(options as unknown as library.SourceProxyOptions),
    ).rejects.toBeInstanceOf(library.ConfigError);
  });
});

describe("the README's examples", () => {
  it('examples/source-proxy.mjs serves SSH1 on a local port until Ctrl-C', async () => {
    const { endpoint } = await serviceWithDevice();
    const child = spawn(process.execPath, ['examples/source-proxy.mjs'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        AWSIOT_TUNNEL_ACCESS_TOKEN: tunnel.sourceToken,
        TUNNEL_ENDPOINT: endpoint,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdout! });
    const [line] = (await once(lines, 'line')) as [string];
    const port = Number(/^SSH1 127\.0\.0\.1:(\d+)$/.exec(line)?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(await sendAndHash(port, 1024 * 1024)).toBe(patternHash(1024 * 1024));
    child.kill('SIGINT');
    expect((await exited)[0]).toBe(0);
    expect(await isPortFree(port)).toBe(true);
  });

  it('examples/test-service.test.mjs passes under node --test', async () => {
    const child = spawn(process.execPath, ['--test', 'examples/test-service.test.mjs'], {
      cwd: root,
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(output).toMatch(/# pass 1/);
    expect(code).toBe(0);
  });
});
