/**
 * The send side of the tunnel: frames in, WebSocket messages of at most 131,076 bytes out.
 * Three parts, each in its own file:
 * - FrameArena encodes local bytes as DATA frames (the one copy of the payload);
 * - SendScheduler decides which queued frame goes next (control first, then connections in
 *   deficit round robin, or everything in arrival order);
 * - DeliveryWindow decides how much may be out of our hands, from in-band ping/pong (its
 *   module comment is the design note of the pacing).
 * This class joins them: it takes frames in the scheduler's order while the window allows,
 * packs them into messages (a run of frames lying side by side in a slab goes out as one
 * view, small ones are copied together), and pings behind the data it sends.
 *
 * Backpressure is a return value and an event, as in `ws` and yamux. In fair order it is
 * per connection: sendData() returns false when that connection's queue is full, and
 * onFlowResume names it once the queue has drained. In arrival order it is global, as it
 * always was: `congested` says the bytes not yet taken by the socket are above the
 * high-water mark (every local socket stops being read) and onDrain follows below the
 * low-water mark.
 */
import type { DataFrameHeader } from '../protocol/data-frame.js';
import { MAX_PAYLOAD_BYTES, MAX_WEBSOCKET_MESSAGE_BYTES } from '../protocol/wire.js';
import {
  DEFAULT_WINDOW_OPTIONS,
  DeliveryWindow,
  type DeliveryWindowOptions,
} from './delivery-window.js';
import { FrameArena, SMALL_FRAME_BYTES, WEBSOCKET_HEADROOM_BYTES } from './frame-arena.js';
import { DEFAULT_SCHEDULER_OPTIONS, SendScheduler, type Flow } from './send-scheduler.js';

/**
 * `fair`: per-connection queues served in deficit round robin, control frames first, and
 * paced so that little waits outside the scheduler. `arrival`: one queue in arrival order,
 * as deep as the socket takes (the behaviour before the scheduler, for comparison).
 */
export type SendOrder = 'fair' | 'arrival';

export const SEND_ORDERS: readonly SendOrder[] = ['fair', 'arrival'];

/** Where batches go: the tunnel link (TunnelLink), or nothing while disconnected. */
export interface BatchSink {
  /**
   * Sends one message. `headroom` bytes right before `message` in its memory are free for
   * the sink to write into (a WebSocket frame header), so that it need not copy the message
   * to put a header in front of it.
   */
  send(message: Buffer, onWritten: () => void, headroom: number): void;
  /**
   * Sends a WebSocket ping behind every message sent so far; `onPong` runs when its pong
   * comes back. A sink without it is not paced (everything queued goes at once).
   */
  sendPing?(onPong: () => void): void;
}

/** A local connection as the writer sees it: its frame header and its service channel. */
export interface SendFlow extends Flow {
  readonly header: DataFrameHeader;
}

export interface TunnelWriterOptions {
  /** Arrival order: stop reading every local socket above this many unsent bytes. */
  highWaterBytes: number;
  /** Arrival order: resume them below this. */
  lowWaterBytes: number;
  /** Fair by default. */
  sendOrder?: SendOrder;
  /** Fair order: a connection's queue above this many bytes stops that socket's reading. */
  flowHighWaterBytes?: number;
  /** Fair order: and at or below this it reads again. */
  flowLowWaterBytes?: number;
  /** Fair order: the pacing (see DeliveryWindow). */
  window?: Partial<DeliveryWindowOptions>;
  /**
   * Fair order: bytes handed to the WebSocket and not yet taken by the socket, at most.
   * The kernel's buffers count towards the window; what waits in Node's stream above them
   * is only memory, kept long enough to outlive the young generation of the heap.
   */
  maxUnwrittenBytes?: number;
}

export const DEFAULT_WRITER_OPTIONS: TunnelWriterOptions = {
  highWaterBytes: 4 * 1024 * 1024,
  lowWaterBytes: 1024 * 1024,
  sendOrder: 'fair',
  flowHighWaterBytes: DEFAULT_SCHEDULER_OPTIONS.flowHighWaterBytes,
  flowLowWaterBytes: DEFAULT_SCHEDULER_OPTIONS.flowLowWaterBytes,
  maxUnwrittenBytes: 2 * 1024 * 1024,
};

/** A run (or frame) at least this big is sent as its own message rather than copied. */
const COPY_LIMIT_BYTES = SMALL_FRAME_BYTES;
/** Paced frames carry at most window / this much payload, so the window is filled evenly. */
const FRAMES_PER_WINDOW = 8;
const MIN_PACED_PAYLOAD = 4096;

