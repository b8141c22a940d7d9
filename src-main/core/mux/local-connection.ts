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
  /** The socket's write buffer went over (true) or back under (false) its limit. */
  onWriteBackpressure(connection: LocalConnection, congested: boolean): void;
}

export class LocalConnection {
  readonly counters: Counters = newCounters();
  readonly openedAt = Date.now();
  readonly header: DataFrameHeader;
  private currentState: ConnectionState;
  private writeCongested = false;
  private readPaused = false;
  private endedByTunnel = false;
  private corked = false;
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
    private readonly maxWriteBufferBytes: number,
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
    socket.on('drain', () => this.checkWriteBuffer());
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
      this.socket.cork();
      process.nextTick(uncork, this);
    }
    // The callback runs once the bytes are written, or once the write has failed (a
    // destroyed socket): either way the socket no longer reads them.
    this.socket.write(payload, release);
    this.checkWriteBuffer();
  }

  /** Stops reading the local socket (the tunnel is congested). */
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
    this.setWriteCongested(false);
    this.socket.end();
    // A local peer that never reads must not keep the socket forever.
    setTimeout(() => this.socket.destroy(), 10_000).unref();
  }

  /** The tunnel is gone: drop the connection now. */
  abort(): void {
    if (this.currentState === 'closed') return;
    this.endedByTunnel = true;
    this.setWriteCongested(false);
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
    this.setWriteCongested(false);
    if (!this.socket.destroyed && error) this.socket.destroy();
    if (!wasEndedByTunnel) {
      this.endedByTunnel = true; // report once
      this.hooks.onLocalEnd(this, error);
    }
    if (this.socket.destroyed) this.currentState = 'closed';
  }

  private checkWriteBuffer(): void {
    this.setWriteCongested(this.socket.writableLength > this.maxWriteBufferBytes);
  }

  private setWriteCongested(congested: boolean): void {
    if (congested === this.writeCongested) return;
    this.writeCongested = congested;
    this.hooks.onWriteBackpressure(this, congested);
  }
}

function uncork(connection: LocalConnection): void {
  connection.uncork();
}
