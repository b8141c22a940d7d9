/**
 * The arguments of `tunneldesk proxy`: the reference localproxy's flags, its `--config`
 * file and its environment variables, merged with its precedence (boost program_options
 * `store`: the first source to set an option keeps it, and the sources are stored in the
 * order command line, `--config` file, environment) and checked into a {@link ProxyConfig}.
 * Nothing here prints or exits: help, version and every mistake come back to the caller.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { parseRegionEndpoint, parseServiceEndpoint } from '../core/config/endpoint.js';
import { resolveMappingFiles } from '../core/config/mapping-files.js';
import {
  parseBindAddress,
  parseDestinationMappings,
  parseSourceBindings,
} from '../core/config/port-mapping.js';
import {
  ConfigError,
  type DestinationMappings,
  type ProxyConfig,
  type ServiceEndpoint,
  type SourceMappings,
} from '../core/config/proxy-config.js';
import { DEFAULT_LOG_LEVEL, toLogLevel, type LogLevel } from '../core/log/logger.js';
import { SEND_ORDERS, type SendOrder } from '../core/mux/tunnel-writer.js';
import { DEFAULT_RESOURCE_LIMITS } from '../core/mux/limits.js';
import {
  CLIENT_TOKEN_PATTERN,
  type ProtocolVersion,
  type ProxyMode,
} from '../core/protocol/wire.js';
import { webProxyOfEnv, WebProxyError, type WebProxy } from '../core/tunnel/web-proxy.js';
import {
  DEFAULT_TUNING,
  defaultSettingsJson,
  type ReferenceSettings,
} from '../core/config/reference-settings.js';
import { readSettingsFile, regionEndpointOf } from './settings-file.js';

/** What `tunneldesk proxy ARGS` asks for. */
export type ProxyParseResult =
  | { kind: 'run'; config: ProxyConfig; warnings: string[]; webProxy?: WebProxy }
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  /** `--export-default-settings FILE`: write `text` to `file` and stop, as the reference does. */
  | { kind: 'export-settings'; file: string; text: string };

export const ACCESS_TOKEN_ENV = 'AWSIOT_TUNNEL_ACCESS_TOKEN';
export const CLIENT_TOKEN_ENV = 'AWSIOT_TUNNEL_CLIENT_TOKEN';
export const ENDPOINT_ENV = 'AWSIOT_TUNNEL_ENDPOINT';
export const REGION_ENV = 'AWSIOT_TUNNEL_REGION';

// Limits of the reference's InputValidation.
const MAX_ACCESS_TOKEN_LENGTH = 4096;
const MAX_PATH_LENGTH = 4096;
/** --max-connections at most: each connection is a socket, and file descriptors run out. */
const MAX_CONNECTIONS_LIMIT = 100_000;

/** An option that a `--config` file or the environment may set too: its long name. */
type SettingKey =
  | 'access-token'
  | 'client-token'
  | 'proxy-endpoint'
  | 'region'
  | 'source-listen-port'
  | 'destination-app'
  | 'local-bind-address'
  | 'capath'
  | 'no-ssl-host-verify'
  | 'verbose'
  | 'mode'
  | 'destination-client-type'
  | 'config-dir'
  | 'send-order'
  | 'max-connections'
  | 'settings-json';

interface FlagSpec {
  /** The commander flags, exactly the reference's names. */
  readonly flags: string;
  readonly description: string;
  /** The long name, when a `--config` file may set this option too. */
  readonly key?: SettingKey;
}

