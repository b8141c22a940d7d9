/**
 * What one multiplexer may hold on the receive path, and how many local connections it
 * carries. The protocol has no per-stream window: the only way to slow the peer down is to
 * stop reading the whole tunnel, which stalls every connection on it. So the limits below
 * bound how long one connection may do that, and how much memory it may take meanwhile.
 *
 * - Above `maxWriteBufferBytes` unwritten bytes, a local socket pauses the tunnel (briefly:
 *   a reader that is merely slower than the tunnel catches up and the tunnel resumes).
 * - A connection that keeps the tunnel paused for `stallTimeoutMs` is reset: its local peer
 *   stopped reading, and everyone else on the tunnel is waiting for it.
 * - A connection holding more than `maxConnectionBufferBytes` is reset at once (what was
 *   already read from the tunnel before the pause took hold can overshoot the high mark).
 * - All local sockets together may hold `maxTunnelBufferBytes`; above it the tunnel pauses,
 *   and if that lasts `stallTimeoutMs` the connections holding the most are reset.
 *
 * A reset is CONNECTION_RESET (V3) or STREAM_RESET (V1/V2, one connection per stream), as
 * the guide prescribes when a local connection ends.
 */
import { ConfigError } from '../config/proxy-config.js';

export interface ResourceLimits {
  /** High mark: unwritten bytes one local socket may hold before the tunnel stops being read. */
  maxWriteBufferBytes: number;
  /** Hard limit: a local socket holding more unwritten bytes than this is reset at once. */
  maxConnectionBufferBytes: number;
  /** Unwritten bytes of all local sockets together before the tunnel stops being read. */
  maxTunnelBufferBytes: number;
  /**
   * How long a connection (or the tunnel's total) may keep the tunnel from being read before
   * it is reset. Shorter than two ping periods: a tunnel not read for that long hears no
   * pong, and is taken for dead with every connection on it.
   */
  stallTimeoutMs: number;
  /** Local connections per service: accepted ones (source), or started by the peer (destination). */
  maxConnectionsPerService: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_RESOURCE_LIMITS: Readonly<ResourceLimits> = {
  maxWriteBufferBytes: 2 * MiB,
  maxConnectionBufferBytes: 8 * MiB,
  maxTunnelBufferBytes: 64 * MiB,
  stallTimeoutMs: 5_000,
  maxConnectionsPerService: 1_000,
};

/** The ping period when none is given (the reference pings every 20 s; see tunnel-connection.ts). */
export const DEFAULT_PING_INTERVAL_MS = 5_000;

/**
 * The limits for a proxy: the defaults with the given overrides (undefined ones ignored),
 * checked. Unless given, the stall timeout is at most one ping period, well inside the two
 * after which a tunnel that is not read would be taken for dead.
 */
export function resourceLimits(
  overrides: Partial<ResourceLimits> = {},
  pingIntervalMs: number = DEFAULT_PING_INTERVAL_MS,
): ResourceLimits {
  const limits: ResourceLimits = { ...DEFAULT_RESOURCE_LIMITS };
  for (const key of Object.keys(limits) as (keyof ResourceLimits)[]) {
    const value = overrides[key];
    if (value !== undefined) limits[key] = value;
  }
  if (overrides.stallTimeoutMs === undefined) {
    limits.stallTimeoutMs = Math.min(limits.stallTimeoutMs, pingIntervalMs);
  }
  verifyResourceLimits(limits, pingIntervalMs);
  return limits;
}

/**
 * Checks limits against each other and the ping period; a ConfigError names the field.
 * `pingIntervalMs` is the tunnel's keep-alive period (a stall must be shorter than two).
 */
export function verifyResourceLimits(limits: ResourceLimits, pingIntervalMs?: number): void {
  const positive: (keyof ResourceLimits)[] = [
    'maxWriteBufferBytes',
    'maxConnectionBufferBytes',
    'maxTunnelBufferBytes',
    'stallTimeoutMs',
    'maxConnectionsPerService',
  ];
  for (const field of positive) {
    const value = limits[field];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ConfigError(`must be a whole number of at least 1, got ${value}`, field);
    }
  }
  if (limits.maxConnectionBufferBytes < limits.maxWriteBufferBytes) {
    throw new ConfigError(
      `(${limits.maxConnectionBufferBytes}) must be at least maxWriteBufferBytes (${limits.maxWriteBufferBytes}): the hard limit sits above the high mark`,
      'maxConnectionBufferBytes',
    );
  }
  if (limits.maxTunnelBufferBytes < limits.maxWriteBufferBytes) {
    throw new ConfigError(
      `(${limits.maxTunnelBufferBytes}) must be at least maxWriteBufferBytes (${limits.maxWriteBufferBytes})`,
      'maxTunnelBufferBytes',
    );
  }
  if (pingIntervalMs !== undefined && limits.stallTimeoutMs >= 2 * pingIntervalMs) {
    throw new ConfigError(
      `(${limits.stallTimeoutMs} ms) must be shorter than two ping periods (${2 * pingIntervalMs} ms): a tunnel not read that long hears no pong and is taken for dead`,
      'stallTimeoutMs',
    );
  }
}

/** Why a local connection was reset to protect the rest of the tunnel. */
export type ResourceLimitCode =
  /** It kept the tunnel paused for stallTimeoutMs: its local peer stopped reading. */
  | 'stalled'
  /** It held more than maxConnectionBufferBytes unwritten. */
  | 'connection-buffer-full'
  /** The tunnel's local sockets held more than maxTunnelBufferBytes for stallTimeoutMs. */
  | 'tunnel-buffer-full'
  /** The service already carries maxConnectionsPerService connections. */
  | 'too-many-connections';

/**
 * A limit a local connection broke. Its consequence is always the reset of that one
 * connection (CONNECTION_RESET, or STREAM_RESET for a V1/V2 peer); the tunnel goes on.
 */
export class ResourceLimitError extends Error {
  override readonly name = 'ResourceLimitError';
  readonly consequence = 'reset-connection' as const;
  constructor(
    readonly code: ResourceLimitCode,
    message: string,
  ) {
    super(message);
  }
}
