/**
 * The arguments of `tunneldesk service`, the local tunnel service. Nothing here prints or
 * exits: help and every mistake come back to the caller.
 */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../core/config/proxy-config.js';
import { DEFAULT_LOG_LEVEL, toLogLevel, type LogLevel } from '../core/log/logger.js';
import { readTlsFiles } from '../core/service/certificate.js';
import {
  validateTunnelSpec,
  type TunnelServiceOptions,
  type TunnelSpec,
} from '../core/service/tunnel-service.js';

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
  return new Command('tunneldesk service')
    .description(
      'A local stand-in for the AWS IoT Secure Tunneling data plane: local proxies connect to it ' +
        'as they would to data.tunneling.iot.REGION.amazonaws.com.',
    )
    .helpOption(false)
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
      new Option('--tunnel <spec>', `a tunnel, repeatable: ${TUNNEL_FORMAT}`).argParser(
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      ),
    )
    .addOption(
      new Option('--cert <file>', 'PEM certificate for TLS (with --key); self-signed when absent'),
    )
    .addOption(new Option('--key <file>', 'PEM private key for TLS (with --cert)'))
    .addOption(new Option('--plain', 'plain WebSocket (ws://), no TLS'))
    .addOption(
      new Option(
        '--rechunk [seed]',
        "cut the relayed byte stream at random WebSocket message sizes (a test of peers' parsers)",
      ),
    )
    .addOption(new Option('-v, --verbose <level>', 'log level 0 to 6 (4, info, by default)'));
}

/** Parses `ID:SRC:DST:SERVICES`; tokens may not hold ":". */
export function parseTunnelSpec(text: string): TunnelSpec {
  const parts = text.split(':');
  if (parts.length !== 4 || parts.slice(0, 3).some((part) => part === '')) {
    throw new ConfigError(
      `"${text.length > 60 ? `${text.slice(0, 60)}...` : text}" is not ${TUNNEL_FORMAT}`,
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

function parseSeed(value: unknown): number {
  if (value === true || value === undefined) return 1;
  const text = String(value);
  if (!/^[0-9]{1,10}$/.test(text) || Number(text) > 0xffffffff) {
    throw new ConfigError(`seed "${text}" is not a whole number from 0 to 4294967295`, '--rechunk');
  }
  return Number(text);
}

export function parseServiceArgs(argv: string[]): ServiceParseResult {
  const program = buildCommand();
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      const unknown = /unknown option '([^']+)'/.exec(error.message);
      throw new ConfigError(
        unknown
          ? `unknown option "${unknown[1]}"; 'tunneldesk service --help' lists the options`
          : error.message.replace(/^error: /, ''),
      );
    }
    throw error;
  }
  const options = program.opts<{
    help?: boolean;
    port?: string;
    host?: string;
    tunnel?: string[];
    cert?: string;
    key?: string;
    plain?: boolean;
    rechunk?: string | boolean;
    verbose?: string;
  }>();
  if (options.help) return { kind: 'help', text: program.helpInformation() };
  if (program.args.length > 0) {
    throw new ConfigError(
      `unexpected argument "${program.args[0]}"; 'tunneldesk service --help' lists the options`,
    );
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new ConfigError(
      'give --cert and --key together (or neither, for a self-signed certificate)',
    );
  }
  if (options.plain && options.cert !== undefined) {
    throw new ConfigError('--plain serves ws:// without TLS; it takes no --cert/--key');
  }
  const tunnels = (options.tunnel ?? []).map(parseTunnelSpec);
  let logLevel = DEFAULT_LOG_LEVEL;
  if (options.verbose !== undefined) {
    if (!/^[0-9]{1,3}$/.test(options.verbose) || Number(options.verbose) > 255) {
      throw new ConfigError(`"${options.verbose}" is not a level; give 0 to 6`, '-v/--verbose');
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
      },
    },
  };
}
