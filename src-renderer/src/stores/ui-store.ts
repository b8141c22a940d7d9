/**
 * Where the operator is: the view, the tunnel they look at, and which dialog is open (the
 * connect dialog, or "Open tunnel" for a device). The route is mirrored in the URL hash
 * (#/tunnels/ID, #/devices, #/logs) so that browser mode's back button and a reload keep
 * the place.
 */
import { create } from 'zustand';
import type { AwsSource, ReopenForm, ThingInfo } from '../../../src-main/ipc/contract.js';

export type Route =
  | { readonly view: 'tunnels'; readonly sessionId: string | null }
  | { readonly view: 'devices' }
  | { readonly view: 'logs' };

export type ConnectMode = 'sandbox' | 'token';

/** The device an "Open tunnel" dialog is for, and where its tunnel is opened. */
export interface OpenTunnelTarget {
  readonly source: AwsSource;
  readonly thing: ThingInfo;
}

/** A connect form filled in again ("Edit & retry"): what a closed tunnel was opened with. */
export type ConnectPrefill = Extract<ReopenForm, { kind: 'token' | 'sandbox' }>;

interface UiState {
  readonly route: Route;
  readonly connect: ConnectMode | null;
  /** The form's values when the connect dialog opened for "Edit & retry"; null for a new one. */
  readonly connectPrefill: ConnectPrefill | null;
  readonly openTunnel: OpenTunnelTarget | null;
  navigate(route: Route): void;
  openConnect(mode?: ConnectMode): void;
  /** The connect dialog on the form that opened a closed tunnel, filled in (no secret). */
  editAndRetry(prefill: ConnectPrefill): void;
  closeConnect(): void;
  startOpenTunnel(target: OpenTunnelTarget): void;
  endOpenTunnel(): void;
}

export const useUiStore = create<UiState>()((set) => ({
  route: { view: 'tunnels', sessionId: null },
  connect: null,
  connectPrefill: null,
  openTunnel: null,
  navigate: (route) => set({ route }),
  openConnect: (mode = 'sandbox') => set({ connect: mode, connectPrefill: null }),
  editAndRetry: (prefill) => set({ connect: prefill.kind, connectPrefill: prefill }),
  closeConnect: () => set({ connect: null, connectPrefill: null }),
  startOpenTunnel: (openTunnel) => set({ openTunnel, connect: null }),
  endOpenTunnel: () => set({ openTunnel: null }),
}));

export function routeFromHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'logs') return { view: 'logs' };
  if (parts[0] === 'devices') return { view: 'devices' };
  return { view: 'tunnels', sessionId: parts[0] === 'tunnels' ? (parts[1] ?? null) : null };
}

export function hashFromRoute(route: Route): string {
  if (route.view === 'logs') return '#/logs';
  if (route.view === 'devices') return '#/devices';
  return route.sessionId ? `#/tunnels/${encodeURIComponent(route.sessionId)}` : '#/tunnels';
}
