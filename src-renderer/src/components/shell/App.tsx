/** The root: gives every component the client, and wires main's pushes into the stores. */
import type { TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import { ApiContext } from '../../api/api-context';
import { usePushEvents } from '../../hooks/use-push-events';
import { Shell } from './Shell';

export function App({ api }: { readonly api: TunnelDeskApi }) {
  usePushEvents(api);
  return <AppWithStores api={api} />;
}

/**
 * The root for a caller that wired the stores itself (main.tsx does it before React's first
 * render, so main's answers are on their way while React renders).
 */
export function AppWithStores({ api }: { readonly api: TunnelDeskApi }) {
  return (
    <ApiContext value={api}>
      <Shell />
    </ApiContext>
  );
}
