/**
 * How many bytes may be out of our hands: handed to the WebSocket but not yet known to have
 * reached the tunnel service. A pure estimator with an injected clock; TunnelWriter asks it
 * before every send and feeds it the pings and pongs.
 *
 * ## Why
 * Bytes handed to `ws` and the kernel leave in arrival order, and a capped tunnel (about
 * 800 KB/s) drains them slowly: the kernel alone will hold megabytes, which is seconds of
 * delay for a keystroke queued behind them. The fair scheduler can only order what it still
 * holds, so the queue outside it must stay small (a few tens of milliseconds of traffic),
 * yet large enough that a bulk transfer keeps the link full, whatever the link's speed.
 *
 * ## Signals (honest ones only)
 * - A WebSocket ping is queued behind every byte sent before it, and the service reads its
 *   socket in order, so the pong says the service has read at least those bytes. Each ping
 *   records `sent` (bytes handed over so far); its pong moves `delivered` up to that mark.
 *   Write callbacks are not used: they say the kernel took the bytes, not that they left.
 * - Delivery rate: `delivered` over time, sampled at each pong. The service reads in bursts
 *   (whole messages, then a pause: a capped one reads a burst and sleeps), so a sample must
 *   span at least `sampleBursts` times the largest delivery inside it, which bounds its
 *   error to 1/sampleBursts: short samples on a fast smooth link (the window grows within
 *   milliseconds), long ones on a slow bursty one. The highest sample of the last
 *   `rateWindowMs` is the estimate, so a pause in the sender's own data (a sample spanning
 *   an idle spell reads low) does not read as a slower link.
 * - Minimum round trip: the lowest ping round trip of the last `minRttWindowMs`. Under load
 *   a ping waits behind our own queue, so a fresh minimum needs an empty pipe: when the
 *   minimum is stale the writer lets what is in flight drain and pings before sending
 *   again (BBR's ProbeRTT, at the cost of about one round trip every ten seconds).
 *
 * ## The window
 * `in flight = sent - delivered` may grow to
 *
 *     rate x (minRtt + pingSpacing + queueTarget)
 *
 * a round trip of data keeps the link busy, a ping interval covers the bytes whose
 * delivery we only learn of at the next pong, and queueTarget (30 ms) is the standing queue
 * we accept, which also lets the window grow: a link faster than the estimate delivers more
 * than `rate` per round and raises it. At 800 KB/s and 1 ms that is about 41 KB, 50 ms of
 * queue. It is never above `ceilingBytes` (memory on fast links), and never below
 * `floorBytes` (64 KiB) while the window has not held the sender back lately, so that a
 * fresh or idle tunnel starts at once; once it has, the measured formula rules, down to
 * `minWindowBytes`. A small piece (a keystroke, a reset) may exceed the window by
 * `headroomBytes`, so that it need not wait for the next pong. While data is in flight the
 * writer pings every `pingSpacingMs`, or sooner after a quarter of the window; a ping is a
 * few bytes. (The writer also keeps at most 2 MiB waiting in Node's socket stream: that is
 * memory, not pacing; see TunnelWriterOptions.maxUnwrittenBytes.)
 */
export interface DeliveryWindowOptions {
  /**
   * The least the window is while the sender has not been held back by it lately: a fresh
   * or idle tunnel sends this much at once, before any estimate exists.
   */
  floorBytes: number;
  /** The least it ever is, once the window is what limits the sender (a busy tunnel). */
  minWindowBytes: number;
  /** The most: bounds the memory held by the WebSocket and kernel on fast links. */
  ceilingBytes: number;
  /** The standing queue outside the scheduler we accept, in milliseconds of traffic. */
  queueTargetMs: number;
  /** Ping at least this often while bytes are in flight. */
  pingSpacingMs: number;
  /** Pongs this close together count as one delivery (they came in one read). */
  ackMergeMs: number;
  /**
   * A delivery-rate sample covers at least this many times the largest single delivery in
   * it, so that a burst read (the service reads whole messages, then waits) errs by at most
   * 1/sampleBursts. Fast links get short samples, bursty ones long samples.
   */
  sampleBursts: number;
  /** The rate estimate is the highest sample this recent. */
  rateWindowMs: number;
  /** The minimum round trip is refreshed (by draining) when older than this. */
  minRttWindowMs: number;
  /** Pieces up to this size may use the headroom. */
  smallPieceBytes: number;
  /** How far small pieces may go over the window. */
  headroomBytes: number;
  /** Pings awaiting their pong at most; more would say nothing new. */
  maxPingsInFlight: number;
}

