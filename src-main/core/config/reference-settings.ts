/**
 * The reference localproxy's settings file (`--settings-json`, `--export-default-settings`):
 * its JSON shape (`tunneling.proxy.…`, values as boost writes them: strings, though numbers
 * and booleans are read too) and its keys. Each key either changes what it changes in the
 * reference, or has no meaning here and is accepted only at the value that changes nothing
 * (so a file the reference exported works here), any other value refused with the reason.
 * An unknown key or a value of the wrong type is an error naming the key.
 */
import { z } from 'zod';
import { SUBPROTOCOLS, type ProtocolVersion } from '../protocol/wire.js';
import { ConfigError, type ProxyTuning } from './proxy-config.js';

/** What a settings file says, in our terms. Absent fields: the file did not set them. */
export interface ReferenceSettings {
  /** `default_bind_address`: where a source listens when -b is not given. */
  readonly defaultBindAddress?: string;
  /** `endpoint_format`: the region's endpoint host, `%s` standing for the region. */
  readonly endpointFormat?: string;
  /** `region_endpoint_overrides`: region to endpoint (HOST[:PORT]). */
  readonly regionEndpoints: ReadonlyMap<string, string>;
  /** `tcp.max_active_connections`: local connections per service. */
  readonly maxActiveConnections?: number;
  /** `websocket.subprotocol`: the protocol version offered. */
  readonly peerVersion?: ProtocolVersion;
  readonly tuning: Partial<ProxyTuning>;
}

/** The reference's sizes, which mean nothing here: accepted at these values only. */
const FIXED_SIZES = {
  'message.data_length_size': [
    2,
    'the wire protocol fixes the length prefix of a frame at 2 bytes',
  ],
  'message.data_frame_max_size': [65538, 'the wire protocol fixes the largest frame'],
  'message.max_payload_size': [
    64512,
    'the protocol guide fixes the largest DATA payload at 63 KiB, which is what we send',
  ],
  'message.max_size': [65536, 'the wire protocol fixes the largest message'],
  'tcp.read_buffer_size': [
    131076,
    'Node sizes socket buffers itself; what we may hold is bounded by the limits in mux/limits.ts',
  ],
  'tcp.write_buffer_size': [
    131076,
    'Node sizes socket buffers itself; what we may hold is bounded by the limits in mux/limits.ts',
  ],
  'websocket.max_frame_size': [
    131076,
    'we take WebSocket messages up to the protocol guide’s 131,076 bytes',
  ],
  'websocket.write_buffer_size': [131076, 'Node and ws size the WebSocket buffers themselves'],
  'websocket.read_buffer_size': [131076, 'Node and ws size the WebSocket buffers themselves'],
} as const satisfies Record<string, readonly [number, string]>;

/** A whole number, as a JSON number or as boost writes it (a string of digits). */
const wholeNumber = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^\s*-?\d+\s*$/, 'a whole number')
    .transform(Number),
]);
const flag = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);
const text = z.string().min(1);

