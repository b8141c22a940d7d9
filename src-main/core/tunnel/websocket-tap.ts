/**
 * Reads the service's side of the tunnel WebSocket before ws does, and takes the payload of
 * each plain binary data frame straight to the tunnel's frame decoder. Every other byte (the
 * HTTP handshake response, control frames, a frame ws has to judge) goes on to the socket's
 * readable side, where Node's HTTP client and ws read it exactly as they would have.
 *
 * Why: Node's TLS layer hands out the stream in fresh 16 KiB buffers and ws copies every
 * message into yet another buffer; at hundreds of MB/s that garbage kept V8 collecting
 * (and, with a heap as big as the app's, running full collections back to back). The socket
 * reads into one reused buffer instead (`onread`) and the decoder copies frames into slabs
 * it reuses, so the data path allocates nothing.
 *
 * Order is what makes this safe: a frame is taken only when ws has read every byte passed to
 * it before (`canTake`), so the tunnel bytes reach the decoder in stream order whichever way
 * they travel. Anything unusual (a text, fragmented, masked, oversized or reserved frame, or
 * a close frame) hands the rest of the stream to ws for good, so that ws's checks and close
 * handshake apply unchanged.
 */
import type { Readable } from 'node:stream';

export interface TapTarget {
  /** Whether a binary frame starting now may bypass ws. */
  canTake(): boolean;
  /** Payload bytes of a taken frame, in order; valid only during the call. */
  onPayload(bytes: Buffer): void;
}

const enum Phase {
  /** Reading the HTTP response to the upgrade request. */
  Http,
  /** Reading WebSocket frames. */
  Frames,
  /** Passing every byte on to ws. */
  Through,
}

const OPCODE_CONTINUATION = 0x0;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;
const MAX_CONTROL_PAYLOAD = 125;
/** `HTTP/1.1 101 `: the status line of a successful upgrade. */
const STATUS_101 = /^HTTP\/1\.[01] 101 $/;
const STATUS_PREFIX_BYTES = 13;

export class WebSocketTap {
  private phase = Phase.Http;
  private status = '';
  /** How much of CR LF CR LF (the end of the HTTP headers) has just been seen. */
  private headerEnd = 0;
  private readonly head = Buffer.alloc(14);
  private headFilled = 0;
  private headNeeded = 2;
  /** Payload bytes of the current frame still to come. */
  private left = 0;
  private taking = false;
  /** The current frame is a close frame: everything after it is ws's. */
  private lastFrame = false;

  constructor(
    /** The socket whose readable side ws reads; it must deliver data only through `receive`. */
    private readonly socket: Readable,
    private readonly target: TapTarget,
    /** Frames longer than this go to ws, which refuses them. */
    private readonly maxPayload: number,
  ) {}

  /** Bytes read from the socket; `buffer` may be overwritten once the call returns. */
  receive(buffer: Buffer, start: number, end: number): void {
    let at = start;
    if (this.phase === Phase.Http) at = this.readHttp(buffer, at, end);
    while (at < end) {
      if (this.phase === Phase.Through) {
        this.pass(buffer, at, end);
        return;
      }
      if (this.left > 0) {
        const n = Math.min(this.left, end - at);
        if (this.taking) this.target.onPayload(buffer.subarray(at, at + n));
        else this.pass(buffer, at, at + n);
        this.left -= n;
        at += n;
        if (this.left === 0) this.endFrame();
        continue;
      }
      const n = Math.min(this.headNeeded - this.headFilled, end - at);
      buffer.copy(this.head, this.headFilled, at, at + n);
      this.headFilled += n;
      at += n;
      if (this.headFilled < this.headNeeded) return;
      if (this.headNeeded === 2) {
        this.headNeeded = headerBytes(this.head[1]!);
        if (this.headFilled < this.headNeeded) continue;
      }
      this.startFrame();
    }
  }

  /** Passes the response through, then reads frames after a 101 or passes on everything else. */
  private readHttp(buffer: Buffer, start: number, end: number): number {
    let at = start;
    while (at < end && this.headerEnd < 4) {
      const byte = buffer[at++]!;
      if (this.status.length < STATUS_PREFIX_BYTES) this.status += String.fromCharCode(byte);
      if (byte === 0x0d) this.headerEnd = this.headerEnd === 2 ? 3 : 1;
      else if (byte === 0x0a)
        this.headerEnd = this.headerEnd === 1 || this.headerEnd === 3 ? this.headerEnd + 1 : 0;
      else this.headerEnd = 0;
    }
    this.pass(buffer, start, at);
    if (this.headerEnd === 4)
      this.phase = STATUS_101.test(this.status) ? Phase.Frames : Phase.Through;
    return at;
  }

  private startFrame(): void {
    const head = this.head;
    const size = this.headNeeded;
    this.headFilled = 0;
    this.headNeeded = 2;
    const fin = (head[0]! & 0x80) !== 0;
    const reserved = head[0]! & 0x70;
    const opcode = head[0]! & 0x0f;
    const masked = (head[1]! & 0x80) !== 0;
    let length = head[1]! & 0x7f;
    if (length === 126) length = head.readUInt16BE(2);
    else if (length === 127) {
      const high = head.readUInt32BE(2);
      // Beyond 2^53 - 1 ws refuses the frame; the count below would lose precision.
      length = high > 0x1fffff ? Number.MAX_SAFE_INTEGER : high * 2 ** 32 + head.readUInt32BE(6);
    }
    const plain = fin && reserved === 0 && !masked;
    if (plain && opcode === OPCODE_BINARY && length <= this.maxPayload) {
      if (this.target.canTake()) {
        this.taking = true;
        this.left = length;
        return;
      }
    } else if (
      !plain ||
      opcode === OPCODE_CONTINUATION ||
      (opcode !== OPCODE_PING && opcode !== OPCODE_PONG && opcode !== OPCODE_CLOSE) ||
      length > MAX_CONTROL_PAYLOAD
    ) {
      // Not a frame of ours: ws judges it and the rest of the stream.
      this.pass(head, 0, size);
      this.phase = Phase.Through;
      return;
    }
    // A ping, a pong or a close, or a binary frame ws must see to keep the order.
    this.taking = false;
    this.lastFrame = opcode === OPCODE_CLOSE;
    this.pass(head, 0, size);
    this.left = length;
    if (length === 0) this.endFrame();
  }

  private endFrame(): void {
    this.taking = false;
    if (this.lastFrame) this.phase = Phase.Through;
  }

  private pass(buffer: Buffer, start: number, end: number): void {
    if (end > start) this.socket.push(Buffer.from(buffer.subarray(start, end)));
  }
}

/** The size of a frame header, from its second byte (mask bit and 7-bit length). */
function headerBytes(second: number): number {
  const length = second & 0x7f;
  return 2 + (length === 126 ? 2 : length === 127 ? 8 : 0) + (second & 0x80 ? 4 : 0);
}
