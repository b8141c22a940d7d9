/**
 * The service or the network going away mid-transfer, three ways: the service process
 * killed (a real `tunneldesk service` child, SIGKILL), its sockets destroyed, and a silent
 * black hole (a relay that stops forwarding both ways without closing anything). Each time:
 * detected within two missed pongs, every stream reset (local clients see their connections
 * end), a reconnect after a jittered backoff with the same client token, the listeners kept
 * (same ports), and new connections work afterwards. Pings every 300 ms, so that two missed
 * pongs take about a second and a half rather than eleven.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DestinationAgent } from './destination/destination-agent.js';
import { TunnelService } from './service/tunnel-service.js';
import { SourceProxy } from './source/source-proxy.js';
import type { TunnelState } from './tunnel/tunnel-client.js';
import {
  connect,
  echoRoundTrip,
  startEchoServer,
  unusedPort,
  waitFor,
  type Closable,
} from './test-support/local-servers.js';
import { startTunneldesk, type Proc } from './test-support/processes.js';
import { TcpRelay } from './test-support/tcp-relay.js';
import {
  debugLogger,
  plainDestinationConfig,
  plainSourceConfig,
  token,
} from './test-support/tunnel-harness.js';

const PING_MS = 300;
/** When a dead path must have been noticed: two ping periods and the grace, plus one check. */
const DETECT_WITHIN_MS = 2 * PING_MS + 1_000 + PING_MS + 200;
const BACKOFF = { initialMs: 200, maxMs: 400, minMs: 50 };

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

function track<T extends Closable>(thing: T): T {
  cleanup.push(thing);
  return thing;
}

interface Tunnel {
  source: SourceProxy;
  destination: DestinationAgent;
  /** Every state the source went through, with when it was reported. */
  states: (TunnelState & { seenAt: number })[];
  port: number;
}

/**
 * Both proxies in this process: the destination straight to the service, the source
 * through a relay (which also shows the headers of every handshake it makes).
 */
async function startProxies(
  servicePort: number,
  relayPort: number,
  tokens: { source: string; destination: string },
  echoPort: number,
): Promise<Tunnel> {
  const runtime = { logger: debugLogger(), pingIntervalMs: PING_MS, backoff: BACKOFF };
  const destination = track(
    new DestinationAgent(
      plainDestinationConfig(servicePort, tokens.destination, { ECHO1: echoPort }),
      runtime,
    ),
  );
  await destination.start();
  const states: (TunnelState & { seenAt: number })[] = [];
  let ready = false;
  const source = track(
    new SourceProxy(plainSourceConfig(relayPort, tokens.source, new Map([['ECHO1', 0]])), {
      ...runtime,
      events: {
        onState: (state) => states.push({ ...state, seenAt: Date.now() }),
        onReady: () => (ready = true),
      },
    }),
  );
  await source.start();
  await waitFor(() => ready, 5_000, 'the source');
  await waitFor(() => destination.snapshot().state.kind === 'connected', 5_000, 'the destination');
  return { source, destination, states, port: source.listenerInfo[0]!.port };
}

/** An in-process service with one ECHO1 tunnel `id`, both proxies reaching it through a relay. */
async function echoTunnelThroughRelay(id: string) {
  const echo = track(await startEchoServer());
  const tokens = { source: token('src'), destination: token('dst') };
  const service = track(
    new TunnelService({
      tls: 'plain',
      tunnels: [
        {
          id,
          sourceToken: tokens.source,
          destinationToken: tokens.destination,
          services: ['ECHO1'],
        },
      ],
    }),
  );
  await service.start();
  const relay = track(new TcpRelay(service.port));
  const tunnel = await startProxies(service.port, await relay.start(), tokens, echo.port);
  return { echo, service, relay, tunnel };
}

/** Live traffic: a connection echoing a stream of bytes, and an idle one. */
async function liveConnections(port: number): Promise<{ ended: Promise<string[]> }> {
  const busy = await connect(port);
  const idle = await connect(port);
  expect((await echoRoundTrip(idle, Buffer.from('idle'))).toString()).toBe('idle');
  const block = Buffer.alloc(16 * 1024, 5);
  const pump = (): void => {
    while (!busy.destroyed && busy.write(block));
  };
  busy.on('drain', pump);
  busy.on('data', () => {});
  pump();
  const end = (socket: net.Socket, name: string): Promise<string> =>
    new Promise((resolve) => {
      socket.on('error', () => {});
      socket.once('close', () => resolve(name));
    });
  return { ended: Promise.all([end(busy, 'busy'), end(idle, 'idle')]) };
}

