/**
 * `tunneldesk tunnels [THING]` lists open tunnels (a table, or `--json`), and
 * `tunneldesk close TUNNEL_ID` closes one, through the control plane of `cloud-access.ts`.
 * Neither takes `--sandbox`: a sandbox lives only as long as the command that started it.
 */
import { AwsError } from '../aws/errors.js';
import { ConfigError } from '../core/config/proxy-config.js';
import { createLogger, SecretRedactor, stderrSink } from '../core/log/logger.js';
import { CloudAccess, type CloudTunnel } from './cloud-access.js';
import { cloudAccessOptions, cloudCommand, logLevelOption, parseWith } from './cloud-options.js';
import type { CommandIo } from './io.js';
import { age, textTable } from './text-table.js';

/** AWS's tunnel id pattern (IoT Secure Tunneling API reference). */
const TUNNEL_ID = /^[a-zA-Z0-9_\-+=:]{1,128}$/;
/** A thing name as AWS allows it. */
const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

export function checkThingName(text: string): string {
  if (!THING_NAME.test(text)) {
    throw new ConfigError(
      `"${text}" is not a thing name; a thing name is 1 to 128 letters, digits, ':', '_' or '-'`,
      'THING',
    );
  }
  return text;
}

/** A tunnel as --json gives it (times as ISO strings, no tokens). */
export function tunnelJson(tunnel: CloudTunnel): Record<string, unknown> {
  const iso = (ms: number | null): string | null =>
    ms === null ? null : new Date(ms).toISOString();
  return {
    tunnelId: tunnel.tunnelId,
    tunnelArn: tunnel.tunnelArn,
    status: tunnel.status,
    thingName: tunnel.thingName,
    services: tunnel.services,
    description: tunnel.description,
    sourceConnected: tunnel.source.connected,
    destinationConnected: tunnel.destination.connected,
    createdAt: iso(tunnel.createdAt),
    maxLifetimeMinutes: tunnel.maxLifetimeMinutes,
    expiresAt:
      tunnel.createdAt === null || tunnel.maxLifetimeMinutes === null
        ? null
        : iso(tunnel.createdAt + tunnel.maxLifetimeMinutes * 60_000),
  };
}

function tunnelRows(tunnels: readonly CloudTunnel[], now: number): string[][] {
  const yesNo = (connected: boolean): string => (connected ? 'connected' : '-');
  return tunnels.map((tunnel) => [
    tunnel.tunnelId,
    tunnel.thingName ?? '-',
    tunnel.services.join(',') || '-',
    yesNo(tunnel.source.connected),
    yesNo(tunnel.destination.connected),
    age(tunnel.createdAt, now),
    tunnel.createdAt === null || tunnel.maxLifetimeMinutes === null
      ? '-'
      : `in ${age(now, tunnel.createdAt + tunnel.maxLifetimeMinutes * 60_000)}`,
  ]);
}

/** Runs a control-plane command: one line for an AWS failure (exit 1), the access closed. */
export async function withCloud(
  name: string,
  options: Record<string, unknown>,
  io: CommandIo,
  run: (cloud: CloudAccess) => Promise<number>,
): Promise<number> {
  const access = cloudAccessOptions(options, io.env);
  const redactor = new SecretRedactor();
  const logger = createLogger({
    level: logLevelOption(options),
    sink: io.logSink ?? stderrSink,
    redactor,
  });
  let cloud: CloudAccess;
  try {
    cloud = await CloudAccess.create(access, {
      env: io.env,
      logger,
      redactor,
      userAgent: `tunneldesk/${io.version}`,
    });
  } catch (error) {
    if (error instanceof AwsError) return awsFailure(name, error, io);
    throw error;
  }
  try {
    return await run(cloud);
  } catch (error) {
    if (error instanceof AwsError) return awsFailure(name, error, io);
    throw error;
  } finally {
    await cloud.close();
  }
}

export function awsFailure(name: string, error: AwsError, io: CommandIo): number {
  io.err(`tunneldesk ${name}: ${error.message}`);
  return 1;
}

function refuseSandbox(options: Record<string, unknown>, name: string): void {
  if (options.sandbox === true) {
    throw new ConfigError(
      `a sandbox lives only as long as the command that starts it, so 'tunneldesk ${name}' cannot reach another's; ` +
        "run 'tunneldesk service' and give its management API with --endpoint-url",
      '--sandbox',
    );
  }
}

/** `tunneldesk tunnels [THING]`. */
export async function runTunnelsCommand(argv: string[], io: CommandIo): Promise<number> {
  const command = cloudCommand('tunnels', 'List open tunnels, of one thing or all.')
    .argument('[thing]', 'only the tunnels of this thing')
    .allowUnknownOption(false);
  // A hidden --sandbox, so that its mistake gets its own message rather than "unknown option".
  command.option('--sandbox', undefined);
  const parsed = parseWith(command, argv, 'tunnels');
  if (parsed.kind === 'help') {
    io.out(parsed.text);
    return 0;
  }
  refuseSandbox(parsed.options, 'tunnels');
  const thing = parsed.args[0] === undefined ? undefined : checkThingName(parsed.args[0]);
  return withCloud('tunnels', parsed.options, io, async (cloud) => {
    const tunnels = await cloud.findOpenTunnels(thing);
    if (parsed.options.json === true) {
      io.out(JSON.stringify(tunnels.map(tunnelJson), null, 2));
      return 0;
    }
    if (tunnels.length === 0) {
      io.out(`no open tunnels${thing === undefined ? '' : ` to ${thing}`} (${cloud.where})`);
      return 0;
    }
    for (const line of textTable(
      ['TUNNEL ID', 'THING', 'SERVICES', 'SOURCE', 'DEVICE', 'AGE', 'EXPIRES'],
      tunnelRows(tunnels, Date.now()),
    ))
      io.out(line);
    return 0;
  });
}

/** `tunneldesk close TUNNEL_ID`. */
export async function runCloseCommand(argv: string[], io: CommandIo): Promise<number> {
  const command = cloudCommand('close', 'Close an open tunnel (both sides are disconnected).')
    .argument('<tunnel-id>', "the tunnel's id, as 'tunneldesk tunnels' lists it")
    .option('--sandbox', undefined);
  const parsed = parseWith(command, argv, 'close');
  if (parsed.kind === 'help') {
    io.out(parsed.text);
    return 0;
  }
  refuseSandbox(parsed.options, 'close');
  const tunnelId = parsed.args[0]!;
  if (!TUNNEL_ID.test(tunnelId)) {
    throw new ConfigError(
      `"${tunnelId}" is not a tunnel id; a tunnel id is 1 to 128 letters, digits or _-+=:`,
      'TUNNEL_ID',
    );
  }
  return withCloud('close', parsed.options, io, async (cloud) => {
    const before = await cloud.describeTunnel(tunnelId);
    const wasOpen = before.status === 'OPEN';
    if (wasOpen) await cloud.closeTunnel(tunnelId);
    if (parsed.options.json === true) {
      io.out(JSON.stringify({ tunnelId, closed: true, wasOpen }, null, 2));
    } else {
      io.out(
        wasOpen
          ? `closed tunnel ${tunnelId}${before.thingName ? ` to ${before.thingName}` : ''}`
          : `tunnel ${tunnelId} was already closed`,
      );
    }
    return 0;
  });
}
