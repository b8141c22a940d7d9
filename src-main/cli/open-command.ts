/**
 * `tunneldesk open THING --services SSH1,HTTP1 [--timeout M]`: opens a tunnel to a thing,
 * runs its source side in this process until Ctrl-C, printing each service's local port
 * (127.0.0.1; a free one unless `SSH1=2222` names it), then closes the tunnel it opened
 * (`--keep` leaves it open, and says how to close it later). The source proxy is the
 * library's (`tunneldesk`'s public API), as a script embedding it would use it.
 *
 * Whatever fails or is interrupted leaves nothing behind: a tunnel opened here is closed
 * when its source side cannot start, and Ctrl-C during any step stops at that step.
 */
import { AwsError } from '../aws/errors.js';
import { parseListenPort, validateServiceId } from '../core/config/port-mapping.js';
import { ConfigError } from '../core/config/proxy-config.js';
import { createLogger, SecretRedactor, stderrSink, type LogLevel } from '../core/log/logger.js';
import type { ProtocolVersion } from '../core/protocol/wire.js';
import { startSourceProxy, type ListenerInfo, type LogLevelName } from '../lib/index.js';
import { CloudAccess, type OpenedCloudTunnel } from './cloud-access.js';
import {
  cloudAccessOptions,
  cloudCommand,
  logLevelOption,
  parseWith,
  withSandbox,
} from './cloud-options.js';
import { cliWords } from './close-words.js';
import type { CommandIo } from './io.js';
import { textTable } from './text-table.js';
import { awsFailure, checkThingName } from './tunnels-command.js';

/** AWS's bounds of a tunnel's services and lifetime. */
const MAX_SERVICES = 3;
const MAX_LIFETIME_MINUTES = 720;
/** The exit code of a command stopped by Ctrl-C before it was up (128 + SIGINT). */
const INTERRUPTED = 130;

const PROTOCOL_VERSIONS: readonly ProtocolVersion[] = ['V1', 'V2', 'V3'];
const LOG_LEVEL_NAMES: readonly LogLevelName[] = [
  'off',
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
];

const SERVICES_EXAMPLE = 'SSH1,HTTP1 (a port of your choosing: SSH1=2222,HTTP1)';

/** Parses `--services SSH1,HTTP1=8080`: 1 to 3 services, each with a port or 0 (a free one). */
export function parseServiceList(text: string): Map<string, number> {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new ConfigError(
      `"${text}" has an empty item (a doubled comma, or one at an end); write ${SERVICES_EXAMPLE}`,
      '--services',
    );
  }
  const services = new Map<string, number>();
  const ports = new Map<number, string>();
  for (const item of items) {
    const [id = '', port, extra] = item.split('=');
    if (extra !== undefined) {
      throw new ConfigError(
        `"${item}" has more than one '='; write ${SERVICES_EXAMPLE}`,
        '--services',
      );
    }
    validateServiceId(id, `"${item}"`, '--services');
    if (services.has(id)) {
      throw new ConfigError(`service "${id}" is given twice; name each service once`, '--services');
    }
    const value = port === undefined ? 0 : parseListenPort(port, `"${item}"`, '--services');
    if (value !== 0 && ports.has(value)) {
      throw new ConfigError(
        `port ${value} is given to both "${ports.get(value)}" and "${id}"; each service needs its own port`,
        '--services',
      );
    }
    if (value !== 0) ports.set(value, id);
    services.set(id, value);
  }
  if (services.size > MAX_SERVICES) {
    throw new ConfigError(
      `${services.size} services given; a tunnel carries 1 to ${MAX_SERVICES} (an AWS limit)`,
      '--services',
    );
  }
  return services;
}

function parseTimeout(text: string): number {
  if (!/^[0-9]{1,4}$/.test(text) || Number(text) < 1 || Number(text) > MAX_LIFETIME_MINUTES) {
    throw new ConfigError(
      `"${text}" is not a lifetime; give whole minutes from 1 to ${MAX_LIFETIME_MINUTES} (12 hours, the AWS maximum)`,
      '--timeout',
    );
  }
  return Number(text);
}

