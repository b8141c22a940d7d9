/**
 * One local proxy connected to the service: its WebSocket, the frame stream it sends (parsed
 * and checked, never re-framed), and what the service sends it, with backpressure measured
 * as bytes handed to the socket and not yet written.
 */
import type WebSocket from 'ws';
import { ProtocolError } from '../protocol/errors.js';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { decodeFrameBody, type TunnelMessage } from '../protocol/message.js';
import {
  MAX_WEBSOCKET_MESSAGE_BYTES,
  type ProtocolVersion,
  type ProxyMode,
} from '../protocol/wire.js';
import { checkPeerMessage } from './message-rules.js';
import { ReadRateLimit } from './rate-limit.js';
import { Rechunker } from './rechunker.js';

/** Close codes the service uses (RFC 6455). */
export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY_VIOLATION = 1008;

export interface PeerLinkHooks {
  /** A checked message, before its bytes are forwarded. */
  onMessage(link: PeerLink, message: TunnelMessage): void;
  /** Checked whole frames to relay to the other peer, exactly as sent. */
  onFrames(link: PeerLink, frames: Buffer): void;
  /** The bytes waiting in this link's socket fell below the low-water mark. */
  onDrain(link: PeerLink): void;
  /** Called once, when the WebSocket is gone. */
  onClose(link: PeerLink, reason: string): void;
}

export interface PeerLinkOptions {
  readonly mode: ProxyMode;
  readonly version: ProtocolVersion;
  readonly channelId: string;
  readonly services: ReadonlySet<string>;
  /** Re-chunk what this peer receives at random sizes, from this seed. */
  readonly rechunkSeed?: number;
  readonly highWaterBytes: number;
  readonly lowWaterBytes: number;
  /** Read this peer at most this fast (the tunnel's bandwidth cap), bytes per second. */
  readonly readBytesPerSecond?: number;
}

/** Why reading this peer is paused: its receiver cannot keep up, or the rate cap. */
type PauseReason = 'receiver-congested' | 'rate-cap';