export class TunnelWriter<F extends SendFlow = SendFlow> {
  private sink: BatchSink | undefined;
  /** Bumped on attach/detach so that callbacks of a dead connection change nothing. */
  private generation = 0;
  readonly scheduler: SendScheduler<F>;
  readonly window: DeliveryWindow;
  private readonly arena = new FrameArena();
  private readonly frames: Buffer[] = [];
  /**
   * The short last part of a connection's read that filled more than one frame, held until
   * its next read in the same turn, or the turn's end: Node reads a socket it accepted 64 KiB
   * at a time (one full payload and 1,024 bytes), and without this each read would cost two
   * frames to encode, queue, decode and write (measured: about 0.3 CPU-s/GiB). Copied, as
   * the read's buffer may be reused. Queued before any frame that must follow it. Fair
   * order only.
   */
  private readonly tails = new Map<F, Buffer>();
  private readonly fair: boolean;
  /** Fair order on a sink that can ping. */
  private paced = false;
  private pingTimer: NodeJS.Timeout | undefined;
  private flushScheduled = false;
  private pumping = false;
  private pumpAgain = false;
  /** Handed to the sink, not yet written to the socket (arrival order's congestion). */
  private unwritten = 0;
  private readonly maxUnwritten: number;
  /** A pump stopped because the socket had enough: the next write callback pumps. */
  private waitingForSocket = false;
  private wasCongested = false;

  // The message being packed: finished parts, and the current run of adjacent frames.
  private readonly parts: Buffer[] = [];
  private messageBytes = 0;
  private runFirst: Buffer | undefined;
  private runEnd = 0;
  private runBytes = 0;

  /** Arrival order: congestion cleared. */
  onDrain: () => void = () => {};
  /** Fair order: a connection whose queue was full may be read again. */
  onFlowResume: (flow: F) => void = () => {};

  constructor(
    private readonly options: TunnelWriterOptions = DEFAULT_WRITER_OPTIONS,
    now: () => number = () => performance.now(),
  ) {
    this.fair = (options.sendOrder ?? 'fair') === 'fair';
    this.maxUnwritten = options.maxUnwrittenBytes ?? DEFAULT_WRITER_OPTIONS.maxUnwrittenBytes!;
    this.scheduler = new SendScheduler<F>({
      ...DEFAULT_SCHEDULER_OPTIONS,
      order: this.fair ? 'fair' : 'fifo',
      flowHighWaterBytes:
        options.flowHighWaterBytes ?? DEFAULT_SCHEDULER_OPTIONS.flowHighWaterBytes,
      flowLowWaterBytes: options.flowLowWaterBytes ?? DEFAULT_SCHEDULER_OPTIONS.flowLowWaterBytes,
    });
    this.scheduler.onResume = (flow) => this.onFlowResume(flow);
    this.window = new DeliveryWindow({ ...DEFAULT_WINDOW_OPTIONS, ...options.window }, now);
  }

  get sendOrder(): SendOrder {
    return this.fair ? 'fair' : 'arrival';
  }

  /** Connects the writer to an open tunnel; frames queued before are dropped (their streams died). */
  attach(sink: BatchSink): void {
    this.discard();
    this.sink = sink;
    this.paced = this.fair && typeof sink.sendPing === 'function';
  }

  /** The tunnel is gone: drop everything queued, and release any waiting readers. */
  detach(): void {
    this.sink = undefined;
    this.discard();
    this.checkDrain();
  }

  get attached(): boolean {
    return this.sink !== undefined;
  }

  /** Bytes accepted and not yet taken by the socket (arrival order) or sent (fair order). */
  get pendingBytes(): number {
    return this.scheduler.queuedBytes + this.messageBytes + this.unwritten;
  }

  /** Arrival order only: every local socket should stop being read. Never in fair order. */
  get congested(): boolean {
    return !this.fair && this.pendingBytes > this.options.highWaterBytes;
  }

  /** Queues a control frame (length prefix included) ahead of all data (fair order). */
  sendFrame(frame: Buffer): void {
    if (!this.sink) return;
    this.scheduler.pushControl(frame);
    this.queued();
  }

  /**
   * Queues a stream-level control frame (STREAM_START, STREAM_RESET) of a channel: what is
   * queued for the channel's connections goes first, so that the peer gets an earlier
   * stream's last bytes and reset before a new stream replaces it.
   */
  sendStreamFrame(channel: object, frame: Buffer): void {
    if (!this.sink) return;
    this.queueTails();
    this.scheduler.promoteChannel(channel);
    this.scheduler.pushControl(frame);
    this.queued();
  }

