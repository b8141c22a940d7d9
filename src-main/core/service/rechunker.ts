/**
 * Re-chunks a byte stream at random WebSocket message sizes, as the real service may
 * (it aggregates and splits at will; only the tunnel frames inside are preserved). Bytes
 * pushed in one event-loop turn are joined, then cut at seeded random sizes, so a peer
 * sees frames split across messages and many frames in one message.
 */
import { MAX_WEBSOCKET_MESSAGE_BYTES } from '../protocol/wire.js';

/** A small seeded PRNG (mulberry32): the same seed cuts the same way, so a failure can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class Rechunker {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private readonly random: () => number;

  constructor(
    seed: number,
    /** Where each cut message goes. */
    private readonly emit: (message: Buffer) => void,
  ) {
    this.random = seededRandom(seed);
  }

  push(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Cuts everything pending into messages now. */
  flush(): void {
    this.scheduled = false;
    if (this.pendingBytes === 0) return;
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    for (let offset = 0; offset < all.length;) {
      const size = Math.min(this.nextSize(), all.length - offset);
      this.emit(all.subarray(offset, offset + size));
      offset += size;
    }
  }

  /** Mostly any size up to the limit, sometimes tiny (splitting length prefixes and headers). */
  private nextSize(): number {
    const r = this.random();
    if (r < 0.3) return 1 + Math.floor(this.random() * 96);
    return 1 + Math.floor(this.random() * MAX_WEBSOCKET_MESSAGE_BYTES);
  }
}
