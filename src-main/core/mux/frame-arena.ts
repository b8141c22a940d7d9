/**
 * Encodes local bytes as DATA frames: the one copy of the payload on the send path. Large
 * frames go into shared slabs one after another, the frames of one read side by side behind
 * room for a WebSocket frame header, so that the writer can send them as one WebSocket
 * message, header included, without copying again. A small read gets its own buffer from
 * Node's pool, so that a keystroke waiting its turn never keeps a whole slab alive; the
 * small tail of a large read (64 KiB is 64,512 + 1,024) stays in the slab, next to the
 * rest, so that the two leave together. */
import { dataFrameSize, writeDataFrame, type DataFrameHeader } from '../protocol/data-frame.js';
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

export class FrameArena {
  private slab: Buffer | undefined;
  private used = 0;
  /** First frames of reads: WEBSOCKET_HEADROOM_BYTES free bytes lie right before each. */
  private readonly withHeadroom = new WeakSet<Buffer>();

  /** Whether the WEBSOCKET_HEADROOM_BYTES before `frame` are free (it starts a read's frames). */
  hasHeadroom(frame: Buffer): boolean {
    return this.withHeadroom.has(frame);
  }

  /**
   * Encodes `payload` as DATA frames of at most `maxPayload` payload bytes each and appends
   * them to `frames`. The payload may be a view of a buffer reused after the call: the
   * frames are copies.
   */
  encode(header: DataFrameHeader, payload: Uint8Array, maxPayload: number, frames: Buffer[]): void {
    const step = Math.max(1, Math.min(maxPayload, MAX_PAYLOAD_BYTES));
    const small = dataFrameSize(header, Math.min(step, payload.length)) < SMALL_FRAME_BYTES;
    // An empty read still becomes one (empty) frame, as before: callers never send one.
    let start = 0;
    do {
      const end = Math.min(payload.length, start + step);
      const piece = payload.subarray(start, end);
      const size = dataFrameSize(header, piece.length);
      if (small) {
        const frame = Buffer.allocUnsafe(size);
        writeDataFrame(frame, 0, header, piece);
        frames.push(frame);
      } else {
        const room = start === 0 ? WEBSOCKET_HEADROOM_BYTES : 0;
        if (!this.slab || this.used + room + size > SLAB_BYTES) {
          this.slab = Buffer.allocUnsafe(SLAB_BYTES);
          this.used = 0;
        }
        const at = this.used + room;
        this.used = writeDataFrame(this.slab, at, header, piece);
        const frame = this.slab.subarray(at, this.used);
        // The frames after the first stay adjacent to it, so that they leave as one message.
        if (room > 0) this.withHeadroom.add(frame);
        frames.push(frame);
      }
      start = end;
    } while (start < payload.length);
  }
}
