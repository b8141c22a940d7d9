/**
 * Traffic counters. "In" is tunnel to local socket, "out" is local socket to tunnel, from
 * the point of view of the proxy that keeps them. Plain mutable numbers: they are bumped on
 * the hot path, and snapshots copy them out.
 */
export interface Counters {
  bytesIn: number;
  bytesOut: number;
  framesIn: number;
  framesOut: number;
}

export function newCounters(): Counters {
  return { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0 };
}

/** Bytes per second each way, measured between two snapshots. */
export interface Rates {
  bytesInPerSecond: number;
  bytesOutPerSecond: number;
}

/**
 * Turns cumulative counters into rates: each key remembers its last reading, so the rate is
 * over the interval between two snapshots whatever the caller's polling period.
 */
export class RateMeter {
  private readonly last = new Map<
    string,
    { at: number; bytesIn: number; bytesOut: number; rates: Rates }
  >();

  constructor(private readonly minIntervalMs = 200) {}

  rate(key: string, counters: Counters, now: number): Rates {
    const previous = this.last.get(key);
    if (!previous) {
      const rates = { bytesInPerSecond: 0, bytesOutPerSecond: 0 };
      this.last.set(key, {
        at: now,
        bytesIn: counters.bytesIn,
        bytesOut: counters.bytesOut,
        rates,
      });
      return rates;
    }
    const elapsed = now - previous.at;
    if (elapsed < this.minIntervalMs) return previous.rates;
    const rates = {
      bytesInPerSecond: ((counters.bytesIn - previous.bytesIn) * 1000) / elapsed,
      bytesOutPerSecond: ((counters.bytesOut - previous.bytesOut) * 1000) / elapsed,
    };
    this.last.set(key, { at: now, bytesIn: counters.bytesIn, bytesOut: counters.bytesOut, rates });
    return rates;
  }

  /** Forgets keys not seen in the latest snapshot (closed connections). */
  retain(keys: Set<string>): void {
    for (const key of this.last.keys()) if (!keys.has(key)) this.last.delete(key);
  }
}
