/**
 * One local TCP (or Unix socket) connection carried over the tunnel: the client's
 * connection on the source side, the connection to the target on the destination side.
 * It pumps bytes both ways and reports its end once; what to send over the tunnel about
 * that end is the multiplexer's decision.
 */
import type { Socket } from 'node:net';
import type { DataFrameHeader } from '../protocol/data-frame.js';
import { newCounters, type Counters } from '../stats/counters.js';
import type { ConnectionState } from '../stats/snapshot.js';
import type { ServiceChannel } from './service-channel.js';

export interface LocalConnectionHooks {
  /**
   * The local side sent bytes for the tunnel. `chunk` may be a view of a read buffer that
   * is reused for the next read: copy what must outlive the call.
   */
  onLocalData(connection: LocalConnection, chunk: Buffer): void;
  /** The local side ended or failed; not called for ends the tunnel asked for. */
  onLocalEnd(connection: LocalConnection, error: Error | undefined): void;
  /**
   * The socket's unwritten bytes changed (a write was queued or finished); read them from
   * `bufferedBytes`. Not called once the connection has ended or the tunnel ended it.
   */
  onWriteBuffered(connection: LocalConnection): void;
}

export class LocalConnection {
  readonly counters: Counters = newCounters();
  readonly openedAt = Date.now();
  readonly header: DataFrameHeader;
  private currentState: ConnectionState;
  private readPaused = false;
  private endedByTunnel = false;
  private corked = false;
  /** Bytes written since the last cork: what is unwritten beyond them is from earlier turns. */
  private batchBytes = 0;
  private opened: boolean;
  /** Destination side: this connection came from a STREAM_START (its failure resets the stream). */
  opensStream = false;

