/**
 * Browser mode's IPC WebSocket, opened by a script of its own that the page runs as soon as
 * it has it, while the app's code is still loading (electron.config.ts builds this file as
 * a separate entry and puts its tag before the app's in index.html). The handshake is then
 * done before the app's code has been evaluated, and the socket's `open` comes before
 * React's first render instead of after it: the first requests go out a render earlier.
 * select-bridge.ts takes the socket over; where this script did not run (a test) or ran
 * late, the app opens its own and marks the slot taken (null), so there is never a second.
 * In Electron the preload's bridge is there first and no socket is opened.
 */
// No imports: anything shared with the app's code would become a chunk this script waits
// for. The URL is ipc-url.ts's, written out (early-socket.test.ts holds them equal).

export {};

declare global {
  interface Window {
    /** The socket this script opened; null once the app has taken it or opened its own. */
    tunneldeskEarlySocket?: WebSocket | null;
  }
}

if (!window.tunneldeskBridge && window.tunneldeskEarlySocket === undefined) {
  const { protocol, host } = window.location;
  window.tunneldeskEarlySocket = new WebSocket(
    `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/ipc`,
  );
}
