/** The transport to main (browser mode's WebSocket can drop) and what main says it is. */
import { create } from 'zustand';
import type { AppInfo } from '../../../src-main/ipc/contract.js';
import type { TransportStatus } from '../bridge/web-bridge';

interface ConnectionState {
  readonly transport: TransportStatus;
  readonly appInfo: AppInfo | null;
  setTransport(status: TransportStatus): void;
  setAppInfo(info: AppInfo): void;
}

export const useConnectionStore = create<ConnectionState>()((set) => ({
  transport: { kind: 'connecting' },
  appInfo: null,
  setTransport: (transport) => set({ transport }),
  setAppInfo: (appInfo) => set({ appInfo }),
}));
