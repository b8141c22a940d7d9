/**
 * The one choice of transport: Electron's preload exposes the bridge as a global; anywhere
 * else this page was served by browser mode, so it talks over the WebSocket. Everything
 * above this module sees only the typed client and cannot tell the two apart.
 */
import { createClient, type TunnelDeskBridge } from '../../../src-main/ipc/bridge.js';
import type { TunnelDeskApi } from '../../../src-main/ipc/contract.js';
import type { EarlyStart } from './early-socket';
import { webBridge, type TransportStatus } from './web-bridge';

declare global {
  interface Window {
    /** Set by the Electron preload through contextBridge. */
    readonly tunneldeskBridge?: TunnelDeskBridge;
  }
}

/** What early-socket.ts started, if it did; the slot is marked taken either way. */
function takeEarlyStart(): EarlyStart | undefined {
  const early = window.tunneldeskEarly ?? undefined;
  window.tunneldeskEarly = null;
  return early;
}

export function selectBridge(onStatus: (status: TransportStatus) => void): TunnelDeskBridge {
  if (window.tunneldeskBridge) {
    // IPC to our own main process has no connection that could drop.
    onStatus({ kind: 'open' });
    return window.tunneldeskBridge;
  }
  const early = takeEarlyStart();
  return webBridge({ onStatus, ...(early ? { early } : {}) });
}

export function connectApi(onStatus: (status: TransportStatus) => void): TunnelDeskApi {
  return createClient(selectBridge(onStatus));
}
