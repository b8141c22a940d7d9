/** The Tunnels area: the list of every tunnel, or one tunnel in detail. */
import { lazy } from 'react';
import { useSession, useSessionsStore } from '../../stores/sessions-store';
import { hashFromRoute } from '../../stores/ui-store';
import { TunnelsHome } from './TunnelsHome';

// The live view (plot, connections list) loads when a tunnel is opened, not with the home.
const SessionDetail = lazy(() =>
  import('./SessionDetail').then((m) => ({ default: m.SessionDetail })),
);

export function TunnelsView({ sessionId }: { readonly sessionId: string | null }) {
  const session = useSession(sessionId);
  const loaded = useSessionsStore((state) => state.loaded);
  if (sessionId === null) return <TunnelsHome />;
  if (session) return <SessionDetail session={session} />;
  if (!loaded) return null;
  return (
    <div className="page">
      <div className="empty">
        <h1 className="empty__title">No such tunnel</h1>
        <p className="empty__text">It may have been forgotten.</p>
        <a className="button" href={hashFromRoute({ view: 'tunnels', sessionId: null })}>
          All tunnels
        </a>
      </div>
    </div>
  );
}
