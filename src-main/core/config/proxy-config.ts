/**
 * The validated configuration of one local proxy (source or destination), whatever it came
 * from: CLI flags, a --config file, environment variables, --config-dir mapping files, or
 * (later) the app's settings. Everything downstream takes this object, never raw strings.
 */
import type { ProtocolVersion, ProxyMode } from '../protocol/wire.js';
import type { LogLevel } from '../log/logger.js';
import type { SendOrder } from '../mux/tunnel-writer.js';

/** Where the tunnel service is. */
export interface ServiceEndpoint {
  readonly host: string;
  readonly port: number;
  /** TLS (wss://), the default; false only for a local plain test service (`-e ws://HOST:PORT`). */
  readonly secure?: boolean;
  /** How the endpoint was chosen, for messages: `-e`, a region, or an environment variable. */
  readonly origin: string;
}

/** A destination target: a TCP host and port, or a Unix socket path. */
export type DestinationTarget =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

export interface TlsOptions {
  /** False only with `-k`: skips certificate and host name checks (local testing). */
  readonly verify: boolean;
  /** `-c`: a directory (or file) of extra PEM CA certificates, trusted beside the system ones. */
  readonly caPath?: string;
}

/** What the source side maps: service id to local listening port (0 = any free port). */
export interface SourceMappings {
  readonly mode: 'source';
  /** Service id ('' for the single-port V1 form `-s 5555`) to port. */
  readonly ports: ReadonlyMap<string, number>;
  /** Listen address per service, where it differs from `bindAddress` (the app's mapping rows). */
  readonly bindAddresses?: ReadonlyMap<string, string>;
  /**
   * The service with no listener whose one connection is carried over stdin/stdout
   * (`-s SSH1=stdio`), attached with SourceProxy.attach; '' for the V1 form `-s stdio`.
   */
  readonly stdio?: string;
}

/** What the destination side maps: service id to a target. */
export interface DestinationMappings {
  readonly mode: 'destination';
  /** Service id ('' for the single-target V1 form `-d 22`) to target. */
  readonly targets: ReadonlyMap<string, DestinationTarget>;
}

export interface ProxyConfig {
  readonly mode: ProxyMode;
  /** Secret: never logged, never put on a command line. */
  readonly accessToken: string;
  /** Secret. Given, or a UUIDv4 made at start, so that reconnects work by default. */
  readonly clientToken: string;
  /** Whether the client token was generated rather than given (said once in the log). */
  readonly clientTokenGenerated: boolean;
  readonly endpoint: ServiceEndpoint;
  readonly tls: TlsOptions;
  /** `-b`: listen address (source) or local address to connect from (destination). */
  readonly bindAddress?: string;
  /** Mappings given on the command line or --config (they win over --config-dir files). */
  readonly mappings: SourceMappings | DestinationMappings;
  /** Files of --config-dir (or ./config when present), read for services without a mapping. */
  readonly mappingFiles: readonly string[];
  /** `-y`: the protocol version of the peer (source only); V3 by default. */
  readonly peerVersion: ProtocolVersion;
  readonly logLevel: LogLevel;
  /**
   * `--send-order`: how local connections share the tunnel. `fair` (the default): each
   * connection has its own queue, served in turn, control frames first, and little is left
   * waiting outside that queue; `arrival`: one queue in arrival order, for comparison.
   */
  readonly sendOrder?: SendOrder;
  /** `--max-connections`: local connections per service (1,000 when absent; see mux/limits.ts). */
  readonly maxConnectionsPerService?: number;
}

/**
 * A configuration or usage mistake, found before anything started. The message names what
 * was wrong and what is allowed; `where` names the flag, variable, or file and line.
 */
/** What kind of configuration problem: a port taken is worth telling apart from the rest. */
export type ConfigProblem = 'invalid' | 'port-in-use';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly where?: string,
    readonly problem: ConfigProblem = 'invalid',
  ) {
    super(where ? `${where}: ${message}` : message);
  }
}
