/**
 * Browser mode's transport: the contract's requests and events over one WebSocket to the
 * server that served this page (it already authenticated the browser with a cookie).
 * Requests made before the socket opens wait in a queue; when the socket closes, every
 * pending request fails with code `disconnected` and later ones fail at once, because the
 * app's state can no longer be trusted to be current. The UI shows the status.
 *
 * Taking over what early-socket.ts started, it settles the requests that script sent with
 * the answers main gave meanwhile (or gives later): the first request of the app on each of
 * those channels gets that answer instead of asking again. Events that came before the app
 * listened go, in order, to the first listener of their channel.
 */
import { AppError } from '../../../src-main/ipc/app-error.js';
import { bridgeFrom, type TunnelDeskBridge } from '../../../src-main/ipc/bridge.js';
import type { Reply } from '../../../src-main/ipc/contract.js';
import type { WebRequestFrame, WebServerFrame } from '../../../src-main/ipc/web-frames.js';
import type { EarlyStart } from './early-socket';
import { defaultIpcUrl } from './ipc-url';

export type TransportStatus =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'open' }
  | { readonly kind: 'disconnected'; readonly reason: string };

export interface WebBridgeOptions {
  /** Defaults to this page's host, `ws:` or `wss:` like the page. */
  readonly url?: string;
  /** Injected by tests; the browser's WebSocket otherwise. */
  readonly createSocket?: (url: string) => WebSocket;
  /** What early-socket.ts started: its socket is used instead of a new one. */
  readonly early?: EarlyStart;
  readonly onStatus?: (status: TransportStatus) => void;
}

/** WebSocket.OPEN and CLOSED, without needing the global (tests inject their own socket). */
const OPEN = 1;
const CLOSED = 3;

export const DISCONNECTED_MESSAGE = 'disconnected from TunnelDesk';

export { defaultIpcUrl } from './ipc-url';

/**
 * A frame main sent, told apart by its kind. Main built it from a Reply or an event it had
 * checked against the contract (app/dispatch.ts), so this only routes it and sets aside
 * text that is not a frame at all. JSON has no `undefined`: the answer to a request with no
 * output (closeSession, closeTunnel, ...) arrives as `{ ok: true }`, with no `value`.
 */
function serverFrame(data: string): WebServerFrame | undefined {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof frame !== 'object' || frame === null) return undefined;
  const { kind, id, reply, channel, payload } = frame as Record<string, unknown>;
  if (kind === 'event' && typeof channel === 'string') return { kind, channel, payload };
  if (kind !== 'reply' || typeof id !== 'number') return undefined;
  if (typeof reply !== 'object' || reply === null) return undefined;
  const { ok, value, error } = reply as Record<string, unknown>;
  if (ok === true) return { kind, id, reply: { ok, value } };
  if (ok === false && typeof error === 'object' && error !== null) {
    return { kind, id, reply: { ok, error: error as Extract<Reply, { ok: false }>['error'] } };
  }
  return undefined;
}

interface Pending {
  readonly resolve: (reply: Reply) => void;
  readonly reject: (error: Error) => void;
}

export function webBridge(options: WebBridgeOptions = {}): TunnelDeskBridge {
  const url = options.url ?? defaultIpcUrl(window.location);
  const early = options.early;
  const socket =
    early?.socket ?? (options.createSocket ?? ((target) => new WebSocket(target)))(url);
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  /** Events that came before anyone listened (early-socket.ts kept them), by channel. */
  const unheard = new Map<string, unknown[]>();
  /** Answers to early-socket.ts's requests, by channel, for the app's first ask. */
  const prefetched = new Map<string, Promise<Reply>>();
  let nextId = 1;
  let closed: string | undefined;

  for (const { id, channel } of early?.requests ?? []) {
    const answer = new Promise<Reply>((resolve, reject) => pending.set(id, { resolve, reject }));
    // Taken only by a request that asks for it; never an unhandled rejection meanwhile.
    answer.catch(() => {});
    prefetched.set(channel, answer);
    nextId = Math.max(nextId, id + 1);
  }

  const report = (status: TransportStatus) => options.onStatus?.(status);
  report({ kind: 'connecting' });

  const opened = () => {
    report({ kind: 'open' });
    for (const frame of queue.splice(0)) socket.send(frame);
  };
  socket.addEventListener('open', opened);

  const onMessage = (data: unknown, kept = false) => {
    const frame = typeof data === 'string' ? serverFrame(data) : undefined;
    if (!frame) return;
    if (frame.kind === 'reply') {
      const waiter = pending.get(frame.id);
      pending.delete(frame.id);
      waiter?.resolve(frame.reply);
      return;
    }
    if (kept) {
      const waiting = unheard.get(frame.channel);
      if (waiting) waiting.push(frame.payload);
      else unheard.set(frame.channel, [frame.payload]);
      return;
    }
    for (const listener of listeners.get(frame.channel) ?? []) listener(frame.payload);
  };
  socket.addEventListener('message', (event: MessageEvent) => onMessage(event.data));
  if (early) {
    early.stop();
    for (const message of early.messages) onMessage(message, true);
  }

  const shut = (reason: string) => {
    if (closed !== undefined) return;
    closed = reason;
    queue.length = 0;
    const error = new AppError('disconnected', `${DISCONNECTED_MESSAGE}: ${reason}`);
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
    report({ kind: 'disconnected', reason });
  };
  socket.addEventListener('close', (event: CloseEvent) =>
    shut(
      event.reason || (event.wasClean ? 'the app closed the connection' : 'the connection dropped'),
    ),
  );
  // An 'error' is always followed by 'close'; the close carries the better reason.
  // A socket opened before this bridge (early-socket.ts) may be open, or gone, already.
  if (socket.readyState === OPEN) opened();
  else if (socket.readyState === CLOSED) shut('the connection dropped');

  const invoke = (channel: string, input: unknown): Promise<unknown> => {
    const answer = input === undefined ? prefetched.get(channel) : undefined;
    if (answer) {
      prefetched.delete(channel);
      return answer;
    }
    if (closed !== undefined) {
      return Promise.reject(new AppError('disconnected', `${DISCONNECTED_MESSAGE}: ${closed}`));
    }
    const id = nextId++;
    const frame: WebRequestFrame = { kind: 'request', id, channel, input };
    const text = JSON.stringify(frame);
    return new Promise<Reply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (socket.readyState === OPEN) socket.send(text);
      else queue.push(text);
    });
  };

  const listen = (channel: string, listener: (payload: unknown) => void) => {
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    set.add(listener);
    const missed = unheard.get(channel);
    if (missed) {
      unheard.delete(channel);
      // After the caller's subscription returns, as any later event would come.
      queueMicrotask(() => {
        for (const payload of missed) if (set.has(listener)) listener(payload);
      });
    }
    return () => {
      set.delete(listener);
    };
  };

  return bridgeFrom(invoke, listen);
}