function parsePeerVersion(text: string): ProtocolVersion {
  const upper = text.toUpperCase();
  if (!(PROTOCOL_VERSIONS as readonly string[]).includes(upper)) {
    throw new ConfigError(
      `"${text}" is not a protocol version; give ${PROTOCOL_VERSIONS.join(', ')} (V1 for an older device client)`,
      '-y',
    );
  }
  return upper as ProtocolVersion;
}

function buildCommand(): ReturnType<typeof cloudCommand> {
  return withSandbox(
    cloudCommand(
      'open',
      "Open a tunnel to a thing and run its source side here until Ctrl-C; each service's local port is printed.",
    ),
  )
    .argument('<thing>', 'the IoT thing (device) to reach')
    .requiredOption('-s, --services <list>', `the services to carry: ${SERVICES_EXAMPLE}`)
    .option('--timeout <minutes>', "the tunnel's lifetime, 1 to 720 minutes (720 by default)")
    .option('--keep', 'leave the tunnel open on Ctrl-C (close it later with tunneldesk close)')
    .option(
      '-y, --destination-client-type <version>',
      "the device's protocol version: V3 (the default), V2, or V1 (older device clients)",
    );
}

interface OpenRequest {
  readonly thing: string;
  readonly services: Map<string, number>;
  readonly lifetimeMinutes: number | undefined;
  readonly keep: boolean;
  readonly json: boolean;
  readonly peerVersion: ProtocolVersion;
  readonly logLevel: LogLevel;
}

/** `tunneldesk open`. */
export async function runOpenCommand(argv: string[], io: CommandIo): Promise<number> {
  const parsed = parseWith(buildCommand(), argv, 'open');
  if (parsed.kind === 'help') {
    io.out(parsed.text);
    return 0;
  }
  const { options } = parsed;
  const request: OpenRequest = {
    thing: checkThingName(parsed.args[0]!),
    services: parseServiceList(String(options.services)),
    lifetimeMinutes:
      options.timeout === undefined ? undefined : parseTimeout(String(options.timeout)),
    keep: options.keep === true,
    json: options.json === true,
    peerVersion:
      options.destinationClientType === undefined
        ? 'V3'
        : parsePeerVersion(String(options.destinationClientType)),
    logLevel: logLevelOption(options),
  };
  if (request.peerVersion === 'V1' && request.services.size > 1) {
    throw new ConfigError(
      'a V1 device client carries one service; give one in --services',
      '-y V1',
    );
  }
  const access = cloudAccessOptions(options, io.env);
  const redactor = new SecretRedactor();
  const logger = createLogger({
    level: request.logLevel,
    sink: io.logSink ?? stderrSink,
    redactor,
  });

  // Ctrl-C from here on stops at the step it interrupts and undoes what was done.
  let interrupt: (() => void) | undefined;
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    interrupt?.();
  };
  io.onSignals?.(onSignal);
  let cloud: CloudAccess | undefined;
  let tunnel: OpenedCloudTunnel | undefined;
  try {
    cloud = await CloudAccess.create(access, {
      env: io.env,
      logger,
      redactor,
      userAgent: `tunneldesk/${io.version}`,
    });
    if (interrupted) return INTERRUPTED;
    tunnel = await cloud.openTunnel(request.thing, [...request.services.keys()], {
      ...(request.lifetimeMinutes === undefined
        ? {}
        : { lifetimeMinutes: request.lifetimeMinutes }),
    });
    if (interrupted) {
      await closeOpened(cloud, tunnel, io);
      return INTERRUPTED;
    }
    return await runSource(cloud, tunnel, request, io, (handler) => (interrupt = handler));
  } catch (error) {
    if (tunnel && cloud) await closeOpened(cloud, tunnel, io);
    if (error instanceof AwsError) return awsFailure('open', error, io);
    throw error;
  } finally {
    io.offSignals?.(onSignal);
    await cloud?.close();
  }
}

