/**
 * What the multiplexer needs of the tunnel's WebSocket, and nothing more: send batches of
 * frames, ping behind them, stop and resume reading, close. TunnelConnection is the real
 * one; tests give the multiplexer an in-memory link, as yamux tests its streams without a
 * socket. Messages come the other way through TunnelMux.handleMessage.
 */
import type { CloseCause } from '../tunnel/close-cause.js';
import type { BatchSink } from './tunnel-writer.js';

export interface TunnelLink extends BatchSink {
  /**
   * Sends one binary WebSocket message (one or more whole tunnel frames). `onWritten` runs
   * once the socket has taken the bytes: the writer measures backpressure by it. The
   * `headroom` bytes before the message are free to hold its WebSocket header.
   */
  send(message: Buffer, onWritten: () => void, headroom: number): void;
  /** Sends a ping behind every message sent so far; `onPong` runs when its pong comes back. */
  sendPing(onPong: () => void): void;
  /** Stops reading from the service: a local socket cannot take what the tunnel delivers. */
  pauseReading(): void;
  resumeReading(): void;
  /** Closes the WebSocket (a protocol violation): the link's owner hears of the end. */
  close(cause: CloseCause): void;
}
