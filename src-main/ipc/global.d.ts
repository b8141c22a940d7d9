/**
 * The global the Electron preload exposes to the renderer (src-main/electron/preload.ts).
 * Absent in browser mode, where the renderer builds its bridge over the WebSocket: check
 * for it, do not assume it.
 */
import type { TunnelDeskBridge } from './bridge.js';

declare global {
  /** The contract's transport in the Electron app; undefined in browser mode. */
  var tunneldeskBridge: TunnelDeskBridge | undefined;
}

export {};
