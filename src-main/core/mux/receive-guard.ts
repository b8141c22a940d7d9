/**
 * The receive path's bookkeeping: how many bytes each local socket holds unwritten, whether
 * the tunnel must stop being read, and which connection to reset when waiting has lasted
 * too long (see limits.ts for the rules and why). It knows connections only through their
 * unwritten byte count, and acts through two hooks, so it is tested without sockets.
 *
 * The multiplexer reports a connection whenever its write buffer changes (a write queued or
 * completed) and forgets it when it ends; the guard keeps an exact total from those reports.
 */
import { ResourceLimitError, type ResourceLimits } from './limits.js';

export interface GuardedConnection {
  /** Bytes handed to the local socket and not yet written. */
  readonly bufferedBytes: number;
}

export interface ReceiveGuardHooks<C> {
  /** The tunnel must stop being read (true), or may be read again (false). */
  setTunnelPaused(paused: boolean): void;
  /** How many other connections share the tunnel with `connection` (they wait while it is paused). */
  othersOnTunnel(connection: C): number;
  /** `connection` broke a limit and must be reset; the guard has already forgotten it. */
  reset(connection: C, error: ResourceLimitError): void;
}

/** The clock and timers, injectable so that tests can drive them. */
export interface GuardTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: GuardTimers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A connection above the high mark: its stall timer, and when it last took any bytes. */
interface Congestion {
  timer: unknown;
  progressAt: number;
}

/** What the receive path holds, for snapshots. */
export interface ReceiveSnapshot {
  /** Bytes all local sockets hold unwritten now. */
  readonly bufferedBytes: number;
  /** The most they ever held at once. */
  readonly peakBufferedBytes: number;
  /** Whether the tunnel is not being read now. */
  readonly paused: boolean;
  /** Connections reset because they broke a limit. */
  readonly limitResets: number;
}

/**
 * Once above a mark, a buffer counts as full until it is this far below it again: the
 * tunnel resumes as soon as a slow reader has taken a little, so that it is read (pongs
 * included) in between, without pausing and resuming on every 16 KiB write.
 */
function resumeMark(limit: number): number {
  return limit - Math.min(Math.floor(limit / 4), 64 * 1024);
}

export class ReceiveGuard<C extends GuardedConnection> {
  /** Connections holding unwritten bytes, with the count last reported. */
  private readonly holding = new Map<C, number>();
  /** Connections above the high mark. */
  private readonly congested = new Map<C, Congestion>();
  private total = 0;
  private peak = 0;
  private resets = 0;
  private tunnelFullTimer: unknown;
  private paused = false;

  constructor(
    private readonly limits: ResourceLimits,
    private readonly hooks: ReceiveGuardHooks<C>,
    private readonly timers: GuardTimers = realTimers,
  ) {}

  get bufferedBytes(): number {
    return this.total;
  }

  /** Whether a connection holds the tunnel paused now. */
  isCongested(connection: C): boolean {
    return this.congested.has(connection);
  }

  snapshot(): ReceiveSnapshot {
    return {
      bufferedBytes: this.total,
      peakBufferedBytes: this.peak,
      paused: this.paused,
      limitResets: this.resets,
    };
  }

  /** The connection's write buffer changed: recount, pause or resume, reset if it overflows. */
  update(connection: C): void {
    const bytes = connection.bufferedBytes;
    const before = this.holding.get(connection) ?? 0;
    if (bytes === before) return;
    this.total += bytes - before;
    if (bytes === 0) this.holding.delete(connection);
    else this.holding.set(connection, bytes);
    if (this.total > this.peak) this.peak = this.total;
    const { maxWriteBufferBytes, maxConnectionBufferBytes, stallTimeoutMs } = this.limits;
    if (bytes > maxConnectionBufferBytes) {
      this.fail(
        connection,
        new ResourceLimitError(
          'connection-buffer-full',
          `its local socket holds ${bytes} unwritten bytes, over the limit of ${maxConnectionBufferBytes}`,
        ),
      );
      return;
    }
    const congestion = this.congested.get(connection);
    if (congestion && bytes < before) congestion.progressAt = this.timers.now();
    if (bytes > maxWriteBufferBytes) {
      if (!congestion) {
        this.congested.set(connection, {
          timer: this.timers.setTimeout(() => this.stalled(connection), stallTimeoutMs),
          progressAt: this.timers.now(),
        });
      }
    } else if (congestion && bytes <= resumeMark(maxWriteBufferBytes)) {
      this.timers.clearTimeout(congestion.timer);
      this.congested.delete(connection);
    }
    this.checkTunnel();
  }

