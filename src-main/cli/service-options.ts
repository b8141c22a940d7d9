/**
 * The arguments of `tunneldesk service`, the local tunnel service. Nothing here prints or
 * exits: help and every mistake come back to the caller.
 */
import { randomInt } from 'node:crypto';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../core/config/proxy-config.js';
import { DEFAULT_LOG_LEVEL, toLogLevel, type LogLevel } from '../core/log/logger.js';
import { readTlsFiles } from '../core/service/certificate.js';
import {
  validateTunnelSpec,
  type TunnelServiceOptions,
  type TunnelSpec,
} from '../core/service/tunnel-service.js';
import { parseThingSpec, THING_FORMAT } from './service-things.js';

export const DEFAULT_SERVICE_PORT = 8443;

export interface ServiceSettings {
  readonly service: Omit<TunnelServiceOptions, 'logger'>;
  readonly logLevel: LogLevel;
}

export type ServiceParseResult =
  { kind: 'run'; settings: ServiceSettings } | { kind: 'help'; text: string };

const TUNNEL_FORMAT =
  'ID:SOURCE_TOKEN:DESTINATION_TOKEN:SERVICES (services comma-separated, e.g. demo:SRC:DST:HTTP1,SSH1)';

function buildCommand(): Command {
  // allowExcessArguments: stray arguments come back in `args`, so the error can name the one.
  return new Command('tunneldesk service')
    .description(
      'A local stand-in for the AWS IoT Secure Tunneling data plane: local proxies connect to it ' +
        'as they would to data.tunneling.iot.REGION.amazonaws.com.',
    )
    .helpOption(false)
    .allowExcessArguments(true)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .configureHelp({ helpWidth: 100 })
    .addOption(new Option('-h, --help', 'show this help and exit'))
    .addOption(
      new Option(
        '--port <port>',
        `port to listen on (${DEFAULT_SERVICE_PORT}; 0 picks a free port)`,
      ),
    )
    .addOption(new Option('--host <address>', 'address to listen on (127.0.0.1)'))
    .addOption(
      new Option(
        '--tunnel <spec>',
        `a tunnel (repeatable; more are opened with OpenTunnel on the same port): ${TUNNEL_FORMAT}`,
      ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    )
    .addOption(
      new Option(
        '--thing <spec>',
        `a thing for the IoT registry, beside the built-in ones (repeatable): ${THING_FORMAT}`,
      ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    )
    .addOption(
      new Option('--cert <file>', 'PEM certificate for TLS (with --key); self-signed when absent'),
    )
    .addOption(new Option('--key <file>', 'PEM private key for TLS (with --cert)'))
    .addOption(new Option('--plain', 'plain WebSocket (ws://), no TLS'))
    .addOption(
      new Option(
        '--rechunk [seed]',
        "cut the relayed byte stream at random WebSocket message sizes (a test of peers' parsers); " +
          'a random seed unless one is given',
      ),
    )
    .addOption(
      new Option(
        '--rate <bytes-per-second>',
        'cap each direction of every tunnel, as AWS caps a tunnel (about 800000); the service reads slower',
      ),
    )
    .addOption(
      new Option(
        '-v, --verbose <level>',
        'log level: 0 off, 1 fatal, 2 error, 3 warning, 4 info (the default), 5 debug, 6 trace',
      ),
    );
}

/** The smallest cap that still carries a keystroke and a control frame at once. */
const MIN_RATE = 1_024;

function parseRate(text: string): number {
  if (!/^[0-9]{1,12}$/.test(text) || Number(text) < MIN_RATE) {
    throw new ConfigError(
      `"${text}" is not a rate; give bytes per second as a whole number from ${MIN_RATE} up, e.g. 800000`,
      '--rate',
    );
  }
  return Number(text);
}

/** Parses `ID:SRC:DST:SERVICES`; tokens may not hold ":". */
export function parseTunnelSpec(text: string): TunnelSpec {
  const parts = text.split(':');
  if (parts.length !== 4 || parts.slice(0, 3).some((part) => part === '')) {
    // Never echo the text: it holds access tokens, and errors end up in terminals and CI logs.
    const id = parts.length > 1 ? `"${parts[0]!.slice(0, 60)}:..."` : 'a value';
    throw new ConfigError(
      `${id} has ${parts.length} ":"-separated field${parts.length === 1 ? '' : 's'}` +
        `${parts.length === 4 ? ', one of them empty' : ''}; a tunnel is ${TUNNEL_FORMAT}`,
      '--tunnel',
    );
  }
  const [id, sourceToken, destinationToken, services] = parts as [string, string, string, string];
  const spec: TunnelSpec = {
    id,
    sourceToken,
    destinationToken,
    services: services === '' ? [] : services.split(','),
  };
  validateTunnelSpec(spec, '--tunnel');
  return spec;
}

function parsePort(text: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) > 65_535) {
    throw new ConfigError(
      `"${text}" is not a port; a port is 0 to 65535 (0 picks a free port)`,
      '--port',
    );
  }
  return Number(text);
}