  constructor(
    readonly socket: Socket,
    readonly channel: ServiceChannel,
    readonly streamId: number,
    /** The id on the wire: 0 when the peer speaks V1/V2 (no connection ids). */
    readonly connectionId: number,
    readonly peer: string,
    private readonly hooks: LocalConnectionHooks,
    connecting: boolean,
  ) {
    this.header = { streamId, connectionId, serviceId: channel.wireServiceId };
    this.currentState = connecting ? 'connecting' : 'open';
    this.opened = !connecting;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.opened = true;
      if (this.currentState === 'connecting') this.currentState = 'open';
    });
    // A socket made with `onread` never emits 'data': its owner calls received() instead.
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    // Without allowHalfOpen the socket ends itself after 'end'; the protocol has no half-close.
    socket.on('end', () => this.localEnded(undefined));
    socket.on('error', (error) => this.localEnded(error));
    socket.on('close', () => this.localEnded(undefined));
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Whether the socket ever connected (a destination target that refused never did). */
  get everConnected(): boolean {
    return this.opened;
  }

  /** Bytes handed to the local socket and not yet written (its write buffer). */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /** A short key for stats and logs. */
  get key(): string {
    return `${this.channel.serviceId || '-'}/${this.streamId}/${this.connectionId}`;
  }

  /** Bytes read from the local socket, for the tunnel (possibly a view of a reused buffer). */
  received(chunk: Buffer): void {
    this.counters.bytesOut += chunk.length;
    this.hooks.onLocalData(this, chunk);
  }

  /** Writes tunnel bytes to the local socket; `release` runs once the socket is done with them. */
  deliver(payload: Uint8Array, release?: () => void): void {
    if (this.currentState === 'closed' || this.currentState === 'closing') {
      release?.();
      return;
    }
    this.counters.bytesIn += payload.length;
    this.counters.framesIn++;
    if (!this.corked) {
      // The frames of one WebSocket message (often several for this connection) are handed
      // over in one go: hold them and write them with one writev once the message is done,
      // rather than one system call (and one TCP push) per frame.
      this.corked = true;
      this.batchBytes = 0;
      this.socket.cork();
      process.nextTick(uncork, this);
    }
    let chunk = payload;
    if (release !== undefined && this.socket.writableLength > this.batchBytes) {
      // Bytes of an earlier turn are still unwritten: the local peer is not keeping up and
      // this payload will wait too. Copy it and hand the decoder's memory back now, so that
      // a slow socket holds exactly its own bytes (what the limits count) rather than
      // pinning slabs shared with every other connection's frames.
      chunk = Buffer.from(payload);
      release();
      release = undefined;
    }
    this.batchBytes += chunk.length;
    // The callback runs once the bytes are written, or once the write has failed (a
    // destroyed socket): either way the socket no longer reads them.
    this.socket.write(chunk, release === undefined ? this.written : releaseThen(release, this));
    this.reportBuffered();
  }

  /**
   * A receive limit was broken (see limits.ts): cut the local socket off now, with a TCP
   * reset where it can (it frees the buffers here and in the kernel, and tells the local
   * peer it was cut off rather than letting it read a clean end), and report the end like
   * any other, so that the multiplexer sends the peer its reset.
   */
  fail(error: Error): void {
    if (this.currentState === 'closed' || this.endedByTunnel) return;
    try {
      // A socket still connecting would wait for the connection to reset it: destroy now.
      if (this.socket.connecting) this.socket.destroy();
      else this.socket.resetAndDestroy();
    } catch {
      this.socket.destroy(); // a Unix socket has no TCP reset
    }
    this.localEnded(error);
  }

  /** Stops reading the local socket: its send queue (or, in arrival order, the tunnel's) is full. */
  pauseReading(): void {
    if (this.readPaused || this.currentState === 'closed') return;
    this.readPaused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.readPaused || this.currentState === 'closed') return;
    this.readPaused = false;
    this.socket.resume();
  }

  /**
   * The peer ended this connection (a reset): flush what we already wrote, then close.
   * end() rather than destroy() lets the local side read the last bytes.
   */
  endFromTunnel(): void {
    if (this.currentState === 'closed' || this.currentState === 'closing') return;
    this.endedByTunnel = true;
    this.currentState = 'closing';
    this.socket.end();
    // What the local side still sends has nowhere to go, and is dropped; but it is read, so
    // that a sender whose reading was paused (a full send queue) can finish its writes,
    // see our end and close, rather than wait for the timer below.
    this.readPaused = false;
    this.socket.resume();
    // A local peer that never reads must not keep the socket forever.
    setTimeout(() => this.socket.destroy(), 10_000).unref();
  }

  /** The tunnel is gone: drop the connection now. */
  abort(): void {
    if (this.currentState === 'closed') return;
    this.endedByTunnel = true;
    this.socket.destroy();
    this.currentState = 'closed';
  }

  /** Writes what deliver() held back. */
  uncork(): void {
    this.corked = false;
    this.socket.uncork();
  }

  private localEnded(error: Error | undefined): void {
    if (this.currentState === 'closed') return;
    const wasEndedByTunnel = this.endedByTunnel;
    if (error || !this.socket.writable || this.socket.destroyed) {
      this.currentState = 'closed';
    } else {
      this.currentState = 'closing';
    }
    if (!this.socket.destroyed && error) this.socket.destroy();
    if (!wasEndedByTunnel) {
      this.endedByTunnel = true; // report once
      this.hooks.onLocalEnd(this, error);
    }
    if (this.socket.destroyed) this.currentState = 'closed';
  }

  /** Write callback: a write finished (or failed), so the unwritten count fell. */
  readonly written = (): void => this.reportBuffered();

  /** Tells the multiplexer the unwritten count, while the connection is still the tunnel's. */
  private reportBuffered(): void {
    if (!this.endedByTunnel && this.currentState !== 'closed') this.hooks.onWriteBuffered(this);
  }
}

function uncork(connection: LocalConnection): void {
  connection.uncork();
}

function releaseThen(release: () => void, connection: LocalConnection): () => void {
  return () => {
    release();
    connection.written();
  };
}
