/**
 * The retry contract (retry-policy.ts), with real sockets and the local service: a failure
 * that can pass (DNS, TLS, a refused connection, a port in use) is retried until it does,
 * said once in the log; an answer that cannot change (the token refused) ends the proxy;
 * `connect_retry_count` bounds the attempts; while the tunnel is down a new local connection
 * is reset at once.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import type { LookupAddress } from 'node:dns';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, formatRecord, LogLevel, type Logger } from './log/logger.js';
import { DestinationAgent } from './destination/destination-agent.js';
import { selfSignedCertificate } from './service/certificate.js';
import { TunnelService, type TunnelSpec } from './service/tunnel-service.js';
import { SourceProxy } from './source/source-proxy.js';
import type { CloseCause } from './tunnel/close-cause.js';
import {
  connect,
  echoRoundTrip,
  startEchoServer,
  unusedPort,
  waitFor,
  type Closable,
} from './test-support/local-servers.js';
import {
  plainDestinationConfig,
  plainSourceConfig,
  proxyConfig,
  token,
} from './test-support/tunnel-harness.js';

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

function track<T extends Closable>(thing: T): T {
  cleanup.push(thing);
  return thing;
}

/** A logger that keeps its lines, to count what the log says of a lasting failure. */
function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    logger: createLogger({
      level: LogLevel.Debug,
      sink: (record) => lines.push(formatRecord(record)),
    }),
  };
}

function tunnelSpec(services = ['ECHO1']): TunnelSpec & {
  sourceToken: string;
  destinationToken: string;
} {
  return {
    id: `retry-${Math.random().toString(36).slice(2)}`,
    sourceToken: token('src'),
    destinationToken: token('dst'),
    services,
  };
}

/** Waits for the source to carry an echo round trip on its one listener. */
async function roundTrip(source: SourceProxy, text: string): Promise<string> {
  const socket = await connect(source.listenerInfo[0]!.port);
  try {
    return (await echoRoundTrip(socket, Buffer.from(text))).toString();
  } finally {
    socket.destroy();
  }
}

