/**
 * The send side of the tunnel. Frames are encoded straight into a batch buffer (the one copy
 * of the payload) and whole batches go out as WebSocket messages of at most 131,076 bytes,
 * once per event-loop turn, so that many small frames cost one message.
 *
 * Backpressure is a return value and an event, as in `ws` and yamux: `congested` says the
 * bytes not yet taken by the socket are above the high-water mark (callers stop reading
 * local sockets), and `onDrain` fires when they fall below the low-water mark.
 */
import { dataFrameSize, writeDataFrame, type DataFrameHeader } from '../protocol/data-frame.js';
import { MAX_PAYLOAD_BYTES, MAX_WEBSOCKET_MESSAGE_BYTES } from '../protocol/wire.js';

/** Where batches go: an open TunnelConnection, or nothing while disconnected. */
export interface BatchSink {
  send(message: Buffer, onWritten: () => void): void;
}

export interface TunnelWriterOptions {
  /** Stop reading local sockets above this many unsent bytes. */
  highWaterBytes: number;
  /** Resume them below this. */
  lowWaterBytes: number;
}

export const DEFAULT_WRITER_OPTIONS: TunnelWriterOptions = {
  highWaterBytes: 4 * 1024 * 1024,
  lowWaterBytes: 1024 * 1024,
};

/** Batches below this are copied out so the big batch buffer can be reused. */
const SMALL_BATCH_BYTES = 4096;

export class TunnelWriter {
  private sink: BatchSink | undefined;
  private batch: Buffer | undefined;
  private used = 0;
  private readonly ready: Buffer[] = [];
  private readyBytes = 0;
  private inflight = 0;
  private flushScheduled = false;
  private wasCongested = false;
  /** Bumped on attach/detach so that write callbacks of a dead connection change nothing. */
  private generation = 0;
  /** Called when congestion clears. */
  onDrain: () => void = () => {};

  constructor(private readonly options: TunnelWriterOptions = DEFAULT_WRITER_OPTIONS) {}

  /** Connects the writer to an open tunnel; frames queued before are dropped (their streams died). */
  attach(sink: BatchSink): void {
    this.discard();
    this.sink = sink;
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

  /** Bytes accepted but not yet taken by the socket. */
  get pendingBytes(): number {
    return this.used + this.readyBytes + this.inflight;
  }

  get congested(): boolean {
    return this.pendingBytes > this.options.highWaterBytes;
  }

  /** Queues an encoded control frame (length prefix included). */
  sendFrame(frame: Buffer): void {
    if (!this.sink) return;
    this.reserve(frame.length);
    frame.copy(this.batch!, this.used);
    this.used += frame.length;
    this.scheduleFlush();
  }

  /** Queues DATA frames carrying `payload`, cut into pieces of at most 64,512 bytes. */
  sendData(header: DataFrameHeader, payload: Uint8Array): void {
    if (!this.sink) return;
    for (let start = 0; start < payload.length; start += MAX_PAYLOAD_BYTES) {
      const piece = payload.subarray(start, Math.min(payload.length, start + MAX_PAYLOAD_BYTES));
      this.reserve(dataFrameSize(header, piece.length));
      this.used = writeDataFrame(this.batch!, this.used, header, piece);
    }
    this.scheduleFlush();
  }

  private reserve(bytes: number): void {
    if (this.batch && this.used + bytes > this.batch.length) this.seal();
    if (!this.batch) {
      this.batch = Buffer.allocUnsafe(MAX_WEBSOCKET_MESSAGE_BYTES);
      this.used = 0;
    }
    if (this.used === 0 && this.congested) this.wasCongested = true;
  }

  private seal(): void {
    if (!this.batch || this.used === 0) return;
    if (this.used < SMALL_BATCH_BYTES) {
      this.ready.push(Buffer.from(this.batch.subarray(0, this.used)));
    } else {
      this.ready.push(this.batch.subarray(0, this.used));
      this.batch = undefined;
    }
    this.readyBytes += this.used;
    this.used = 0;
  }

  private scheduleFlush(): void {
    if (this.congested) this.wasCongested = true;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Hands every sealed batch to the socket. */
  flush(): void {
    this.flushScheduled = false;
    this.seal();
    const sink = this.sink;
    if (!sink) return;
    const generation = this.generation;
    while (this.ready.length > 0) {
      const message = this.ready.shift()!;
      this.readyBytes -= message.length;
      this.inflight += message.length;
      sink.send(message, () => {
        if (generation !== this.generation) return;
        this.inflight -= message.length;
        this.checkDrain();
      });
    }
  }

  private checkDrain(): void {
    if (this.wasCongested && this.pendingBytes <= this.options.lowWaterBytes) {
      this.wasCongested = false;
      this.onDrain();
    }
  }

  private discard(): void {
    this.generation++;
    this.batch = undefined;
    this.used = 0;
    this.ready.length = 0;
    this.readyBytes = 0;
    this.inflight = 0;
  }
}