  /**
   * Queues a CONNECTION_RESET behind the last bytes queued for that connection (found by
   * its channel, stream and connection id, since the connection has already ended), or
   * ahead of all data when nothing of it is queued.
   */
  sendConnectionEnd(channel: object, streamId: number, connectionId: number, frame: Buffer): void {
    if (!this.sink) return;
    this.queueTails();
    const flow = this.scheduler.findFlow(
      (candidate) =>
        candidate.channel === channel &&
        candidate.header.streamId === streamId &&
        candidate.header.connectionId === connectionId,
    );
    if (flow) this.scheduler.pushAfter(flow, frame);
    else this.scheduler.pushControl(frame);
    this.queued();
  }

  /**
   * Queues `payload` as DATA frames of the connection. Returns false when the connection's
   * queue is full: stop reading its socket until onFlowResume names it.
   */
  sendData(flow: F, payload: Uint8Array): boolean {
    if (!this.sink) return true;
    const step = this.framePayloadBytes();
    const tail = this.tails.get(flow);
    if (tail !== undefined) this.tails.delete(flow);
    const total = (tail?.length ?? 0) + payload.length;
    // Bytes beyond the last whole frame of a read that fills more than one wait for the next
    // (fair order only: arrival order sends everything in the order it came).
    const keep = this.fair && total > step ? total % step : 0;
    this.arena.encode(
      flow.header,
      payload.subarray(0, payload.length - keep),
      step,
      this.frames,
      tail,
    );
    if (keep > 0) this.tails.set(flow, Buffer.from(payload.subarray(payload.length - keep)));
    let full = false;
    for (const frame of this.frames) if (!this.scheduler.push(flow, frame)) full = true;
    this.frames.length = 0;
    if (!full) {
      this.queued();
      return true;
    }
    // The window may have room now: sending beats pausing and resuming the socket. The
    // last, partial message waits for the end of the turn, when more may join it.
    this.pump(false);
    this.queued();
    return this.scheduler.queuedFor(flow) <= this.scheduler.options.flowHighWaterBytes;
  }

  /**
   * Drops what is queued for a connection the peer has closed: the peer would drop it as
   * stale anyway. The multiplexer calls it when the peer resets a connection or stream.
   */
  discardFlow(flow: F): void {
    this.tails.delete(flow);
    this.scheduler.discard(flow);
  }

  /** Sends what the scheduler and the window allow now (normally once per event-loop turn). */
  flush(): void {
    this.flushScheduled = false;
    this.queueTails();
    this.pump();
  }

  /** Queues every held tail as its connection's next frame: no read came to join it. */
  private queueTails(): void {
    if (this.tails.size === 0) return;
    for (const [flow, tail] of this.tails) {
      this.arena.encode(flow.header, tail, MAX_PAYLOAD_BYTES, this.frames);
      for (const frame of this.frames) this.scheduler.push(flow, frame);
      this.frames.length = 0;
    }
    this.tails.clear();
  }

  private queued(): void {
    if (this.congested) this.wasCongested = true;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Paced frames are a fraction of the window, so one frame never fills it alone. */
  private framePayloadBytes(): number {
    if (!this.paced) return MAX_PAYLOAD_BYTES;
    const share = Math.floor(this.window.windowBytes / FRAMES_PER_WINDOW / 1024) * 1024;
    return Math.min(MAX_PAYLOAD_BYTES, Math.max(MIN_PACED_PAYLOAD, share));
  }

  /** Sends what the window allows; `final`: also the last message even if not full. */
  private pump(final = true): void {
    if (!this.sink) return;
    if (this.pumping) {
      // A pong (or a full queue) while packing: go round once more rather than nest.
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.pumpOnce(final);
      } while (this.pumpAgain && this.sink);
    } finally {
      this.pumping = false;
    }
  }

  private pumpOnce(final: boolean): void {
    const window = this.paced ? this.window : undefined;
    for (let piece = this.scheduler.peek(); piece; piece = this.scheduler.peek()) {
      if (window) {
        if (this.unwritten + this.messageBytes >= this.maxUnwritten) {
          this.waitingForSocket = true;
          break;
        }
        if (window.cleanPingDue) this.ping();
        if (!window.allows(piece.length)) break;
        window.onSent(piece.length);
      }
      this.scheduler.take();
      this.add(piece);
      // A ping every quarter window even within one pump: the pongs then report delivery
      // in small steps rather than one burst per window.
      if (window && window.pingDue() === 0) this.ping();
    }
    if (final) this.emit();
    if (window) this.schedulePing();
  }

