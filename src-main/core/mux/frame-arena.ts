/**
 * Encodes local bytes as DATA frames: the one copy of the payload on the send path. Large
 * frames go into shared slabs one after another, the frames of one read side by side behind
 * room for a WebSocket frame header, so that the writer can send them as one WebSocket
 * message, header included, without copying again. A small read gets its own buffer from
 * Node's pool, so that a keystroke waiting its turn never keeps a whole slab alive; the
 * small tail of a large read (64 KiB is 64,512 + 1,024) stays in the slab, next to the
 * rest, so that the two leave together. */
import { dataFrameSize, writeDataFrame, type DataFrameHeader } from '../protocol/data-frame.js';
import { SlabPool } from '../protocol/slab-pool.js';
import { MAX_PAYLOAD_BYTES, MAX_WEBSOCKET_MESSAGE_BYTES } from '../protocol/wire.js';

/** Reads encoded in fewer bytes than this come from Node's buffer pool rather than a slab. */
export const SMALL_FRAME_BYTES = 4096;

/**
 * Free bytes left in front of the frames of each read: room for the header of the
 * WebSocket frame that carries them (2 bytes, an extended length of 8, a mask key of 4), so
 * that the tunnel link can send header and frames as one buffer. Over TLS that matters: Node
 * copies a write of several buffers into one new buffer before encrypting it.
 */
export const WEBSOCKET_HEADROOM_BYTES = 14;

/** A slab holds any one frame (at most 65,537 bytes) and any run of frames fits a message. */
const SLAB_BYTES = WEBSOCKET_HEADROOM_BYTES + MAX_WEBSOCKET_MESSAGE_BYTES;

/**
 * Released slabs kept for reuse: a steady transfer then allocates none (fresh buffers at
 * hundreds of MB/s keep V8's collector busy). About what the writer keeps unwritten (2 MiB).
 */
const SPARE_SLABS = 16;

export class FrameArena {
  /** Slabs count the frame bytes cut from them and not yet released (queued, or being written). */
  private readonly slabs = new SlabPool(SLAB_BYTES, SPARE_SLABS);
  /** First frames of reads: WEBSOCKET_HEADROOM_BYTES free bytes lie right before each. */
  private readonly withHeadroom = new WeakSet<Buffer>();

  /** Whether the WEBSOCKET_HEADROOM_BYTES before `frame` are free (it starts a read's frames). */
  hasHeadroom(frame: Buffer): boolean {
    return this.withHeadroom.has(frame);
  }

  /**
   * Hands back frames (one, or a run of adjacent ones from one slab, as one view) once
   * nothing reads them any more: written to the socket, or copied elsewhere. Their slab is
   * used again once all its frames are back. Never releasing a frame is safe (its slab is
   * then left to the garbage collector); releasing one still in use is not, and releasing a
   * buffer the arena did not make does nothing.
   */
  release(frames: Buffer): void {
    const slab = this.slabs.find(frames);
    if (slab !== undefined) this.slabs.release(slab, frames.length);
  }

  /**
   * Encodes `prefix` (shorter than a frame's payload) then `payload` as DATA frames of at
   * most `maxPayload` payload bytes each and appends them to `frames`. The payload may be a
   * view of a buffer reused after the call: the frames are copies.
   */
  encode(
    header: DataFrameHeader,
    payload: Uint8Array,
    maxPayload: number,
    frames: Buffer[],
    prefix?: Uint8Array,
  ): void {
    const step = Math.max(1, Math.min(maxPayload, MAX_PAYLOAD_BYTES));
    const total = (prefix?.length ?? 0) + payload.length;
    const small = dataFrameSize(header, Math.min(step, total)) < SMALL_FRAME_BYTES;
    // The first frame carries the prefix and the start of the payload.
    let lead = prefix;
    let start = 0;
    let firstOfRead = true;
    // An empty read still becomes one (empty) frame, as before: callers never send one.
    do {
      const end = Math.min(payload.length, start + Math.max(0, step - (lead?.length ?? 0)));
      const piece = payload.subarray(start, end);
      const size = dataFrameSize(header, (lead?.length ?? 0) + piece.length);
      if (small) {
        const frame = Buffer.allocUnsafe(size);
        writeDataFrame(frame, 0, header, piece, lead);
        frames.push(frame);
      } else {
        let slab = this.slabs.current;
        let room = firstOfRead ? WEBSOCKET_HEADROOM_BYTES : 0;
        if (!slab || slab.used + room + size > SLAB_BYTES) {
          slab = this.slabs.next();
          room = WEBSOCKET_HEADROOM_BYTES;
        }
        const at = slab.used + room;
        slab.used = writeDataFrame(slab.buffer, at, header, piece, lead);
        slab.held += slab.used - at;
        const frame = slab.buffer.subarray(at, slab.used);
        // The frames after the first stay adjacent to it, so that they leave as one message.
        if (room > 0) this.withHeadroom.add(frame);
        frames.push(frame);
      }
      lead = undefined;
      firstOfRead = false;
      start = end;
    } while (start < payload.length);
  }
}
