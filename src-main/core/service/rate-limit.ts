/**
 * The bandwidth cap of a real tunnel (about 800 KB/s per direction), emulated the way a
 * capped service behaves: it reads slower. A token bucket says how long to stop reading
 * after each message, so the sender meets TCP backpressure, not dropped bytes.
 */
export class ReadRateLimit {
  private tokens: number;
  private last: number;

  constructor(
    /** Bytes per second. */
    readonly bytesPerSecond: number,
    /** The burst allowed after a quiet spell: 50 ms of traffic, as a paced link would allow. */
    private readonly burstBytes = Math.max(16 * 1024, bytesPerSecond / 20),
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burstBytes;
    this.last = now();
  }

  /** Takes `bytes` read; returns how many ms to stop reading so the average stays at the cap. */
  consume(bytes: number): number {
    const now = this.now();
    this.tokens = Math.min(
      this.burstBytes,
      this.tokens + ((now - this.last) * this.bytesPerSecond) / 1000,
    );
    this.last = now;
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.bytesPerSecond;
  }
}