/**
 * A seed given, or a random one when `--rechunk` has none: each run then tries other cuts,
 * and the command prints the seed so that a failing run can be replayed.
 */
function parseSeed(value: unknown): number {
  if (value === true || value === undefined) return randomInt(0, 0x1_0000_0000);
  const text = String(value);
  if (!/^[0-9]{1,10}$/.test(text) || Number(text) > 0xffffffff) {
    throw new ConfigError(`seed "${text}" is not a whole number from 0 to 4294967295`, '--rechunk');
  }
  return Number(text);
}

/**
 * Every `--tunnel`, checked as a set: ids and tokens must be unique across tunnels (the
 * service would refuse them at start, without naming the flag). None is fine: tunnels are
 * then opened with OpenTunnel through the management API.
 */
function parseTunnels(texts: readonly string[]): TunnelSpec[] {
  const tunnels = texts.map(parseTunnelSpec);
  const ids = new Set<string>();
  const tokens = new Map<string, string>();
  for (const tunnel of tunnels) {
    if (ids.has(tunnel.id)) {
      throw new ConfigError(
        `tunnel id ${tunnel.id} is given twice; each tunnel needs its own`,
        '--tunnel',
      );
    }
    ids.add(tunnel.id);
    for (const token of [tunnel.sourceToken, tunnel.destinationToken]) {
      const owner = tokens.get(token);
      if (owner !== undefined) {
        throw new ConfigError(
          `tunnel ${tunnel.id} reuses an access token of tunnel ${owner}; every token must open one side of one tunnel`,
          '--tunnel',
        );
      }
      tokens.set(token, tunnel.id);
    }
  }
  return tunnels;
}

/** A commander error as a ConfigError that names the flag or argument. */
function commanderMistake(error: CommanderError, argv: readonly string[]): ConfigError {
  const flag = /option '(-[^', ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'commander.unknownOption':
      return new ConfigError(
        `unknown option "${flag ?? argv.find((arg) => arg.startsWith('-'))}"; 'tunneldesk service --help' lists the options`,
      );
    case 'commander.optionMissingArgument':
      return new ConfigError('needs a value', flag);
    default:
      return new ConfigError(error.message.replace(/^error: /, ''));
  }
}

export function parseServiceArgs(argv: string[]): ServiceParseResult {
  const program = buildCommand();
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw commanderMistake(error, argv);
    throw error;
  }
  const options = program.opts<{
    help?: boolean;
    port?: string;
    host?: string;
    tunnel?: string[];
    thing?: string[];
    cert?: string;
    key?: string;
    plain?: boolean;
    rechunk?: string | boolean;
    rate?: string;
    verbose?: string;
  }>();
  if (options.help) return { kind: 'help', text: program.helpInformation() };
  if (program.args.length > 0) {
    throw new ConfigError(
      `unexpected argument "${program.args[0]}"; 'tunneldesk service --help' lists the options`,
    );
  }
  if (options.plain && (options.cert !== undefined || options.key !== undefined)) {
    throw new ConfigError(
      'serves ws:// without TLS, so it takes no --cert or --key; give one or the other',
      '--plain',
    );
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new ConfigError(
      'give --cert and --key together (or neither, for a self-signed certificate)',
      options.cert === undefined ? '--key' : '--cert',
    );
  }
  const tunnels = parseTunnels(options.tunnel ?? []);
  let logLevel = DEFAULT_LOG_LEVEL;
  if (options.verbose !== undefined) {
    if (!/^[0-9]{1,3}$/.test(options.verbose) || Number(options.verbose) > 255) {
      throw new ConfigError(
        `"${options.verbose}" is not a log level; a level is 0 to 255: 0 off, 1 fatal, 2 error, 3 warning, 4 info, 5 debug, 6 or more trace`,
        '-v/--verbose',
      );
    }
    logLevel = toLogLevel(Number(options.verbose));
  }
  return {
    kind: 'run',
    settings: {
      logLevel,
      service: {
        host: options.host ?? '127.0.0.1',
        port: options.port === undefined ? DEFAULT_SERVICE_PORT : parsePort(options.port),
        tls: options.plain
          ? 'plain'
          : options.cert !== undefined
            ? readTlsFiles(options.cert, options.key!)
            : 'self-signed',
        tunnels,
        rechunk: options.rechunk === undefined ? false : { seed: parseSeed(options.rechunk) },
        rateBytesPerSecond: options.rate === undefined ? undefined : parseRate(options.rate),
        ...(options.thing === undefined
          ? {}
          : { management: { things: options.thing.map(parseThingSpec) } }),
      },
    },
  };
}
