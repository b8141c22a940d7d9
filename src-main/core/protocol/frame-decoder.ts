/**
 * An incremental tunnel-frame decoder. WebSocket messages and tunnel frames are unrelated:
 * a frame may span messages and a message may hold many frames, so the decoder treats the
 * WebSocket payloads as one byte stream and yields whole frame bodies.
 *
 * push(): a frame that lies inside one chunk is handed out as a view of that chunk (no
 * copy); only a frame split across chunks is assembled in a buffer of its own.
 *
 * pushTransient(): the chunk is a read buffer that is reused once the call returns, so
 * every frame is copied into a slab, a big buffer the decoder cuts frames from. A slab is
 * used again once the consumer has released every frame cut from it, so a steady stream
 * costs no allocation at all: fresh buffers at hundreds of MB/s keep V8's collector busy,
 * and that costs more than the copy.
 */
import { ProtocolError } from './errors.js';
import { SlabPool, type Slab } from './slab-pool.js';
import { LENGTH_PREFIX_BYTES, MAX_FRAME_BODY_BYTES } from './wire.js';

/**
 * Called with each complete frame: the body (the Message bytes) and the whole frame with
 * its prefix. `release`, when given, hands the frame's memory back to the decoder: call it
 * once nothing reads `body`, `frame` or any view of them any more. Not calling it is safe
 * (the memory is then left to the garbage collector); calling it early is not.
 */
export type FrameHandler = (body: Buffer, frame: Buffer, release: (() => void) | undefined) => void;

/** Room for three frames of the largest size. */
const SLAB_BYTES = 256 * 1024;
/**
 * Released slabs kept for reuse: enough to cover what the local sockets may hold unwritten
 * before the tunnel stops being read (2 MiB by default), as their writes finish in bursts.
 */
const SPARE_SLABS = 12;

export class FrameDecoder {
  /** Bytes of an incomplete frame carried over from earlier chunks (prefix included). */
  private partial: Buffer | undefined;
  private partialFilled = 0;
  /** The slab `partial` was cut from, if it was. */
  private partialSlab: Slab | undefined;
  /** A lone first byte of a length prefix split across chunks. */
  private prefixHigh = -1;
  /** Slabs count the frames (and the partial frame) cut from them and not yet released. */
  private readonly slabs = new SlabPool(SLAB_BYTES, SPARE_SLABS);

  constructor(private readonly maxFrameBodyBytes: number = MAX_FRAME_BODY_BYTES) {}

  /** Bytes held back waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.prefixHigh >= 0 ? 1 : this.partialFilled;
  }

  /**
   * Feeds one chunk that stays valid after the call. Calls `onFrame` for every frame it
   * completes, in order. Throws a ProtocolError (`frame-too-large`) for a length beyond the
   * limit; the decoder is then unusable, as the stream has lost its framing.
   */
  push(chunk: Buffer, onFrame: FrameHandler): void {
    this.feed(chunk, onFrame, false);
  }

  /** Feeds one chunk that may be overwritten once the call returns; otherwise as push(). */
  pushTransient(chunk: Buffer, onFrame: FrameHandler): void {
    this.feed(chunk, onFrame, true);
  }

  /** Forgets any partial frame (after the WebSocket it belonged to is gone). */
  reset(): void {
    if (this.partialSlab) this.slabs.release(this.partialSlab, 1);
    this.partial = undefined;
    this.partialSlab = undefined;
    this.partialFilled = 0;
    this.prefixHigh = -1;
  }

  private feed(chunk: Buffer, onFrame: FrameHandler, transient: boolean): void {
    let offset = 0;
    if (this.prefixHigh >= 0) {
      if (chunk.length === 0) return;
      const length = (this.prefixHigh << 8) | chunk[0]!;
      this.prefixHigh = -1;
      this.startPartial(length, transient);
      this.partial![0] = length >>> 8;
      this.partial![1] = length & 0xff;
      this.partialFilled = LENGTH_PREFIX_BYTES;
      offset = 1;
    }
    if (this.partial) {
      const need = this.partial.length - this.partialFilled;
      const take = Math.min(need, chunk.length - offset);
      chunk.copy(this.partial, this.partialFilled, offset, offset + take);
      this.partialFilled += take;
      offset += take;
      if (this.partialFilled < this.partial.length) return;
      const frame = this.partial;
      const slab = this.partialSlab;
      this.partial = undefined;
      this.partialSlab = undefined;
      this.partialFilled = 0;
      onFrame(frame.subarray(LENGTH_PREFIX_BYTES), frame, slab && this.releaser(slab));
    }
    while (offset < chunk.length) {
      const remaining = chunk.length - offset;
      if (remaining < LENGTH_PREFIX_BYTES) {
        this.prefixHigh = chunk[offset]!;
        return;
      }
      const length = chunk.readUInt16BE(offset);
      this.checkLength(length);
      const end = offset + LENGTH_PREFIX_BYTES + length;
      if (end > chunk.length) {
        this.startPartial(length, transient);
        chunk.copy(this.partial!, 0, offset);
        this.partialFilled = remaining;
        return;
      }
      if (transient) {
        const slab = this.cut(end - offset);
        const frame = slab.buffer.subarray(slab.used - (end - offset), slab.used);
        chunk.copy(frame, 0, offset, end);
        onFrame(frame.subarray(LENGTH_PREFIX_BYTES), frame, this.releaser(slab));
      } else {
        onFrame(
          chunk.subarray(offset + LENGTH_PREFIX_BYTES, end),
          chunk.subarray(offset, end),
          undefined,
        );
      }
      offset = end;
    }
  }

  private checkLength(length: number): void {
    if (length > this.maxFrameBodyBytes) {
      throw new ProtocolError(
        'frame-too-large',
        `a tunnel frame announces ${length} bytes, over the ${this.maxFrameBodyBytes}-byte limit`,
      );
    }
  }

  private startPartial(length: number, transient: boolean): void {
    this.checkLength(length);
    const size = LENGTH_PREFIX_BYTES + length;
    if (transient) {
      const slab = this.cut(size);
      this.partial = slab.buffer.subarray(slab.used - size, slab.used);
      this.partialSlab = slab;
    } else {
      this.partial = Buffer.allocUnsafe(size);
      this.partialSlab = undefined;
    }
    this.partialFilled = 0;
  }

  /** Takes `size` bytes at the end of the current slab (moving to another if they do not fit). */
  private cut(size: number): Slab {
    let slab = this.slabs.current;
    if (!slab || slab.buffer.length - slab.used < size) slab = this.slabs.next();
    slab.used += size;
    slab.held++;
    return slab;
  }

  private releaser(slab: Slab): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.slabs.release(slab, 1);
    };
  }
}
