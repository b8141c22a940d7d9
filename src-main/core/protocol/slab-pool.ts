/**
 * Slabs: big buffers that frames are cut from end to end, used again once everything cut
 * from them has been released, so that a steady stream costs no allocation (fresh buffers
 * at hundreds of MB/s keep V8's collector busy, and that costs more than a copy). The
 * receive side (FrameDecoder) and the send side (FrameArena) share this bookkeeping; each
 * decides what it cuts and counts in its own unit (frames or bytes).
 */

export class Slab {
  /** Bytes cut from the start of `buffer` so far. */
  used = 0;
  /** What is cut from this slab and not yet released, in the owner's unit. */
  held = 0;
  /** No longer the slab new frames are cut from: it is recycled once nothing is held. */
  retired = false;
  constructor(readonly buffer: Buffer) {}
}

export class SlabPool {
  private slab: Slab | undefined;
  private readonly spare: Slab[] = [];
  /** The slab of each buffer, by its memory, to find it from any view of it. */
  private readonly slabOf = new WeakMap<ArrayBufferLike, Slab>();

  /** `maxSpare`: released slabs kept for reuse; beyond that they go to the collector. */
  constructor(
    private readonly slabBytes: number,
    private readonly maxSpare: number,
  ) {}

  /** The slab frames are being cut from, if any. */
  get current(): Slab | undefined {
    return this.slab;
  }

  /** Retires the current slab (recycled once nothing cut from it is held) for another. */
  next(): Slab {
    const old = this.slab;
    if (old) {
      old.retired = true;
      if (old.held === 0) this.recycle(old);
    }
    let slab = this.spare.pop();
    if (!slab) {
      // Its own memory (never Node's shared pool), so that `find` can tell it by that.
      slab = new Slab(Buffer.allocUnsafeSlow(this.slabBytes));
      this.slabOf.set(slab.buffer.buffer, slab);
    }
    this.slab = slab;
    return slab;
  }

  /** The slab `view` was cut from, or undefined for a buffer the pool did not make. */
  find(view: Buffer): Slab | undefined {
    return this.slabOf.get(view.buffer);
  }

  /**
   * Hands back `amount` of what was cut from `slab`. Once nothing is held, a retired slab
   * goes back to the spares and the current one starts again from the top.
   */
  release(slab: Slab, amount: number): void {
    slab.held -= amount;
    if (slab.held > 0) return;
    if (slab.retired) this.recycle(slab);
    else slab.used = 0;
  }

  private recycle(slab: Slab): void {
    slab.retired = false;
    slab.used = 0;
    if (this.spare.length < this.maxSpare) this.spare.push(slab);
  }
}