const FLAGS = [
  { flags: '-h, --help', description: 'show this help and exit' },
  { flags: '-V, --version', description: 'show the version and exit' },
  {
    flags: '-t, --access-token <token>',
    key: 'access-token',
    description: `the tunnel's access token; prefer ${ACCESS_TOKEN_ENV}, since other users can see a command line`,
  },
  {
    flags: '-i, --client-token <token>',
    key: 'client-token',
    description:
      'client token, 32 to 128 letters, digits and "-"; one is generated when absent, so reconnects work',
  },
  {
    flags: '-e, --proxy-endpoint <host[:port]>',
    key: 'proxy-endpoint',
    description:
      'the tunnel service, port 443 by default (ws://HOST:PORT for a plain local test service); not with -r',
  },
  {
    flags: '-r, --region <region>',
    key: 'region',
    description: "the tunnel's region (data.tunneling.iot.REGION.amazonaws.com); not with -e",
  },
  {
    flags: '-s, --source-listen-port <mappings>',
    key: 'source-listen-port',
    description:
      'source mode: SERVICE=PORT,... to listen on (or one PORT; 0 picks a free port; SERVICE=stdio: one connection over stdin/stdout, for ssh ProxyCommand)',
  },
  {
    flags: '-d, --destination-app <mappings>',
    key: 'destination-app',
    description:
      'destination mode: SERVICE=TARGET,... where TARGET is PORT, HOST:PORT, [IPv6]:PORT or a socket path',
  },
  {
    flags: '-b, --local-bind-address <address>',
    key: 'local-bind-address',
    description:
      'address to listen on (source; 127.0.0.1 by default) or to connect from (destination)',
  },
  {
    flags: '-c, --capath <path>',
    key: 'capath',
    description: 'a directory or file of extra PEM CA certificates, trusted beside the system ones',
  },
  {
    flags: '-k, --no-ssl-host-verify',
    key: 'no-ssl-host-verify',
    description: 'skip TLS certificate and host name checks (local testing only, never production)',
  },
  {
    flags: '-v, --verbose <level>',
    key: 'verbose',
    description:
      'log level, 0 to 255: 0 off, 1 fatal, 2 error, 3 warning, 4 info (default), 5 debug, 6+ trace',
  },
  {
    flags: '-m, --mode <mode>',
    key: 'mode',
    description: 'src (source) or dst (destination); implied by -s or -d',
  },
  {
    flags: '-y, --destination-client-type <version>',
    key: 'destination-client-type',
    description: 'source mode: V1 or V2 to talk to an older destination (V3 by default)',
  },
  {
    flags: '--config <file>',
    description: 'read options from a file of "long-name = value" lines; flags win over it',
  },
  {
    flags: '--config-dir <dir>',
    key: 'config-dir',
    description: 'a directory of .ini mapping files (SSH1 = 5555), ./config by default',
  },
  {
    flags: '--settings-json <file>',
    key: 'settings-json',
    description:
      "the reference localproxy's settings file (JSON): retries, ping period, listen retries, default bind address, region endpoints",
  },
  {
    flags: '--export-default-settings <file>',
    description: 'write the default settings to FILE in the --settings-json shape, and exit',
  },
  {
    flags: '--send-order <order>',
    key: 'send-order',
    description:
      'how connections share the tunnel: fair (default; each connection in turn, starts and resets first, ' +
      'little left queued outside our scheduler, so SSH stays responsive beside a bulk transfer) or ' +
      'arrival (one queue in arrival order, the old behaviour, for comparison)',
  },
  {
    flags: '--max-connections <n>',
    key: 'max-connections',
    description: `local connections per service, 1 to ${MAX_CONNECTIONS_LIMIT} (${DEFAULT_RESOURCE_LIMITS.maxConnectionsPerService} by default); one more is closed (source) or reset (destination), and the log says so`,
  },
] as const satisfies readonly FlagSpec[];

/** Settings a `--config` file may hold: every option with a value, by its long name. */
const CONFIG_FILE_KEYS = new Set<string>(
  FLAGS.flatMap((flag: FlagSpec) => (flag.key ? [flag.key] : [])),
);

/** `-r/--region` for `--region` and so on, for messages that name a flag. */
const FLAG_NAMES: Readonly<Record<SettingKey, string>> = {
  'access-token': '-t/--access-token',
  'client-token': '-i/--client-token',
  'proxy-endpoint': '-e/--proxy-endpoint',
  region: '-r/--region',
  'source-listen-port': '-s/--source-listen-port',
  'destination-app': '-d/--destination-app',
  'local-bind-address': '-b/--local-bind-address',
  capath: '-c/--capath',
  'no-ssl-host-verify': '-k/--no-ssl-host-verify',
  verbose: '-v/--verbose',
  mode: '-m/--mode',
  'destination-client-type': '-y/--destination-client-type',
  'config-dir': '--config-dir',
  'send-order': '--send-order',
  'max-connections': '--max-connections',
  'settings-json': '--settings-json',
};

/** The prefix of an error about a flag's value: the short flag, as in `-s: ...`. */
function shortName(key: SettingKey): string {
  return FLAG_NAMES[key].split('/')[0]!;
}

