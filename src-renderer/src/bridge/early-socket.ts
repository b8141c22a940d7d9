/**
 * Browser mode's IPC WebSocket, opened by a script of its own that the page runs as soon as
 * it has it, while the app's code is still loading (electron.config.ts builds this file as
 * a separate entry and puts its tag before the app's in index.html). Once the socket opens
 * it asks main for the app's first state (the requests `connectStores` makes at boot, none
 * of which takes input), so that main's answers are waiting when the app's code has run
 * instead of being asked for only then; it keeps every message main sends until the app
 * takes the socket over (web-bridge.ts replays them: the answers settle those requests, the
 * events go to their first listener).
 *
 * select-bridge.ts takes the socket over; where this script did not run (a test) or ran
 * late, the app opens its own and marks the slot taken (null), so there is never a second.
 * In Electron the preload's bridge is there first and no socket is opened.
 */
// No imports: anything shared with the app's code would become a chunk this script waits
// for. The URL is ipc-url.ts's and the channels are the contract's, written out
// (early-socket.test.ts holds them equal).

export {};

/** What this script started, for the bridge to take over. */
export interface EarlyStart {
  readonly socket: WebSocket;
  /** The requests sent on the socket's open: their ids and channels. */
  readonly requests: readonly { readonly id: number; readonly channel: string }[];
  /** Every message main sent before `stop`, in order. */
  readonly messages: readonly string[];
  /** Ends the keeping of messages: the bridge listens from here on. */
  stop(): void;
}

declare global {
  interface Window {
    /** What this script started; null once the app has taken it or opened its own socket. */
    tunneldeskEarly?: EarlyStart | null;
  }
}

/** The requests `connectStores` makes at boot, by channel; their ids are 1, 2, ... */
export const SEED_CHANNELS = [
  'renderer:get-app-info',
  'renderer:list-sessions',
  'renderer:get-settings',
  'renderer:get-logs',
] as const;

/**
 * More than a page load ever sees (main pushes a few messages a second); a page whose code
 * never takes over keeps no more than this.
 */
const KEPT_MESSAGES_MAX = 10_000;

if (!window.tunneldeskBridge && window.tunneldeskEarly === undefined) {
  const { protocol, host } = window.location;
  const socket = new WebSocket(`${protocol === 'https:' ? 'wss' : 'ws'}://${host}/ipc`);
  const requests = SEED_CHANNELS.map((channel, index) => ({ id: index + 1, channel }));
  const messages: string[] = [];
  const keep = (event: MessageEvent) => {
    if (typeof event.data === 'string' && messages.length < KEPT_MESSAGES_MAX) {
      messages.push(event.data);
    }
  };
  const ask = () => {
    for (const { id, channel } of requests) {
      socket.send(JSON.stringify({ kind: 'request', id, channel }));
    }
  };
  socket.addEventListener('message', keep);
  socket.addEventListener('open', ask);
  window.tunneldeskEarly = {
    socket,
    requests,
    messages,
    stop: () => socket.removeEventListener('message', keep),
  };
}