export class PeerLink {
  readonly connectedAt = Date.now();
  private readonly decoder = new FrameDecoder();
  private readonly rechunker: Rechunker | undefined;
  private inflight = 0;
  private congested = false;
  private closed = false;
  private closeReason: string | undefined;
  private readonly pausedFor = new Set<PauseReason>();
  private readonly rateLimit: ReadRateLimit | undefined;
  private rateTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly options: PeerLinkOptions,
    private readonly hooks: PeerLinkHooks,
  ) {
    if (options.readBytesPerSecond) this.rateLimit = new ReadRateLimit(options.readBytesPerSecond);
    if (options.rechunkSeed !== undefined) {
      this.rechunker = new Rechunker(options.rechunkSeed, (piece) => this.transmit(piece));
    }
    ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    ws.on('error', (error) => {
      this.closeReason ??= `WebSocket error: ${error.message}`;
    });
    ws.on('close', (code: number, reason: Buffer) => {
      if (this.closed) return;
      this.closed = true;
      clearTimeout(this.rateTimer);
      this.hooks.onClose(
        this,
        this.closeReason ??
          `closed by the peer (code ${code}${reason.length ? `: ${reason.toString()}` : ''})`,
      );
    });
  }

  get mode(): ProxyMode {
    return this.options.mode;
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  /** Bytes handed to this link and not yet written to its socket. */
  get inflightBytes(): number {
    return this.inflight;
  }

  /** Sends whole tunnel frames (or, re-chunking, any slice of the byte stream). */
  send(bytes: Buffer): void {
    if (!this.isOpen) return;
    this.inflight += bytes.length;
    if (this.rechunker) this.rechunker.push(bytes);
    else this.transmit(bytes);
    if (this.inflight > this.options.highWaterBytes) this.congested = true;
  }

  /** True while the peer's socket holds more than the high-water mark. */
  get isCongested(): boolean {
    return this.congested;
  }

  /** Stops reading this peer: the other one cannot keep up. */
  pauseReading(): void {
    this.pause('receiver-congested');
  }

  resumeReading(): void {
    this.resume('receiver-congested');
  }

  private pause(reason: PauseReason): void {
    this.pausedFor.add(reason);
    if (this.isOpen) this.ws.pause();
  }

  private resume(reason: PauseReason): void {
    this.pausedFor.delete(reason);
    if (this.pausedFor.size === 0 && this.isOpen) this.ws.resume();
  }

  /** Closes the WebSocket with a code and reason the peer will see. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closeReason ??= reason;
    if (this.ws.readyState === this.ws.OPEN) {
      this.ws.close(code, truncateReason(reason));
      // A peer that never answers the close frame must not keep its socket.
      setTimeout(() => this.ws.terminate(), 2_000).unref();
    } else {
      this.ws.terminate();
    }
  }

  /** Closes at once, without a close handshake (a service that vanishes). */
  terminate(reason: string): void {
    this.closeReason ??= reason;
    this.ws.terminate();
  }

  private transmit(bytes: Buffer): void {
    this.ws.send(bytes, { binary: true }, () => {
      this.inflight -= bytes.length;
      if (this.congested && this.inflight <= this.options.lowWaterBytes) {
        this.congested = false;
        this.hooks.onDrain(this);
      }
    });
  }

  private receive(data: Buffer, isBinary: boolean): void {
    // Once the service has begun closing this peer (a violation, a replacement, a closed
    // tunnel), ws still delivers what was already on the wire; none of it may be relayed,
    // and after a violation the frame stream has lost its footing anyway.
    if (!this.isOpen) return;
    const frames: Buffer[] = [];
    try {
      if (!isBinary) {
        throw new ProtocolError(
          'text-frame',
          `a ${this.mode} sent a text WebSocket message; the protocol is binary only`,
        );
      }
      this.decoder.push(data, (body, frame) => {
        const decoded = decodeFrameBody(body);
        if (decoded.kind === 'message') {
          checkPeerMessage(decoded.message, this.mode, this.options.services);
          this.hooks.onMessage(this, decoded.message);
        }
        frames.push(frame);
      });
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.forward(data, frames);
      this.close(CLOSE_POLICY_VIOLATION, `protocol error (${error.code}): ${error.message}`);
      return;
    }
    this.forward(data, frames);
    this.applyRateCap(data.length);
  }

  private applyRateCap(bytes: number): void {
    const wait = this.rateLimit?.consume(bytes) ?? 0;
    if (wait <= 0 || this.pausedFor.has('rate-cap')) return;
    this.pause('rate-cap');
    this.rateTimer = setTimeout(() => this.resume('rate-cap'), wait);
  }

  /**
   * Relays checked frames: the received message itself when it held exactly those frames,
   * else whole frames grouped into messages of at most 131,076 bytes. One message can
   * complete more than that (the tail of a frame begun earlier, then up to 131,076 bytes
   * more), and no peer may be sent a bigger message.
   */
  private forward(data: Buffer, frames: Buffer[]): void {
    if (frames.length === 0) return;
    let total = 0;
    for (const frame of frames) total += frame.length;
    const first = frames[0]!;
    if (
      total === data.length &&
      first.buffer === data.buffer &&
      first.byteOffset === data.byteOffset
    ) {
      this.hooks.onFrames(this, data);
      return;
    }
    let group: Buffer[] = [];
    let groupBytes = 0;
    for (const frame of frames) {
      if (groupBytes + frame.length > MAX_WEBSOCKET_MESSAGE_BYTES) {
        this.hooks.onFrames(this, Buffer.concat(group, groupBytes));
        group = [];
        groupBytes = 0;
      }
      group.push(frame);
      groupBytes += frame.length;
    }
    this.hooks.onFrames(this, group.length === 1 ? group[0]! : Buffer.concat(group, groupBytes));
  }
}

/** A close reason is at most 123 bytes of UTF-8. */
function truncateReason(reason: string): string {
  let out = reason;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}