/** One option's value and where it came from. */
interface Setting {
  readonly value: string;
  readonly from: 'cli' | 'config' | 'env';
  /** Prefix of an error about this value: `-r`, `cfg.ini:3 (region)`, `AWSIOT_TUNNEL_REGION`. */
  readonly where: string;
  /** The source in a sentence: `-r/--region`, `region in cfg.ini:3`, `AWSIOT_TUNNEL_REGION`. */
  readonly origin: string;
}

type Settings = Partial<Record<SettingKey, Setting>>;

const ENV_KEYS: ReadonlyArray<readonly [string, SettingKey]> = [
  [ACCESS_TOKEN_ENV, 'access-token'],
  [CLIENT_TOKEN_ENV, 'client-token'],
  [ENDPOINT_ENV, 'proxy-endpoint'],
  [REGION_ENV, 'region'],
];

// ---------------------------------------------------------------------------------------
// Command line

/** The commander program, quiet: it neither prints nor exits, it throws. */
function buildCommand(): Command {
  const program = new Command('tunneldesk proxy')
    .description('A local proxy for AWS IoT Secure Tunneling, flag-compatible with localproxy.')
    .helpOption(false) // -h and -V are ours, so that both come back as results
    .exitOverride()
    .allowExcessArguments(true) // checked after parsing, to name the stray argument
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .configureHelp({ helpWidth: 100 });
  for (const flag of FLAGS as readonly FlagSpec[]) {
    const option = new Option(flag.flags, flag.description);
    if (option.required) {
      const key = flag.key;
      // boost refuses an option given twice; commander would keep the last one quietly.
      option.argParser((value: string, previous: unknown) => {
        if (previous !== undefined) {
          throw new ConfigError(
            'given more than once; give it once',
            key ? shortName(key) : (option.long ?? option.flags),
          );
        }
        return value;
      });
    }
    program.addOption(option);
  }
  return program;
}

/** Turns commander's own errors into ConfigErrors that say what to do. */
function commanderProblem(error: CommanderError): ConfigError {
  const unknown = /unknown option '([^']+)'(?:\s*\(Did you mean (\S+?)\?\))?/.exec(error.message);
  if (unknown) {
    const hint = unknown[2] ? `did you mean ${unknown[2]}? ` : '';
    return new ConfigError(
      `unknown option "${unknown[1]}"; ${hint}'tunneldesk proxy --help' lists the options`,
    );
  }
  const missing = /option '([^']+)' argument missing/.exec(error.message);
  if (missing) {
    const names = missing[1]!.split(' ').filter((part) => part.startsWith('-'));
    const value = /<([^>]+)>/.exec(missing[1]!)?.[1] ?? 'value';
    return new ConfigError(`${names.join('/').replace(/,/g, '')} needs a ${value} after it`);
  }
  return new ConfigError(error.message.replace(/^error: /, ''));
}

/** The settings given as flags. */
function settingsFromCommand(program: Command): Settings {
  const settings: Settings = {};
  for (const flag of FLAGS as readonly FlagSpec[]) {
    if (!flag.key) continue;
    const option = program.options.find((candidate) => candidate.flags === flag.flags)!;
    const name = option.attributeName();
    if (program.getOptionValueSource(name) !== 'cli') continue;
    const raw: unknown = program.getOptionValue(name);
    // `-k` is commander's negation of `ssl-host-verify`: given means "do not verify".
    const value = flag.key === 'no-ssl-host-verify' ? String(raw === false) : String(raw);
    settings[flag.key] = {
      value,
      from: 'cli',
      where: shortName(flag.key),
      origin: FLAG_NAMES[flag.key],
    };
  }
  return settings;
}

// ---------------------------------------------------------------------------------------
// --config file and environment

/**
 * Reads a `--config` file the way boost's `parse_config_file` does: `long-name = value`
 * lines, `#` starts a comment anywhere on a line. Unknown keys, sections and lines that
 * are not `key = value` are errors, as in boost, but here they name file and line.
 */
