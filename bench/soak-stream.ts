/**
 * Byte streams any prefix of which can be checked: byte `i` of the stream at `offset` is
 * R[(offset + i) mod L] for one random buffer R of a prime length L, so no frame, chunk or
 * message size divides the period and a lost, doubled or reordered piece shows up as a
 * mismatch. Checking is a memcmp against R; counting the bad bytes happens only on a mismatch.
 */
import { randomBytes, randomInt } from 'node:crypto';

/** A prime just above 1 MiB. */
const L = 1_048_583;
const R = randomBytes(L);

/** A fresh place to start a stream. */
export function randomOffset(): number {
  return randomInt(L);
}

/** `length` bytes of the stream at `offset`, from byte `position` on. */
export function streamBytes(offset: number, position: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let at = (offset + position) % L;
  let filled = 0;
  while (filled < length) {
    const n = Math.min(length - filled, L - at);
    R.copy(out, filled, at, at + n);
    filled += n;
    at = 0;
  }
  return out;
}

/** Checks what arrives of one stream, in order, and counts the bytes that are wrong. */
export class StreamChecker {
  private position = 0;
  corrupted = 0;

  constructor(private readonly offset: number) {}

  /** Bytes received so far. */
  get received(): number {
    return this.position;
  }

  /** Checks the next chunk; returns how many of its bytes were wrong. */
  check(chunk: Buffer): number {
    let bad = 0;
    let done = 0;
    while (done < chunk.length) {
      const at = (this.offset + this.position + done) % L;
      const n = Math.min(chunk.length - done, L - at);
      const got = chunk.subarray(done, done + n);
      const want = R.subarray(at, at + n);
      if (!got.equals(want)) {
        for (let i = 0; i < n; i++) if (got[i] !== want[i]) bad++;
      }
      done += n;
    }
    this.position += chunk.length;
    this.corrupted += bad;
    return bad;
  }
}
