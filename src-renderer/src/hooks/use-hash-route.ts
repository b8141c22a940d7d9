/** Keeps the route and the URL hash in step, both ways. */
import { useEffect } from 'react';
import { hashFromRoute, routeFromHash, useUiStore } from '../stores/ui-store';

export function useHashRoute(): void {
  const route = useUiStore((state) => state.route);

  useEffect(() => {
    const follow = () => useUiStore.getState().navigate(routeFromHash(window.location.hash));
    if (window.location.hash) follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  useEffect(() => {
    const hash = hashFromRoute(route);
    if (window.location.hash !== hash) window.history.pushState(null, '', hash);
  }, [route]);
}