  /** The connection ended (or is ending without us): its bytes no longer count. */
  forget(connection: C): void {
    const bytes = this.holding.get(connection);
    if (bytes !== undefined) {
      this.total -= bytes;
      this.holding.delete(connection);
    }
    const congestion = this.congested.get(connection);
    if (congestion) {
      this.timers.clearTimeout(congestion.timer);
      this.congested.delete(connection);
    }
    this.checkTunnel();
  }

  /** The tunnel is gone and every connection with it: start afresh (not paused). */
  clear(): void {
    for (const congestion of this.congested.values()) this.timers.clearTimeout(congestion.timer);
    this.congested.clear();
    this.holding.clear();
    this.total = 0;
    if (this.tunnelFullTimer !== undefined) this.timers.clearTimeout(this.tunnelFullTimer);
    this.tunnelFullTimer = undefined;
    this.paused = false;
  }

  /**
   * A connection has kept the tunnel paused for stallTimeoutMs. Sharing the tunnel, it is
   * reset: everyone else waited that long. Alone, pausing holds up nobody, so it may go on
   * as long as its peer keeps taking bytes (a slow reader; the kernel hands back socket
   * space in large steps, so progress comes in bursts); one that took nothing for
   * stallTimeoutMs has stopped reading, and is reset before the silent tunnel, which hears
   * no pong while paused, is taken for dead.
   */
  private stalled(connection: C): void {
    const congestion = this.congested.get(connection);
    if (!congestion) return;
    const { stallTimeoutMs } = this.limits;
    const others = this.hooks.othersOnTunnel(connection);
    const idle = this.timers.now() - congestion.progressAt;
    if (others === 0 && idle < stallTimeoutMs) {
      congestion.timer = this.timers.setTimeout(
        () => this.stalled(connection),
        Math.max(1, stallTimeoutMs - idle),
      );
      return;
    }
    const held = connection.bufferedBytes;
    this.fail(
      connection,
      new ResourceLimitError(
        'stalled',
        others === 0
          ? `its local peer took none of ${held} waiting bytes for ${stallTimeoutMs} ms (it stopped reading?)`
          : `its local peer took too little of ${held} waiting bytes for ${stallTimeoutMs} ms, while the tunnel, and ${others} other connection(s) on it, waited`,
      ),
    );
  }

  private fail(connection: C, error: ResourceLimitError): void {
    this.forget(connection);
    this.resets++;
    this.hooks.reset(connection, error);
  }

  private checkTunnel(): void {
    const { maxTunnelBufferBytes, stallTimeoutMs } = this.limits;
    if (this.tunnelFullTimer === undefined && this.total > maxTunnelBufferBytes) {
      this.tunnelFullTimer = this.timers.setTimeout(() => this.relieveTunnel(), stallTimeoutMs);
    } else if (
      this.tunnelFullTimer !== undefined &&
      this.total <= resumeMark(maxTunnelBufferBytes)
    ) {
      this.timers.clearTimeout(this.tunnelFullTimer);
      this.tunnelFullTimer = undefined;
    }
    const pause = this.congested.size > 0 || this.tunnelFullTimer !== undefined;
    if (pause === this.paused) return;
    this.paused = pause;
    this.hooks.setTunnelPaused(pause);
  }

  /**
   * The local sockets together held too much for too long: reset those holding the most
   * until the total is back under the mark, which frees their memory and lets the tunnel
   * be read again.
   */
  private relieveTunnel(): void {
    this.tunnelFullTimer = undefined;
    const mark = resumeMark(this.limits.maxTunnelBufferBytes);
    const largestFirst = [...this.holding].sort((a, b) => b[1] - a[1]);
    const total = this.total;
    for (const [connection, bytes] of largestFirst) {
      if (this.total <= mark) break;
      this.fail(
        connection,
        new ResourceLimitError(
          'tunnel-buffer-full',
          `the tunnel's local sockets held ${total} unwritten bytes (limit ${this.limits.maxTunnelBufferBytes}) for ${this.limits.stallTimeoutMs} ms, and this one held the most (${bytes})`,
        ),
      );
    }
    this.checkTunnel();
  }
}
