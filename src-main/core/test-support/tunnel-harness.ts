/**
 * Starts a whole tunnel on loopback for tests and benchmarks: the local tunnel service, a
 * destination agent forwarding to local targets, and a source proxy with local ports.
 */
import type { DestinationTarget, ProxyConfig } from '../config/proxy-config.js';
import { DestinationAgent } from '../destination/destination-agent.js';
import { LogLevel, createLogger, silentLogger, type Logger } from '../log/logger.js';
import type { SendOrder } from '../mux/tunnel-writer.js';
import type { ProtocolVersion } from '../protocol/wire.js';
import { TunnelService } from '../service/tunnel-service.js';
import type { ListenerInfo, ProxyRuntimeOptions } from '../proxy/proxy-session.js';
import { SourceProxy } from '../source/source-proxy.js';
import { waitFor } from './local-servers.js';
import { captureDir, captureSecret } from './log-capture.mjs';

export interface HarnessOptions {
  services: string[];
  /** Destination targets by service id (port on 127.0.0.1, or a full target). */
  targets: Record<string, number | DestinationTarget>;
  /** Source ports by service id (0 = free port). Default: every service on a free port. */
  sourcePorts?: Record<string, number>;
  sourceVersion?: ProtocolVersion;
  tls?: boolean;
  rechunk?: boolean;
  /** Cap each direction of the tunnel at this many bytes per second (the service reads slower). */
  rate?: number;
  /** The send order of both proxies (fair by default). */
  sendOrder?: SendOrder;
  logger?: Logger;
  runtime?: Partial<ProxyRuntimeOptions>;
}

export interface Harness {
  tunnelId: string;
  sourceToken: string;
  destinationToken: string;
  service: TunnelService;
  source: SourceProxy;
  destination: DestinationAgent;
  /** Local port of a service on the source side. */
  port(serviceId: string): number;
  listeners: ListenerInfo[];
  close(): Promise<void>;
}

let tunnelCounter = 0;

export function token(kind: string): string {
  const made = `${kind}-${process.pid}-${++tunnelCounter}-${Math.random().toString(36).slice(2)}-token`;
  captureSecret(made);
  return made;
}

export function proxyConfig(
  mode: 'source' | 'destination',
  servicePort: number,
  accessToken: string,
  mappings: ProxyConfig['mappings'],
  extra: Partial<ProxyConfig> = {},
): ProxyConfig {
  return {
    mode,
    accessToken,
    clientToken: crypto.randomUUID(),
    clientTokenGenerated: true,
    endpoint: {
      host: '127.0.0.1',
      port: servicePort,
      origin: 'test',
      secure: extra.endpoint?.secure ?? true,
    },
    tls: { verify: false },
    mappings,
    mappingFiles: [],
    peerVersion: 'V3',
    logLevel: LogLevel.Off,
    ...extra,
  };
}

/** A source proxy's config for a plain (ws://) local service on `servicePort`. */
export function plainSourceConfig(
  servicePort: number,
  accessToken: string,
  ports: Map<string, number>,
  extra: Partial<ProxyConfig> = {},
): ProxyConfig {
  return proxyConfig(
    'source',
    servicePort,
    accessToken,
    { mode: 'source', ports },
    { endpoint: plainEndpoint(servicePort), ...extra },
  );
}

/**
 * A destination agent's config for a plain (ws://) local service on `servicePort`, each service
 * forwarded to a TCP port on 127.0.0.1.
 */
export function plainDestinationConfig(
  servicePort: number,
  accessToken: string,
  targetPorts: Record<string, number>,
  extra: Partial<ProxyConfig> = {},
): ProxyConfig {
  const targets = new Map<string, DestinationTarget>(
    Object.entries(targetPorts).map(([id, port]) => [id, { kind: 'tcp', host: '127.0.0.1', port }]),
  );
  return proxyConfig(
    'destination',
    servicePort,
    accessToken,
    { mode: 'destination', targets },
    { endpoint: plainEndpoint(servicePort), ...extra },
  );
}

/** The endpoint of a plain (ws://) local service on `port`. */
export function plainEndpoint(port: number): ProxyConfig['endpoint'] {
  return { host: '127.0.0.1', port, origin: 'test', secure: false };
}

/**
 * The logger tests give the code under test: silent, printing at TUNNELDESK_TEST_LOG's level
 * when set, and at trace level into the secret scan's capture whenever the suite runs it.
 */
export function debugLogger(): Logger {
  if (process.env.TUNNELDESK_TEST_LOG) {
    return createLogger({ level: Number(process.env.TUNNELDESK_TEST_LOG) });
  }
  return captureDir() !== undefined
    ? createLogger({ level: LogLevel.Trace, sink: () => {} })
    : silentLogger;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const logger = options.logger ?? debugLogger();
  const tls = options.tls ?? true;
  const tunnelId = `t${++tunnelCounter}`;
  const sourceToken = token('src');
  const destinationToken = token('dst');
  const service = new TunnelService({
    tls: tls ? 'self-signed' : 'plain',
    tunnels: [{ id: tunnelId, sourceToken, destinationToken, services: options.services }],
    rechunk: options.rechunk ? { seed: 42 } : false,
    rateBytesPerSecond: options.rate,
    logger: logger.child('service'),
  });
  await service.start();
  const secure = {
    endpoint: { host: '127.0.0.1', port: service.port, origin: 'test', secure: tls },
    ...(options.sendOrder ? { sendOrder: options.sendOrder } : {}),
  };
  const targets = new Map<string, DestinationTarget>();
  for (const [id, target] of Object.entries(options.targets)) {
    targets.set(
      id,
      typeof target === 'number' ? { kind: 'tcp', host: '127.0.0.1', port: target } : target,
    );
  }
  const runtime = { pingIntervalMs: 5_000, ...options.runtime };
  const destination = new DestinationAgent(
    proxyConfig(
      'destination',
      service.port,
      destinationToken,
      { mode: 'destination', targets },
      secure,
    ),
    { logger: logger.child('dst'), ...runtime },
  );
  await destination.start();
  const ports = new Map<string, number>(
    Object.entries(options.sourcePorts ?? Object.fromEntries(options.services.map((s) => [s, 0]))),
  );
  let listeners: ListenerInfo[] = [];
  const source = new SourceProxy(
    proxyConfig(
      'source',
      service.port,
      sourceToken,
      { mode: 'source', ports },
      { ...secure, peerVersion: options.sourceVersion ?? 'V3' },
    ),
    {
      logger: logger.child('src'),
      ...runtime,
      events: { ...runtime.events, onReady: (l) => (listeners = [...l]) },
    },
  );
  await source.start();
  await waitFor(() => listeners.length > 0, 10_000, 'the source to be ready');
  await waitFor(
    () => service.describeTunnel(tunnelId).destination.connected,
    10_000,
    'the destination',
  );
  return {
    tunnelId,
    sourceToken,
    destinationToken,
    service,
    source,
    destination,
    get listeners() {
      return listeners;
    },
    port(serviceId) {
      const found =
        source.listenerInfo.find((l) => l.serviceId === serviceId) ?? source.listenerInfo[0];
      if (!found) throw new Error(`no listener for ${serviceId}`);
      return found.port;
    },
    async close() {
      await source.close();
      await destination.close();
      await service.close();
    },
  };
}