function readConfigFile(file: string, cwd: string): Settings {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code);
    throw new ConfigError(`cannot read "${file}": ${why}`, '--config');
  }
  const settings: Settings = {};
  const lines: Partial<Record<SettingKey, number>> = {};
  const keyList = [...CONFIG_FILE_KEYS].join(', ');
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const at = `${file}:${line}`;
    const hash = raw.indexOf('#');
    const content = (hash < 0 ? raw : raw.slice(0, hash)).trim();
    if (content === '') return;
    if (/^\[.*\]$/.test(content)) {
      throw new ConfigError(
        `"${content}": a --config file has no sections; write "long-option-name = value" lines`,
        at,
      );
    }
    const match = /^([^=]*?)\s*=\s*(.*)$/.exec(content);
    if (!match || match[1] === '') {
      throw new ConfigError(
        `"${content}" is not a "key = value" line; write e.g. "region = us-east-1" (# starts a comment)`,
        at,
      );
    }
    const key = match[1]!;
    const value = match[2]!;
    if (!CONFIG_FILE_KEYS.has(key)) {
      const why = ['help', 'version', 'config'].includes(key)
        ? `"${key}" only works as a flag`
        : `unknown key "${key}"`;
      throw new ConfigError(`${why}; the keys are the long option names: ${keyList}`, at);
    }
    const settingKey = key as SettingKey;
    if (lines[settingKey] !== undefined) {
      throw new ConfigError(
        `"${key}" is already set on line ${lines[settingKey]}; set it once`,
        at,
      );
    }
    lines[settingKey] = line;
    settings[settingKey] = {
      value: settingKey === 'no-ssl-host-verify' ? parseSwitch(value, at) : value,
      from: 'config',
      where: `${at} (${key})`,
      origin: `${key} in ${at}`,
    };
  });
  return settings;
}

/** A switch in a config file, as boost reads a bool: true/false, yes/no, on/off, 1/0. */
function parseSwitch(value: string, where: string): string {
  const text = value.toLowerCase();
  // boost takes an empty value as "on", like the bare flag.
  if (['', 'true', 'yes', 'on', '1'].includes(text)) return 'true';
  if (['false', 'no', 'off', '0'].includes(text)) return 'false';
  throw new ConfigError(`"${value}" is not a switch value; write true or false`, where);
}

/** The settings the environment gives. An empty variable counts as unset (`VAR= cmd`). */
function settingsFromEnv(env: Record<string, string | undefined>): Settings {
  const settings: Settings = {};
  for (const [name, key] of ENV_KEYS) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    settings[key] = { value, from: 'env', where: name, origin: name };
  }
  return settings;
}

/** boost `store` semantics: the first source to set an option keeps it. */
function merge(...sources: Settings[]): Settings {
  const merged: Settings = {};
  for (const source of sources) {
    for (const [key, setting] of Object.entries(source) as [SettingKey, Setting][]) {
      merged[key] ??= setting;
    }
  }
  return merged;
}

// ---------------------------------------------------------------------------------------
// Checks of single values