describe('the retry contract', () => {
  it('retries a host name that does not resolve until it does, and says so once', async () => {
    const echo = track(await startEchoServer());
    const spec = tunnelSpec();
    const service = track(new TunnelService({ tls: 'plain', tunnels: [spec] }));
    await service.start();
    // A resolver that knows the name only after a while, as on a device that boots before
    // its network: ENOTFOUND until then, 127.0.0.1 after.
    const resolvesAfter = Date.now() + 3_000;
    let lookups = 0;
    const lookup: net.LookupFunction = (hostname, options, callback) => {
      lookups++;
      if (Date.now() < resolvesAfter) {
        const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: 'ENOTFOUND',
        });
        callback(error, '', 4);
      } else if ((options as { all?: boolean }).all) {
        (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [
          { address: '127.0.0.1', family: 4 },
        ]);
      } else {
        callback(null, '127.0.0.1', 4);
      }
    };
    const endpoint = {
      host: 'tunnel.device.test',
      port: service.port,
      origin: 'test',
      secure: false,
    };
    const { logger, lines } = recordingLogger();
    const destination = track(
      new DestinationAgent(
        plainDestinationConfig(
          service.port,
          spec.destinationToken,
          { ECHO1: echo.port },
          { endpoint },
        ),
        { logger, lookup },
      ),
    );
    await destination.start();
    const source = track(
      new SourceProxy(
        plainSourceConfig(service.port, spec.sourceToken, new Map([['ECHO1', 0]]), { endpoint }),
        { logger: createLogger({ level: LogLevel.Off }), lookup },
      ),
    );
    await source.start();
    await waitFor(
      () =>
        source.snapshot().state.kind === 'connected' &&
        destination.snapshot().state.kind === 'connected',
      15_000,
      'both proxies once the name resolves',
    );
    expect(await roundTrip(source, 'resolved')).toBe('resolved');
    expect(lookups).toBeGreaterThanOrEqual(3);
    const said = lines.filter(
      (line) => line.includes('cannot be resolved') && line.includes('[warning]'),
    );
    expect(said).toHaveLength(1);
  }, 30_000);

  it('retries a TLS failure until the endpoint presents a certificate it trusts', async () => {
    const trusted = await selfSignedCertificate();
    const dir = mkdtempSync(join(tmpdir(), 'tunneldesk-ca-'));
    const caPath = join(dir, 'ca.pem');
    writeFileSync(caPath, trusted.cert);
    const { generate } = await import('selfsigned');
    const other = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
    });
    const port = await unusedPort();
    const spec = tunnelSpec([]);
    // First a box that presents a certificate nobody here trusts (an intercepting proxy, a
    // certificate not yet rotated), then the real service on the same port.
    const impostor = new TunnelService({
      tls: { cert: other.cert, key: other.private },
      port,
      tunnels: [spec],
    });
    await impostor.start();
    const later: { service?: TunnelService } = {};
    cleanup.push({
      close: async () => void (await Promise.all([impostor.close(), later.service?.close()])),
    });
    const causes: CloseCause[] = [];
    const source = track(
      new SourceProxy(
        proxyConfig(
          'source',
          port,
          spec.sourceToken,
          { mode: 'source', ports: new Map() },
          { tls: { verify: true, caPath } },
        ),
        {
          logger: createLogger({ level: LogLevel.Off }),
          events: {
            onState: (state) => {
              if (state.kind === 'reconnecting') causes.push(state.lastCause);
            },
          },
        },
      ),
    );
    await source.start();
    await waitFor(() => causes.length >= 2, 10_000, 'two TLS failures');
    expect(causes[0]).toMatchObject({ kind: 'tls', problem: 'untrusted' });
    await impostor.close();
    later.service = new TunnelService({ tls: trusted, port, tunnels: [spec] });
    await later.service.start();
    await waitFor(() => source.snapshot().state.kind === 'connected', 10_000, 'the source');
    expect(source.snapshot().state.kind).toBe('connected');
  }, 30_000);

  it('waits for a listen port in use, then serves on it once it is free', async () => {
    const echo = track(await startEchoServer());
    const spec = tunnelSpec();
    const service = track(new TunnelService({ tls: 'plain', tunnels: [spec] }));
    await service.start();
    const destination = track(
      new DestinationAgent(
        plainDestinationConfig(service.port, spec.destinationToken, { ECHO1: echo.port }),
        {
          logger: createLogger({ level: LogLevel.Off }),
        },
      ),
    );
    await destination.start();
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    const { logger, lines } = recordingLogger();
    const source = track(
      new SourceProxy(
        plainSourceConfig(service.port, spec.sourceToken, new Map([['ECHO1', port]]), {
          tuning: { listenRetry: { count: 20, delayMs: 200 } },
        }),
        { logger },
      ),
    );
    const started = source.start();
    await new Promise((resolve) => setTimeout(resolve, 700));
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await started;
    expect(source.listenerInfo[0]!.port).toBe(port);
    await waitFor(() => source.snapshot().state.kind === 'connected', 10_000, 'the source');
    await waitFor(() => lines.some((l) => l.includes('listening on')), 10_000, 'ready');
    expect(await roundTrip(source, 'free now')).toBe('free now');
    expect(lines.filter((l) => l.includes('already in use'))).toHaveLength(1);
    // One line at info when a connection is accepted, one when it closes, with the bytes.
    const accepted = /\[info\] ECHO1: connection 1 from 127\.0\.0\.1:\d+ accepted$/;
    const closed =
      /\[info\] ECHO1: connection 1 from 127\.0\.0\.1:\d+ closed: 8 bytes read, 8 bytes written$/;
    expect(lines.some((l) => accepted.test(l))).toBe(true);
    await waitFor(() => lines.some((l) => closed.test(l)), 5_000, 'the close line');
  }, 30_000);

  it('fails naming the port once the listen retries are spent, leaving nothing open', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    cleanup.push({ close: () => new Promise<void>((resolve) => blocker.close(() => resolve())) });
    const source = new SourceProxy(
      plainSourceConfig(await unusedPort(), token('src'), new Map([['SSH1', port]]), {
        tuning: { listenRetry: { count: 2, delayMs: 100 } },
      }),
      { logger: createLogger({ level: LogLevel.Off }) },
    );
    const began = Date.now();
    const error = await source.start().then(
      () => undefined,
      (e: unknown) => e as Error & { problem?: string },
    );
    expect(error?.problem).toBe('port-in-use');
    expect(error?.message).toContain(`port ${port} is already in use`);
    expect(error?.message).toContain('tried 3 times');
    expect(Date.now() - began).toBeGreaterThanOrEqual(190);
    expect(source.listenerInfo).toEqual([]);
  });

  it('ends at once when the service refuses the token, however many retries are allowed', async () => {
    const service = track(new TunnelService({ tls: 'plain', tunnels: [tunnelSpec()] }));
    await service.start();
    let stopped: { cause: CloseCause; fatal: boolean } | undefined;
    const source = track(
      new SourceProxy(plainSourceConfig(service.port, token('wrong'), new Map()), {
        logger: createLogger({ level: LogLevel.Off }),
        events: { onStopped: (cause, fatal) => (stopped = { cause, fatal }) },
      }),
    );
    await source.start();
    await waitFor(() => stopped !== undefined, 10_000, 'the source to stop');
    expect(stopped).toMatchObject({ fatal: true, cause: { kind: 'token-refused' } });
  });

  it('gives up after connect_retry_count failed attempts when it is set', async () => {
    const port = await unusedPort();
    let stopped: CloseCause | undefined;
    let attempts = 0;
    const source = track(
      new SourceProxy(
        plainSourceConfig(port, token('src'), new Map(), {
          tuning: { connectRetryCount: 2, retryDelayMs: 100 },
        }),
        {
          logger: createLogger({ level: LogLevel.Off }),
          events: {
            onState: (state) => {
              if (state.kind === 'connecting') attempts++;
            },
            onStopped: (cause) => (stopped = cause),
          },
        },
      ),
    );
    await source.start();
    await waitFor(() => stopped !== undefined, 10_000, 'the source to give up');
    expect(stopped).toMatchObject({ kind: 'refused' });
    expect(attempts).toBe(3); // the first attempt and two retries
  });

  it('resets a new local connection at once while the tunnel is down, and carries it once back', async () => {
    const echo = track(await startEchoServer());
    const spec = tunnelSpec();
    const port = await unusedPort();
    let service = new TunnelService({ tls: 'plain', port, tunnels: [spec] });
    await service.start();
    cleanup.push({ close: () => service.close() });
    const destination = track(
      new DestinationAgent(
        plainDestinationConfig(port, spec.destinationToken, { ECHO1: echo.port }),
        {
          logger: createLogger({ level: LogLevel.Off }),
        },
      ),
    );
    await destination.start();
    const source = track(
      new SourceProxy(plainSourceConfig(port, spec.sourceToken, new Map([['ECHO1', 0]])), {
        logger: createLogger({ level: LogLevel.Off }),
      }),
    );
    await source.start();
    await waitFor(() => source.snapshot().state.kind === 'connected', 10_000, 'the source');
    await waitFor(() => destination.snapshot().state.kind === 'connected', 10_000, 'the dst');
    expect(await roundTrip(source, 'up')).toBe('up');
    await service.close();
    await waitFor(() => source.snapshot().state.kind === 'reconnecting', 10_000, 'down');

    const began = Date.now();
    const socket = net.connect(source.listenerInfo[0]!.port, '127.0.0.1');
    const end = await new Promise<string>((resolve) => {
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      socket.once('close', () => resolve('closed'));
    });
    expect(end).toBe('ECONNRESET');
    expect(Date.now() - began).toBeLessThan(1_000);

    service = new TunnelService({ tls: 'plain', port, tunnels: [spec] });
    await service.start();
    await waitFor(
      () =>
        source.snapshot().state.kind === 'connected' &&
        destination.snapshot().state.kind === 'connected',
      15_000,
      'both back',
    );
    await waitFor(() => source.serviceIds.length > 0, 5_000, 'services');
    expect(await roundTrip(source, 'back')).toBe('back');
  }, 40_000);
});