export const DEFAULT_WINDOW_OPTIONS: DeliveryWindowOptions = {
  floorBytes: 64 * 1024,
  minWindowBytes: 16 * 1024,
  ceilingBytes: 16 * 1024 * 1024,
  queueTargetMs: 30,
  pingSpacingMs: 20,
  ackMergeMs: 2,
  sampleBursts: 8,
  rateWindowMs: 1_000,
  minRttWindowMs: 10_000,
  smallPieceBytes: 2 * 1024,
  headroomBytes: 16 * 1024,
  maxPingsInFlight: 32,
};

/** One ping on its way: what it tells us when its pong comes back. */
export interface PingRecord {
  /** Bytes sent before the ping: delivered once the pong arrives. */
  readonly mark: number;
  readonly at: number;
  /** Sent with nothing in flight: its round trip is the path's own, without our queue. */
  readonly clean: boolean;
}

export class DeliveryWindow {
  private sent = 0;
  private delivered = 0;
  private lastPingMark = 0;
  private lastPingAt = Number.NEGATIVE_INFINITY;
  private pingsOut = 0;
  /** Pongs of the last rateWindowMs (close ones merged): the bases of rate samples. */
  private readonly acks: { at: number; delivered: number }[] = [];
  /** Rate samples in decreasing order of rate (a windowed-max deque). */
  private samples: { at: number; rate: number }[] = [];
  private minRtt = Number.POSITIVE_INFINITY;
  private minRttAt = Number.NEGATIVE_INFINITY;
  /** A clean ping is out to refresh the minimum round trip. */
  private probing = false;
  /** When the window last held a send back. */
  private limitedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly options: DeliveryWindowOptions = DEFAULT_WINDOW_OPTIONS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Sent and not yet known to be delivered. */
  get inflightBytes(): number {
    return this.sent - this.delivered;
  }

  /** Bytes per second, from the best recent sample (0 before any). */
  get rateBytesPerSecond(): number {
    return this.rate(this.now()) * 1000;
  }

  /** The lowest recent ping round trip, ms (Infinity before any). */
  get minRttMs(): number {
    return this.minRtt;
  }

  /** How many bytes may be in flight now. */
  get windowBytes(): number {
    const { floorBytes, minWindowBytes, ceilingBytes, pingSpacingMs, queueTargetMs } = this.options;
    const now = this.now();
    const rate = this.rate(now);
    if (rate === 0 || this.minRtt === Number.POSITIVE_INFINITY) return floorBytes;
    // The floor is for starting: once the window is what holds the sender back, the
    // estimate is measured at full load and the formula alone says what the link needs.
    const least = now - this.limitedAt <= this.options.rateWindowMs ? minWindowBytes : floorBytes;
    const bytes = rate * (this.minRtt + pingSpacingMs + queueTargetMs);
    return Math.min(ceilingBytes, Math.max(least, bytes));
  }

  /**
   * Whether `bytes` more may go now. Something may always go when nothing is in flight,
   * and nothing while the pipe drains for a round-trip sample.
   */
  allows(bytes: number): boolean {
    const inflight = this.inflightBytes;
    if (inflight === 0) return true;
    if (this.rttStale()) return false;
    const window = this.windowBytes;
    if (inflight + bytes <= window) return true;
    if (
      bytes <= this.options.smallPieceBytes &&
      inflight + bytes <= window + this.options.headroomBytes
    ) {
      return true;
    }
    this.limitedAt = this.now();
    return false;
  }