/** Control characters in a secret are a paste accident (a line break), never a token. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function checkAccessToken(setting: Setting): string {
  const token = setting.value;
  // Never quote the token itself: messages end up in logs and bug reports.
  if (token.trim() === '') throw new ConfigError('the access token is empty', setting.where);
  if (token.length > MAX_ACCESS_TOKEN_LENGTH) {
    throw new ConfigError(
      `the access token is ${token.length} characters long; at most ${MAX_ACCESS_TOKEN_LENGTH} are allowed`,
      setting.where,
    );
  }
  if (CONTROL_CHARACTERS.test(token)) {
    throw new ConfigError(
      'the access token holds a control character (a pasted line break?); give the token alone',
      setting.where,
    );
  }
  return token;
}

function checkClientToken(setting: Setting): string {
  if (!CLIENT_TOKEN_PATTERN.test(setting.value)) {
    throw new ConfigError(
      `the client token (${setting.value.length} characters) is not valid; a client token is 32 to 128 letters, digits or "-" (or leave it out and one is generated)`,
      setting.where,
    );
  }
  return setting.value;
}

function checkRegion(setting: Setting): ServiceEndpoint {
  return parseRegionEndpoint(setting.value, setting.where, setting.origin);
}

function checkVerbosity(setting: Setting | undefined): LogLevel {
  if (!setting) return DEFAULT_LOG_LEVEL;
  const text = setting.value.trim();
  const level = /^[0-9]{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(level >= 0 && level <= 255)) {
    throw new ConfigError(
      `"${setting.value}" is not a log level; a level is 0 to 255: 0 off, 1 fatal, 2 error, 3 warning, 4 info, 5 debug, 6 or more trace`,
      setting.where,
    );
  }
  return toLogLevel(level);
}

function checkMode(setting: Setting): ProxyMode {
  switch (setting.value.trim()) {
    case 'src':
    case 'source':
      return 'source';
    case 'dst':
    case 'destination':
      return 'destination';
    default:
      throw new ConfigError(
        `"${setting.value}" is not a mode; the modes are src, source, dst and destination`,
        setting.where,
      );
  }
}

function checkPeerVersion(setting: Setting): ProtocolVersion {
  const version = setting.value.trim().toUpperCase();
  if (version === 'V1' || version === 'V2' || version === 'V3') return version;
  // The reference warns and carries on with V3; a typo there only shows up as a tunnel
  // that never passes data, so it is refused here.
  throw new ConfigError(
    `"${setting.value}" is not a client type; write V1 or V2 for an older destination, or V3 (the default)`,
    setting.where,
  );
}

function checkSendOrder(setting: Setting): SendOrder {
  const order = setting.value.trim().toLowerCase();
  if ((SEND_ORDERS as readonly string[]).includes(order)) return order as SendOrder;
  throw new ConfigError(
    `"${setting.value}" is not a send order; write fair (the default) or arrival`,
    setting.where,
  );
}

function checkMaxConnections(setting: Setting): number {
  const text = setting.value.trim();
  const value = /^[0-9]{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= MAX_CONNECTIONS_LIMIT)) {
    throw new ConfigError(
      `"${setting.value}" is not a number of connections; give 1 to ${MAX_CONNECTIONS_LIMIT}`,
      setting.where,
    );
  }
  return value;
}

function checkBindAddress(setting: Setting): string {
  return parseBindAddress(setting.value, setting.where);
}

function checkPath(setting: Setting, cwd: string): string {
  const path = setting.value.trim();
  if (path === '' || path.length > MAX_PATH_LENGTH || path.includes('\0')) {
    throw new ConfigError(
      `"${setting.value}" is not a usable path; give a directory or file name`,
      setting.where,
    );
  }
  return resolve(cwd, path);
}

// ---------------------------------------------------------------------------------------
// The whole configuration

/** Checks the settings together, in the reference's order, and builds the config. */
function buildConfig(settings: Settings, cwd: string): { config: ProxyConfig; warnings: string[] } {
  const warnings: string[] = [];
  const logLevel = checkVerbosity(settings.verbose);
  const settingsFile = settings['settings-json'];
  const fine: ReferenceSettings | undefined = settingsFile
    ? readSettingsFile(checkPath(settingsFile, cwd), settingsFile.where)
    : undefined;

  const access = settings['access-token'];
  if (!access) {
    throw new ConfigError(
      `no access token: set the ${ACCESS_TOKEN_ENV} environment variable (recommended), ` +
        'or write "access-token = ..." in a --config file, or give -t/--access-token',
    );
  }

  const region = settings.region;
  const explicit = settings['proxy-endpoint'];
  if (region && explicit) {
    throw new ConfigError(
      `give one of -e/--proxy-endpoint and -r/--region, not both (${ENDPOINT_ENV} and ${REGION_ENV} count too): ` +
        `found ${explicit.origin} and ${region.origin}`,
    );
  }
  if (!region && !explicit) {
    throw new ConfigError(
      'no tunnel endpoint: give -r/--region (e.g. -r us-east-1) or -e/--proxy-endpoint HOST[:PORT], ' +
        `or set ${REGION_ENV} or ${ENDPOINT_ENV}`,
    );
  }

  if (access.from === 'cli') {
    warnings.push(
      `the access token was given with -t/--access-token, where other users can see it and it stays in shell history; set ${ACCESS_TOKEN_ENV} instead`,
    );
  }
  const accessToken = checkAccessToken(access);
  const client = settings['client-token'];
  const clientToken = client ? checkClientToken(client) : randomUUID();

  const endpoint = explicit
    ? parseServiceEndpoint(explicit.value, explicit.where, explicit.origin)
    : regionEndpointOf(checkRegion(region!), region!.value.trim(), fine);

  const source = settings['source-listen-port'];
  const destination = settings['destination-app'];
  const modeSetting = settings.mode;
  const chosenMode = modeSetting ? checkMode(modeSetting) : undefined;
  if (source && destination) {
    throw new ConfigError(
      `give one of -s/--source-listen-port and -d/--destination-app, not both: -s makes a source proxy, -d a destination (found ${source.origin} and ${destination.origin})`,
    );
  }
  if (!source && !destination && !modeSetting) {
    throw new ConfigError(
      'say which end of the tunnel this is: -s SERVICE=PORT,... (source), -d SERVICE=HOST:PORT,... (destination), or -m src|dst',
    );
  }
  if (source && chosenMode === 'destination') {
    throw new ConfigError(
      `-s/--source-listen-port makes a source proxy, but ${modeSetting!.origin} says destination; drop one`,
    );
  }
  if (destination && chosenMode === 'source') {
    throw new ConfigError(
      `-d/--destination-app makes a destination proxy, but ${modeSetting!.origin} says source; drop one`,
    );
  }
  const mode: ProxyMode = chosenMode ?? (destination ? 'destination' : 'source');

  const typeSetting = settings['destination-client-type'];
  const peerVersion = typeSetting
    ? checkPeerVersion(typeSetting)
    : mode === 'source'
      ? (fine?.peerVersion ?? 'V3')
      : 'V3';
  if (fine?.peerVersion && typeSetting && fine.peerVersion !== peerVersion) {
    throw new ConfigError(
      `${typeSetting.origin} says ${peerVersion}, but websocket.subprotocol in --settings-json says ${fine.peerVersion}; drop one`,
    );
  }
  if (fine?.peerVersion && fine.peerVersion !== 'V3' && mode === 'destination') {
    throw new ConfigError(
      'websocket.subprotocol in --settings-json names an older version, but a destination takes the version the source offers; leave it at aws.iot.securetunneling-3.0',
    );
  }
  const listenRetry = fine?.tuning.listenRetry;
  if (
    listenRetry &&
    mode === 'destination' &&
    (listenRetry.count !== DEFAULT_TUNING.listenRetry.count ||
      listenRetry.delayMs !== DEFAULT_TUNING.listenRetry.delayMs)
  ) {
    // The reference also retries a destination's connect to its target with these; ours
    // answers the source with a reset at once (its client may connect again), so a changed
    // value would be ignored in silence.
    throw new ConfigError(
      `tcp.connection_retry_count and tcp.connection_retry_delay_ms in --settings-json have no meaning for a destination here (it does not retry connecting to its targets: the source's client gets a reset at once and may connect again); leave them out, or at ${DEFAULT_TUNING.listenRetry.count} and ${DEFAULT_TUNING.listenRetry.delayMs}`,
    );
  }
  if (typeSetting && mode === 'destination') {
    throw new ConfigError(
      '-y/--destination-client-type only applies to a source proxy (it names the version of the destination); a destination takes the version the source offers',
      typeSetting.where,
    );
  }

  let mappings: SourceMappings | DestinationMappings;
  if (mode === 'source') {
    const bindings = source
      ? parseSourceBindings(source.value, source.where)
      : { ports: new Map<string, number>() };
    const ports = bindings.ports;
    const mapped = ports.size + (bindings.stdio === undefined ? 0 : 1);
    if (peerVersion === 'V1' && mapped > 1) {
      throw new ConfigError(
        `a V1 destination (-y V1) carries a single service, but ${source!.origin} maps ${mapped}; map one port`,
      );
    }
    mappings =
      bindings.stdio === undefined
        ? { mode: 'source', ports }
        : { mode: 'source', ports, stdio: bindings.stdio };
  } else {
    const targets = destination
      ? parseDestinationMappings(destination.value, destination.where)
      : new Map();
    mappings = { mode: 'destination', targets };
  }

  const dir = settings['config-dir'];
  const mappingFiles = resolveMappingFiles(dir?.value, cwd, dir?.where);
  if (mode === 'destination' && !destination && mappingFiles.length === 0) {
    // The reference finds out only after connecting; nothing can work without targets.
    throw new ConfigError(
      'a destination needs to know where each service goes: give -d SERVICE=HOST:PORT,... or a --config-dir of mapping files (./config is absent or empty)',
    );
  }

  const bind = settings['local-bind-address'];
  const caPath = settings.capath;
  const order = settings['send-order'];
  const maxConnections = settings['max-connections'];
  const noVerify = settings['no-ssl-host-verify']?.value === 'true';

  const config: ProxyConfig = {
    mode,
    accessToken,
    clientToken,
    clientTokenGenerated: !client,
    endpoint,
    tls: caPath ? { verify: !noVerify, caPath: checkPath(caPath, cwd) } : { verify: !noVerify },
    ...(bind
      ? { bindAddress: checkBindAddress(bind) }
      : fine?.defaultBindAddress && mode === 'source'
        ? {
            bindAddress: parseBindAddress(
              fine.defaultBindAddress,
              `${settingsFile!.where}: tunneling.proxy.default_bind_address`,
            ),
          }
        : {}),
    mappings,
    mappingFiles,
    peerVersion,
    logLevel,
    ...(order ? { sendOrder: checkSendOrder(order) } : {}),
    ...(maxConnections
      ? { maxConnectionsPerService: checkMaxConnections(maxConnections) }
      : fine?.maxActiveConnections
        ? { maxConnectionsPerService: fine.maxActiveConnections }
        : {}),
    // The reference's retries (tcp.*, websocket.*) unless the settings file says otherwise.
    tuning: { ...DEFAULT_TUNING, ...fine?.tuning },
  };
  return { config, warnings };
}