const settingsSchema = z.strictObject({
  tunneling: z
    .strictObject({
      proxy: z
        .strictObject({
          default_bind_address: text.optional(),
          endpoint_format: text.optional(),
          region_endpoint_overrides: z.record(z.string(), text).optional(),
          message: z
            .strictObject({
              data_length_size: wholeNumber.optional(),
              data_frame_max_size: wholeNumber.optional(),
              max_payload_size: wholeNumber.optional(),
              max_size: wholeNumber.optional(),
            })
            .optional(),
          tcp: z
            .strictObject({
              connection_retry_count: wholeNumber.optional(),
              connection_retry_delay_ms: wholeNumber.optional(),
              max_active_connections: wholeNumber.optional(),
              read_buffer_size: wholeNumber.optional(),
              write_buffer_size: wholeNumber.optional(),
            })
            .optional(),
          websocket: z
            .strictObject({
              ping_period_ms: wholeNumber.optional(),
              retry_delay_ms: wholeNumber.optional(),
              connect_retry_count: wholeNumber.optional(),
              reconnect_on_data_error: flag.optional(),
              subprotocol: text.optional(),
              max_frame_size: wholeNumber.optional(),
              write_buffer_size: wholeNumber.optional(),
              read_buffer_size: wholeNumber.optional(),
            })
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

type SettingsFile = z.infer<typeof settingsSchema>;

/** Our defaults, in the reference's shape: what --export-default-settings writes. */
export const DEFAULT_TUNING: ProxyTuning = {
  retryDelayMs: 2_500,
  connectRetryCount: 'forever',
  reconnectOnDataError: true,
  pingPeriodMs: 5_000,
  listenRetry: { count: 5, delayMs: 2_500 },
};

function keyPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** A number within bounds, or a ConfigError naming the key. */
function bounded(key: string, value: number, min: number, max: number, what: string): number {
  if (value < min || value > max) {
    throw new ConfigError(`${value} is out of range; ${what}`, key);
  }
  return value;
}

/**
 * Reads a settings file's text. `file` names it in messages.
 * @throws ConfigError naming the file and the key of any problem.
 */
export function parseReferenceSettings(json: string, file: string): ReferenceSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(
      `not JSON (${(error as Error).message}); write the shape --export-default-settings writes`,
      `--settings-json ${file}`,
    );
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
    const at = keyPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (at ? `${at}.${k}` : k)).join(', ');
      throw new ConfigError(
        `unknown key ${keys}; the keys are those of the reference localproxy's settings (--export-default-settings lists them)`,
        `--settings-json ${file}`,
      );
    }
    throw new ConfigError(
      `${at || 'the file'}: ${issue.message.replace(/^Invalid input: /, '')}`,
      `--settings-json ${file}`,
    );
  }
  return interpret(parsed.data, file);
}

function interpret(data: SettingsFile, file: string): ReferenceSettings {
  // boost fills every key the file leaves out with its default: an empty file is fine.
  const proxy = data.tunneling?.proxy ?? {};
  const where = (key: string): string => `--settings-json ${file}: tunneling.proxy.${key}`;
  const groups = {
    message: proxy.message ?? {},
    tcp: proxy.tcp ?? {},
    websocket: proxy.websocket ?? {},
  };
  for (const [key, [value, why]] of Object.entries(FIXED_SIZES)) {
    const [group, name] = key.split('.') as [keyof typeof groups, string];
    const given = (groups[group] as Record<string, number | undefined>)[name];
    if (given !== undefined && given !== value) {
      throw new ConfigError(
        `${given} has no meaning here (${why}); leave it out, or at ${value}`,
        where(key),
      );
    }
  }
  const { tcp, websocket } = groups;
  const tuning: { -readonly [K in keyof ProxyTuning]?: ProxyTuning[K] } = {};
  if (websocket.retry_delay_ms !== undefined) {
    tuning.retryDelayMs = bounded(
      where('websocket.retry_delay_ms'),
      websocket.retry_delay_ms,
      0,
      3_600_000,
      'give 0 to 3600000 ms',
    );
  }
  if (websocket.connect_retry_count !== undefined) {
    const count = bounded(
      where('websocket.connect_retry_count'),
      websocket.connect_retry_count,
      -1,
      2_147_483_647,
      'give -1 (retry forever) or a number of retries',
    );
    tuning.connectRetryCount = count < 0 ? 'forever' : count;
  }
  if (websocket.reconnect_on_data_error !== undefined) {
    tuning.reconnectOnDataError = websocket.reconnect_on_data_error;
  }
  if (websocket.ping_period_ms !== undefined) {
    tuning.pingPeriodMs = bounded(
      where('websocket.ping_period_ms'),
      websocket.ping_period_ms,
      100,
      3_600_000,
      'give 100 to 3600000 ms',
    );
  }
  if (tcp.connection_retry_count !== undefined || tcp.connection_retry_delay_ms !== undefined) {
    tuning.listenRetry = {
      count: bounded(
        where('tcp.connection_retry_count'),
        tcp.connection_retry_count ?? DEFAULT_TUNING.listenRetry.count,
        0,
        1_000_000,
        'give 0 or more retries (-1 has no meaning for a port in use: it would wait forever)',
      ),
      delayMs: bounded(
        where('tcp.connection_retry_delay_ms'),
        tcp.connection_retry_delay_ms ?? DEFAULT_TUNING.listenRetry.delayMs,
        0,
        3_600_000,
        'give 0 to 3600000 ms',
      ),
    };
  }
  let peerVersion: ProtocolVersion | undefined;
  if (websocket.subprotocol !== undefined) {
    const match = (Object.entries(SUBPROTOCOLS) as [ProtocolVersion, string][]).find(
      ([, name]) => name === websocket.subprotocol,
    );
    if (!match) {
      throw new ConfigError(
        `"${websocket.subprotocol}" is not a subprotocol of the tunnel service; give one of ${Object.values(SUBPROTOCOLS).join(', ')}`,
        where('websocket.subprotocol'),
      );
    }
    peerVersion = match[0];
  }
  let maxActiveConnections: number | undefined;
  if (tcp.max_active_connections !== undefined) {
    maxActiveConnections = bounded(
      where('tcp.max_active_connections'),
      tcp.max_active_connections,
      1,
      100_000,
      'give 1 to 100000 connections per service',
    );
  }
  if (proxy.endpoint_format !== undefined && proxy.endpoint_format.split('%s').length !== 2) {
    throw new ConfigError(
      `"${proxy.endpoint_format}" must hold %s once, where the region goes`,
      where('endpoint_format'),
    );
  }
  return {
    ...(proxy.default_bind_address === undefined
      ? {}
      : { defaultBindAddress: proxy.default_bind_address }),
    ...(proxy.endpoint_format === undefined ? {} : { endpointFormat: proxy.endpoint_format }),
    regionEndpoints: new Map(Object.entries(proxy.region_endpoint_overrides ?? {})),
    ...(maxActiveConnections === undefined ? {} : { maxActiveConnections }),
    ...(peerVersion === undefined ? {} : { peerVersion }),
    tuning,
  };
}

/**
 * Our defaults in the reference's shape, every value a string as boost writes them, so
 * that the file works in either program.
 */
export function defaultSettingsJson(defaults: {
  bindAddress: string;
  maxConnectionsPerService: number;
}): string {
  const size = String(FIXED_SIZES['tcp.read_buffer_size'][0]);
  const file = {
    tunneling: {
      proxy: {
        default_bind_address: defaults.bindAddress,
        message: {
          data_length_size: String(FIXED_SIZES['message.data_length_size'][0]),
          data_frame_max_size: String(FIXED_SIZES['message.data_frame_max_size'][0]),
          max_payload_size: String(FIXED_SIZES['message.max_payload_size'][0]),
          max_size: String(FIXED_SIZES['message.max_size'][0]),
        },
        tcp: {
          connection_retry_count: String(DEFAULT_TUNING.listenRetry.count),
          connection_retry_delay_ms: String(DEFAULT_TUNING.listenRetry.delayMs),
          read_buffer_size: size,
          max_active_connections: String(defaults.maxConnectionsPerService),
        },
        websocket: {
          ping_period_ms: String(DEFAULT_TUNING.pingPeriodMs),
          retry_delay_ms: String(DEFAULT_TUNING.retryDelayMs),
          connect_retry_count: '-1',
          reconnect_on_data_error: String(DEFAULT_TUNING.reconnectOnDataError),
          subprotocol: SUBPROTOCOLS.V3,
          max_frame_size: size,
          write_buffer_size: size,
          read_buffer_size: size,
        },
        region_endpoint_overrides: {
          'cn-north-1': 'data.tunneling.iot.cn-north-1.amazonaws.com.cn',
          'cn-northwest-1': 'data.tunneling.iot.cn-northwest-1.amazonaws.com.cn',
        },
      },
    },
  };
  return JSON.stringify(file, null, 4) + '\n';
}
