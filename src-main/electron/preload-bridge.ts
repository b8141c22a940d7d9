/**
 * The bridge the preload exposes, built from ipcRenderer: exactly one named function per
 * request and per event of the contract (bridgeFrom makes them), never a generic invoke.
 * Event listeners receive the payload alone: the IpcRendererEvent would hand the page
 * `sender`, and with it ipcRenderer itself.
 */
import { bridgeFrom, type TunnelDeskBridge } from '../ipc/bridge.js';

/** The parts of ipcRenderer the bridge uses. */
export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The object exposed to the page as `tunneldeskBridge`. */
export function preloadBridge(ipc: RendererIpc): TunnelDeskBridge {
  return bridgeFrom(
    (channel, input) => ipc.invoke(channel, input),
    (channel, listener) => {
      const withoutEvent = (_event: unknown, payload: unknown) => listener(payload);
      ipc.on(channel, withoutEvent);
      return () => {
        ipc.removeListener(channel, withoutEvent);
      };
    },
  );
}