/**
 * Parses `tunneldesk proxy` arguments. `env` supplies the `AWSIOT_TUNNEL_*` variables and
 * `cwd` anchors relative paths (`--config`, `--config-dir`, `./config`, `-c`).
 *
 * @throws ConfigError for any usage mistake, with a message that says what is allowed.
 */
export function parseProxyArgs(
  argv: string[],
  env: Record<string, string | undefined>,
  cwd: string,
): ProxyParseResult {
  const program = buildCommand();
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw commanderProblem(error);
    throw error;
  }
  const options = program.opts<{
    help?: boolean;
    version?: boolean;
    config?: string;
    exportDefaultSettings?: string;
  }>();
  // Like the reference, -V, -h and --export-default-settings stop before any other check.
  if (options.version) return { kind: 'version' };
  if (options.help) return { kind: 'help', text: renderProxyHelp() };
  if (options.exportDefaultSettings !== undefined) {
    const file = checkPath(
      {
        value: options.exportDefaultSettings,
        from: 'cli',
        where: '--export-default-settings',
        origin: '--export-default-settings',
      },
      cwd,
    );
    const text = defaultSettingsJson({
      bindAddress: '127.0.0.1',
      maxConnectionsPerService: DEFAULT_RESOURCE_LIMITS.maxConnectionsPerService,
    });
    return { kind: 'export-settings', file, text };
  }
  if (program.args.length > 0) {
    throw new ConfigError(
      `unexpected argument "${program.args[0]}": every value follows its flag, e.g. -r us-east-1 -s SSH1=5555`,
    );
  }
  const fromFile = options.config === undefined ? {} : readConfigFile(options.config, cwd);
  const settings = merge(settingsFromCommand(program), fromFile, settingsFromEnv(env));
  const { config, warnings } = buildConfig(settings, cwd);
  const webProxy = checkWebProxy(env);
  return { kind: 'run', config, warnings, ...(webProxy ? { webProxy } : {}) };
}

/** The web proxy of the environment, checked before anything opens (the reference's check). */
function checkWebProxy(env: Record<string, string | undefined>): WebProxy | undefined {
  try {
    return webProxyOfEnv(env);
  } catch (error) {
    if (error instanceof WebProxyError) throw new ConfigError(error.problem, error.variable);
    throw error;
  }
}

/** The help of `tunneldesk proxy`: every flag, then where else options come from. */
export function renderProxyHelp(): string {
  return (
    buildCommand().helpInformation() +
    `
When an option is set in several places, the command line wins over the --config file,
which wins over the environment: ${ACCESS_TOKEN_ENV}, ${CLIENT_TOKEN_ENV},
${ENDPOINT_ENV} and ${REGION_ENV}.

Examples:
  ${ACCESS_TOKEN_ENV}=... tunneldesk proxy -r us-east-1 -s SSH1=3333,HTTP1=5555
  ${ACCESS_TOKEN_ENV}=... tunneldesk proxy -r us-east-1 -d SSH1=22,HTTP1=10.0.0.1:80
`
  );
}
