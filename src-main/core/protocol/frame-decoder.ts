/**
 * An incremental tunnel-frame decoder. WebSocket messages and tunnel frames are unrelated:
 * a frame may span messages and a message may hold many frames, so the decoder treats the
 * WebSocket payloads as one byte stream and yields whole frame bodies.
 *
 * A frame that lies inside one chunk is handed out as a view of that chunk (no copy);
 * only a frame split across chunks is assembled in a buffer of its own.
 */
import { ProtocolError } from './errors.js';
import { LENGTH_PREFIX_BYTES, MAX_FRAME_BODY_BYTES } from './wire.js';

/** Called with each complete frame: the body (the Message bytes) and the whole frame with its prefix. */
export type FrameHandler = (body: Buffer, frame: Buffer) => void;

export class FrameDecoder {
  /** Bytes of an incomplete frame carried over from earlier chunks (prefix included). */
  private partial: Buffer | undefined;
  private partialFilled = 0;
  /** A lone first byte of a length prefix split across chunks. */
  private prefixHigh = -1;

  constructor(private readonly maxFrameBodyBytes: number = MAX_FRAME_BODY_BYTES) {}

  /** Bytes held back waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.prefixHigh >= 0 ? 1 : this.partialFilled;
  }

  /**
   * Feeds one chunk. Calls `onFrame` for every frame it completes, in order. Throws a
   * ProtocolError (`frame-too-large`) for a length beyond the limit; the decoder is then
   * unusable, as the stream has lost its framing.
   */
  push(chunk: Buffer, onFrame: FrameHandler): void {
    let offset = 0;
    if (this.prefixHigh >= 0) {
      if (chunk.length === 0) return;
      const length = (this.prefixHigh << 8) | chunk[0]!;
      this.prefixHigh = -1;
      this.startPartial(length);
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
      this.partial = undefined;
      this.partialFilled = 0;
      onFrame(frame.subarray(LENGTH_PREFIX_BYTES), frame);
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
        this.startPartial(length);
        chunk.copy(this.partial!, 0, offset);
        this.partialFilled = remaining;
        return;
      }
      onFrame(chunk.subarray(offset + LENGTH_PREFIX_BYTES, end), chunk.subarray(offset, end));
      offset = end;
    }
  }

  /** Forgets any partial frame (after the WebSocket it belonged to is gone). */
  reset(): void {
    this.partial = undefined;
    this.partialFilled = 0;
    this.prefixHigh = -1;
  }

  private checkLength(length: number): void {
    if (length > this.maxFrameBodyBytes) {
      throw new ProtocolError(
        'frame-too-large',
        `a tunnel frame announces ${length} bytes, over the ${this.maxFrameBodyBytes}-byte limit`,
      );
    }
  }

  private startPartial(length: number): void {
    this.checkLength(length);
    this.partial = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + length);
    this.partialFilled = 0;
  }
}