/** What every fault must leave behind: a new tunnel, same ports, same client token. */
async function expectRecovered(tunnel: Tunnel, relay: TcpRelay, port: number): Promise<void> {
  await waitFor(
    () => tunnel.source.snapshot().state.kind === 'connected' && tunnel.source.reconnects === 1,
    10_000,
    'the source to reconnect',
  );
  const retry = tunnel.states.find((s) => s.kind === 'reconnecting');
  expect(retry?.kind).toBe('reconnecting');
  if (retry?.kind === 'reconnecting') {
    expect(retry.attempt).toBe(1);
    // A jittered delay within the first attempt's ceiling, never below the least delay.
    const delay = retry.retryAt - retry.seenAt;
    expect(delay).toBeGreaterThanOrEqual(BACKOFF.minMs - 5);
    expect(delay).toBeLessThanOrEqual(BACKOFF.initialMs + 5);
  }
  expect(tunnel.source.listenerInfo.map((l) => l.port)).toEqual([port]);
  const tokens = relay.header('client-token');
  expect(tokens.length).toBeGreaterThanOrEqual(2);
  expect(new Set(tokens).size).toBe(1);
  expect(tokens[0]).toMatch(/^[0-9a-f-]{36}$/);
  await waitFor(
    () => tunnel.destination.snapshot().state.kind === 'connected',
    10_000,
    'the destination to be connected',
  );
  const after = await connect(port);
  expect((await echoRoundTrip(after, Buffer.from('after the fault'))).toString()).toBe(
    'after the fault',
  );
  after.destroy();
}

/** The time from now until the source's tunnel is no longer connected. */
async function timeToNotice(tunnel: Tunnel): Promise<number> {
  const start = Date.now();
  await waitFor(
    () => tunnel.source.snapshot().state.kind !== 'connected',
    DETECT_WITHIN_MS + 2_000,
    'the source to notice',
  );
  return Date.now() - start;
}

describe('the service or the network going away mid-transfer', () => {
  it('survives the service process being killed (SIGKILL) and started again', async () => {
    const echo = track(await startEchoServer());
    const servicePort = await unusedPort();
    const tokens = { source: token('src'), destination: token('dst') };
    const serviceArgs = [
      'service',
      '--plain',
      '--port',
      String(servicePort),
      '--tunnel',
      `killed:${tokens.source}:${tokens.destination}:ECHO1`,
    ];
    const procs: Proc[] = [];
    cleanup.push({ close: async () => void (await Promise.all(procs.map((p) => p.stop()))) });
    const first = startTunneldesk(serviceArgs);
    procs.push(first);
    await first.waitFor(/listening on ws:/);
    const relay = track(new TcpRelay(servicePort));
    const tunnel = await startProxies(servicePort, await relay.start(), tokens, echo.port);
    const live = await liveConnections(tunnel.port);

    first.child.kill('SIGKILL');
    expect(await timeToNotice(tunnel)).toBeLessThan(DETECT_WITHIN_MS);
    expect((await live.ended).sort()).toEqual(['busy', 'idle']);

    const second = startTunneldesk(serviceArgs);
    procs.push(second);
    await second.waitFor(/listening on ws:/);
    await expectRecovered(tunnel, relay, tunnel.port);
  }, 20_000);

  it("survives the service's sockets being destroyed", async () => {
    const { service, relay, tunnel } = await echoTunnelThroughRelay('dropped');
    const live = await liveConnections(tunnel.port);

    service.dropConnections();
    expect(await timeToNotice(tunnel)).toBeLessThan(DETECT_WITHIN_MS);
    expect((await live.ended).sort()).toEqual(['busy', 'idle']);
    await expectRecovered(tunnel, relay, tunnel.port);
    expect(service.describeTunnel('dropped').source.connections).toBe(2);
  });

  it('notices a black hole (no FIN, nothing) within two missed pongs, and recovers', async () => {
    const { echo, relay, tunnel } = await echoTunnelThroughRelay('holed');
    const live = await liveConnections(tunnel.port);
    await waitFor(() => echo.accepted === 2, 5_000, 'both target connections');
    const keys = (): string[] =>
      tunnel.destination.snapshot().services.flatMap((s) => s.connections.map((c) => c.key));
    const before = keys();
    expect(before.length).toBe(2);

    relay.blackHole();
    const noticed = await timeToNotice(tunnel);
    // Not at once (nothing closed), but within two missed pongs.
    expect(noticed).toBeGreaterThanOrEqual(2 * PING_MS);
    expect(noticed).toBeLessThan(DETECT_WITHIN_MS);
    const gone = tunnel.states.find((s) => s.kind === 'reconnecting');
    expect(gone?.kind === 'reconnecting' && gone.lastCause.kind).toBe('ping-timeout');
    expect((await live.ended).sort()).toEqual(['busy', 'idle']);
    await expectRecovered(tunnel, relay, tunnel.port);
    // The service saw the source come back with the same tokens and replaced the silent
    // connection: the device side's streams were reset, and its target connections closed.
    await waitFor(
      () => !keys().some((key) => before.includes(key)),
      5_000,
      "the destination's old connections to close",
    );
  });
});