  // ---- packing messages ------------------------------------------------------------------

  private add(piece: Buffer): void {
    if (this.messageBytes + piece.length > MAX_WEBSOCKET_MESSAGE_BYTES) this.emit();
    const first = this.runFirst;
    if (first !== undefined && piece.buffer === first.buffer && piece.byteOffset === this.runEnd) {
      // Right after the previous frame in the same slab: the run grows, nothing is copied.
      this.runEnd += piece.length;
      this.runBytes += piece.length;
      this.messageBytes += piece.length;
      return;
    }
    // Copying small parts together saves messages; a big one goes alone, uncopied.
    if (
      this.messageBytes > 0 &&
      (this.messageBytes >= COPY_LIMIT_BYTES || piece.length >= COPY_LIMIT_BYTES)
    ) {
      this.emit();
    } else {
      this.closeRun();
    }
    this.runFirst = piece;
    this.runEnd = piece.byteOffset + piece.length;
    this.runBytes = piece.length;
    this.messageBytes += piece.length;
  }

  private closeRun(): void {
    const first = this.runFirst;
    if (!first) return;
    this.parts.push(
      this.runBytes === first.length
        ? first
        : Buffer.from(first.buffer, first.byteOffset, this.runBytes),
    );
    this.runFirst = undefined;
  }

  private emit(): void {
    if (this.messageBytes === 0) return;
    const first = this.runFirst;
    this.closeRun();
    let message: Buffer;
    let headroom = 0;
    if (this.parts.length === 1) {
      message = this.parts[0]!;
      // A run that starts a read's frames has room for the WebSocket header before it.
      if (first !== undefined && this.arena.hasHeadroom(first)) headroom = WEBSOCKET_HEADROOM_BYTES;
    } else {
      // Small parts copied together, behind room for the header as well.
      const joined = Buffer.allocUnsafe(WEBSOCKET_HEADROOM_BYTES + this.messageBytes);
      let at = WEBSOCKET_HEADROOM_BYTES;
      for (const part of this.parts) {
        joined.set(part, at);
        at += part.length;
        this.arena.release(part);
      }
      message = joined.subarray(WEBSOCKET_HEADROOM_BYTES);
      headroom = WEBSOCKET_HEADROOM_BYTES;
    }
    this.parts.length = 0;
    this.messageBytes = 0;
    const generation = this.generation;
    this.unwritten += message.length;
    this.sink!.send(
      message,
      () => {
        // A dead link's socket may still hold the bytes: their slab is left to the collector.
        if (generation !== this.generation) return;
        this.arena.release(message); // a joined copy is not the arena's: nothing happens
        this.unwritten -= message.length;
        if (this.waitingForSocket && this.unwritten <= this.maxUnwritten / 2) {
          this.waitingForSocket = false;
          this.pump();
        }
        this.checkDrain();
      },
      headroom,
    );
  }

  // ---- pacing ------------------------------------------------------------------------------

  /** Pings behind what was just sent, or arms a timer for when one is due. */
  private schedulePing(): void {
    const due = this.window.pingDue();
    if (due === undefined || this.pingTimer) return;
    if (due === 0) {
      this.ping();
      return;
    }
    const generation = this.generation;
    this.pingTimer = setTimeout(() => {
      this.pingTimer = undefined;
      if (generation === this.generation && this.sink) this.schedulePing();
    }, due);
    this.pingTimer.unref?.();
  }

  private ping(): void {
    this.emit(); // the ping must follow every byte it vouches for
    const record = this.window.pingSent();
    const generation = this.generation;
    this.sink!.sendPing!(() => {
      if (generation !== this.generation) return;
      this.window.pongReceived(record);
      this.pump();
    });
  }

  private checkDrain(): void {
    if (this.wasCongested && this.pendingBytes <= this.options.lowWaterBytes) {
      this.wasCongested = false;
      this.onDrain();
    }
  }

  private discard(): void {
    this.generation++;
    this.tails.clear();
    this.scheduler.clear();
    this.parts.length = 0;
    this.messageBytes = 0;
    this.runFirst = undefined;
    this.unwritten = 0;
    this.waitingForSocket = false;
    this.window.reset();
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
  }
}