  /** Bytes were handed to the WebSocket. */
  onSent(bytes: number): void {
    this.sent += bytes;
  }

  /** Nothing is in flight and the minimum round trip is stale: ping before sending. */
  get cleanPingDue(): boolean {
    return this.inflightBytes === 0 && this.rttStale();
  }

  /**
   * When to ping next: 0 for now, a delay in ms, or undefined when no ping is needed (every
   * byte sent is behind a ping already, or enough pings are out and a pong will ask again).
   */
  pingDue(): number | undefined {
    if (this.sent === this.lastPingMark || this.pingsOut >= this.options.maxPingsInFlight) {
      return undefined;
    }
    if (this.sent - this.lastPingMark >= this.windowBytes / 4) return 0;
    return Math.max(0, this.lastPingAt + this.options.pingSpacingMs - this.now());
  }

  /** A ping was sent now, behind every byte sent so far; hand the record back on its pong. */
  pingSent(): PingRecord {
    const clean = this.inflightBytes === 0;
    if (clean && this.rttStale()) this.probing = true;
    const record = { mark: this.sent, at: this.now(), clean };
    this.lastPingMark = this.sent;
    this.lastPingAt = record.at;
    this.pingsOut++;
    return record;
  }

  /** The pong of a ping came back: the service has read everything sent before it. */
  pongReceived(record: PingRecord): void {
    const now = this.now();
    this.pingsOut = Math.max(0, this.pingsOut - 1);
    if (record.mark > this.delivered) this.delivered = record.mark;
    const rtt = now - record.at;
    if (rtt <= this.minRtt || (record.clean && this.probing)) {
      this.minRtt = rtt;
      this.minRttAt = now;
    }
    if (record.clean) this.probing = false;
    this.sampleRate(now);
  }

  /** A new connection: nothing known about it yet. */
  reset(): void {
    this.sent = 0;
    this.delivered = 0;
    this.lastPingMark = 0;
    this.lastPingAt = Number.NEGATIVE_INFINITY;
    this.pingsOut = 0;
    this.acks.length = 0;
    this.samples = [];
    this.minRtt = Number.POSITIVE_INFINITY;
    this.minRttAt = Number.NEGATIVE_INFINITY;
    this.probing = false;
    this.limitedAt = Number.NEGATIVE_INFINITY;
  }

  private rttStale(): boolean {
    return !this.probing && this.now() - this.minRttAt > this.options.minRttWindowMs;
  }

  private sampleRate(now: number): void {
    const acks = this.acks;
    const last = acks[acks.length - 1];
    if (last && now - last.at <= this.options.ackMergeMs) {
      last.delivered = this.delivered; // the same read: one delivery, not two
    } else {
      acks.push({ at: now, delivered: this.delivered });
    }
    while (acks.length > 1 && acks[0]!.at < now - this.options.rateWindowMs) acks.shift();
    // The shortest span back from now that holds sampleBursts times its largest delivery.
    let largest = 0;
    for (let i = acks.length - 1; i > 0; i--) {
      const base = acks[i - 1]!;
      largest = Math.max(largest, acks[i]!.delivered - base.delivered);
      const bytes = this.delivered - base.delivered;
      if (bytes > 0 && bytes >= this.options.sampleBursts * largest) {
        this.addSample(now, bytes / (now - base.at));
        return;
      }
    }
  }

  private addSample(now: number, rate: number): void {
    // A windowed maximum: samples that a newer, higher one dominates can never be the max.
    while (this.samples.length > 0 && this.samples[this.samples.length - 1]!.rate <= rate) {
      this.samples.pop();
    }
    this.samples.push({ at: now, rate });
  }

  /** Bytes per millisecond: the best sample of the last rateWindowMs. */
  private rate(now: number): number {
    const oldest = now - this.options.rateWindowMs;
    while (this.samples.length > 0 && this.samples[0]!.at < oldest) this.samples.shift();
    return this.samples[0]?.rate ?? 0;
  }
}
