/**
 * Where the operator is: the view, the tunnel they look at, and whether the connect dialog
 * is open. Mirrored in the URL hash (#/tunnels/ID, #/logs) so that browser mode's back
 * button and a reload keep the place.
 */
import { create } from 'zustand';

export type Route =
  { readonly view: 'tunnels'; readonly sessionId: string | null } | { readonly view: 'logs' };

export type ConnectMode = 'sandbox' | 'token';

interface UiState {
  readonly route: Route;
  readonly connect: ConnectMode | null;
  navigate(route: Route): void;
  openConnect(mode?: ConnectMode): void;
  closeConnect(): void;
}

export const useUiStore = create<UiState>()((set) => ({
  route: { view: 'tunnels', sessionId: null },
  connect: null,
  navigate: (route) => set({ route }),
  openConnect: (mode = 'sandbox') => set({ connect: mode }),
  closeConnect: () => set({ connect: null }),
}));

export function routeFromHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'logs') return { view: 'logs' };
  return { view: 'tunnels', sessionId: parts[0] === 'tunnels' ? (parts[1] ?? null) : null };
}

export function hashFromRoute(route: Route): string {
  if (route.view === 'logs') return '#/logs';
  return route.sessionId ? `#/tunnels/${encodeURIComponent(route.sessionId)}` : '#/tunnels';
}