/** Closes a tunnel this command opened and could not use; says so. */
async function closeOpened(
  cloud: CloudAccess,
  tunnel: OpenedCloudTunnel,
  io: CommandIo,
): Promise<void> {
  try {
    await cloud.closeTunnel(tunnel.tunnelId);
    io.err(`closed tunnel ${tunnel.tunnelId}`);
  } catch (error) {
    io.err(
      `tunneldesk open: could not close tunnel ${tunnel.tunnelId} (${(error as Error).message}); close it with: tunneldesk close ${tunnel.tunnelId}`,
    );
  }
}

/** The data plane as the library takes it: `wss://host:port` (or ws:// for a plain service). */
function endpointText(cloud: CloudAccess): string {
  const { host, port, secure } = cloud.dataPlane.endpoint;
  return `${secure === false ? 'ws' : 'wss'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Runs the source side (the library's source proxy) until Ctrl-C or the tunnel's end. */
async function runSource(
  cloud: CloudAccess,
  tunnel: OpenedCloudTunnel,
  request: OpenRequest,
  io: CommandIo,
  onInterrupt: (handler: () => void) => void,
): Promise<number> {
  let signalled = false;
  let announced = false;
  // Binds the ports before it connects: a port taken is refused here, and the tunnel closed.
  const proxy = await startSourceProxy({
    accessToken: tunnel.sourceAccessToken,
    endpoint: endpointText(cloud),
    tls: cloud.dataPlane.tls,
    services: Object.fromEntries(request.services),
    peerVersion: request.peerVersion,
    logLevel: LOG_LEVEL_NAMES[request.logLevel] ?? 'warn',
    onLog: io.logSink ?? stderrSink,
    statsIntervalMs: 0,
  });
  proxy.on('ready', (listeners) => {
    // Said once: a reconnect binds the same ports again.
    if (!announced) announce(tunnel, listeners, request, io);
    announced = true;
  });
  onInterrupt(() => {
    signalled = true;
    void proxy.close();
  });
  const { cause, fatal } = await proxy.stopped;
  if (fatal && !signalled) {
    io.err(`tunneldesk open: ${cliWords(cause, 'source')}`);
    // The tunnel may be gone already (closed, expired); close it anyway unless kept.
    if (!request.keep) await closeQuietly(cloud, tunnel.tunnelId);
    return 1;
  }
  if (request.keep) {
    io.err(
      `left tunnel ${tunnel.tunnelId} open (--keep); close it with: tunneldesk close ${tunnel.tunnelId}`,
    );
  } else {
    await closeOpened(cloud, tunnel, io);
  }
  return 0;
}

async function closeQuietly(cloud: CloudAccess, tunnelId: string): Promise<void> {
  await cloud.closeTunnel(tunnelId).catch(() => undefined);
}

function announce(
  tunnel: OpenedCloudTunnel,
  listeners: readonly ListenerInfo[],
  request: OpenRequest,
  io: CommandIo,
): void {
  if (request.json) {
    io.out(
      JSON.stringify({
        tunnelId: tunnel.tunnelId,
        thingName: tunnel.thingName,
        services: listeners.map((listener) => ({
          serviceId: listener.serviceId,
          host: listener.host,
          port: listener.port,
        })),
      }),
    );
    return;
  }
  io.out(
    `tunnel ${tunnel.tunnelId} to ${tunnel.thingName} is open; Ctrl-C ${request.keep ? 'stops here and leaves it open' : 'closes it'}`,
  );
  const rows = listeners.map((listener) => [
    listener.serviceId || '(V1)',
    `${listener.host}:${listener.port}`,
  ]);
  for (const line of textTable(['SERVICE', 'LOCAL ADDRESS'], rows)) io.out(line);
}
