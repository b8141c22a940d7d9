/**
 * The holder of one shared tunnel: the source side of a tunnel's one SSH service, with no
 * listening port, whose connections come from the control socket (see control-socket.ts).
 * It stays while it has clients and ends after the last one: closing the tunnel if it
 * opened it (unless kept), then the control socket and its lock.
 */
import { randomUUID } from 'node:crypto';
import type net from 'node:net';
import type { Server } from 'node:net';
import { SourceProxy } from '../core/source/source-proxy.js';
import { LogLevel, type Logger } from '../core/log/logger.js';
import type { CloseCause } from '../core/tunnel/close-cause.js';
import type { TunnelState } from '../core/tunnel/tunnel-client.js';
import { cliWords } from './close-words.js';
import { listenControl, type ControlPaths } from './control-socket.js';
import { untilAborted, type HeldTunnel } from './tunnel-supply.js';

/** How long a holder waits for its first client before it gives up and ends. */
const FIRST_CLIENT_TIMEOUT_MS = 60_000;

/** Why a holder ended. */
export type HolderEnd =
  | { readonly kind: 'idle' }
  | { readonly kind: 'no-client' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'tunnel-ended'; readonly words: string };

export interface HolderOptions {
  readonly tunnel: HeldTunnel;
  readonly paths: ControlPaths;
  readonly logger: Logger;
  /** Leave a tunnel this process opened open at the end (`--keep`). */
  readonly keep: boolean;
  /** Ctrl-C while starting: stop waiting (for the device) and end. */
  readonly signal?: AbortSignal;
  /** Called as it starts ending, before any client is cut off (to leave them a note). */
  readonly onEnding?: (end: HolderEnd) => void;
  /** The tunnel dropped under open connections (cut off with it): why, in the CLI's words. */
  readonly onDropped?: (words: string) => void;
  /** Called once the control socket accepts clients. */
  readonly onListening?: () => void;
}

export class TunnelHolder {
  private readonly proxy: SourceProxy;
  private server: Server | undefined;
  private readonly clients = new Set<net.Socket>();
  private firstClientTimer: NodeJS.Timeout | undefined;
  private ending: Promise<HolderEnd> | undefined;
  private resolveEnd!: (end: HolderEnd) => void;
  private readonly ready: Promise<void>;
  private resolveReady!: () => void;
  /** Resolves once the holder has ended and left nothing open. */
  readonly ended: Promise<HolderEnd>;

  private constructor(private readonly options: HolderOptions) {
    this.ended = new Promise((resolve) => (this.resolveEnd = resolve));
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    const { tunnel } = options;
    this.proxy = new SourceProxy(
      {
        mode: 'source',
        accessToken: tunnel.sourceToken,
        clientToken: randomUUID(),
        clientTokenGenerated: true,
        endpoint: tunnel.endpoint,
        tls: tunnel.tls,
        mappings: { mode: 'source', ports: new Map(), stdio: tunnel.serviceId },
        mappingFiles: [],
        peerVersion: 'V3',
        logLevel: LogLevel.Info,
      },
      {
        logger: options.logger,
        events: {
          onReady: () => this.resolveReady(),
          onState: (state: TunnelState) => {
            // The multiplexer has just cut every connection off: say why before they hear it.
            if (state.kind === 'reconnecting' && this.clients.size > 0) {
              options.onDropped?.(cliWords(state.lastCause, 'source'));
            }
          },
          onStopped: (cause: CloseCause, fatal: boolean) => {
            if (fatal) void this.end({ kind: 'tunnel-ended', words: cliWords(cause, 'source') });
          },
        },
      },
    );
  }

  /**
   * Connects the tunnel's source side and waits for it to be ready, then listens on the
   * control socket. Rejects (having closed what it started) when the tunnel cannot be used.
   */
  static async start(options: HolderOptions): Promise<TunnelHolder> {
    const holder = new TunnelHolder(options);
    await holder.connect();
    return holder;
  }

  private async connect(): Promise<void> {
    await this.proxy.start();
    try {
      await Promise.race([
        this.ready,
        this.ended.then((end) => {
          throw new Error(end.kind === 'tunnel-ended' ? end.words : 'stopped before it was ready');
        }),
      ]);
      await untilAborted(this.options.tunnel.waitForDevice(), this.options.signal);
      this.server = await listenControl(this.options.paths.socket, (socket) => this.add(socket));
    } catch (error) {
      await this.end({ kind: 'stopped' });
      throw error;
    }
    this.firstClientTimer = setTimeout(
      () => void this.end({ kind: 'no-client' }),
      FIRST_CLIENT_TIMEOUT_MS,
    );
    this.options.onListening?.();
  }

  /** Carries one more client's connection over the tunnel. */
  add(socket: net.Socket): void {
    if (this.ending) {
      socket.destroy();
      return;
    }
    clearTimeout(this.firstClientTimer);
    this.clients.add(socket);
    socket.once('close', () => {
      this.clients.delete(socket);
      if (this.clients.size === 0) void this.end({ kind: 'idle' });
    });
    this.proxy.attach(socket);
  }

  /** The clients connected now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Ends now: every client is cut off. */
  stop(): Promise<HolderEnd> {
    return this.end({ kind: 'stopped' });
  }

  private end(end: HolderEnd): Promise<HolderEnd> {
    this.ending ??= (async () => {
      clearTimeout(this.firstClientTimer);
      this.options.onEnding?.(end);
      // The socket goes first (no one joins an ending holder); close()'s callback would
      // wait for the clients, which are cut off next.
      const server = this.server;
      const closed = new Promise<void>((resolve) =>
        server ? server.close(() => resolve()) : resolve(),
      );
      for (const client of this.clients) client.destroy();
      await closed;
      await this.proxy.close();
      const { tunnel, keep, logger } = this.options;
      if (tunnel.opened && !keep) {
        await tunnel.close().then(
          () => logger.info(`closed tunnel ${tunnel.tunnelId}`),
          (error: unknown) =>
            logger.warn(`could not close tunnel ${tunnel.tunnelId}: ${(error as Error).message}`),
        );
      }
      await tunnel.dispose();
      this.resolveEnd(end);
      return end;
    })();
    return this.ending;
  }
}
