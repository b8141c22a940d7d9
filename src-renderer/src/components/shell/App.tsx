/** The root: gives every component the client, and wires main's pushes into the stores. */
import type { TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import { ApiContext } from '../../api/api-context';
import { usePushEvents } from '../../hooks/use-push-events';
import { Shell } from './Shell';

export function App({ api }: { readonly api: TunnelDeskApi }) {
  usePushEvents(api);
  return (
    <ApiContext value={api}>
      <Shell />
    </ApiContext>
  );
}
