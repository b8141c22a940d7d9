/** The Tunnels area: the list of every tunnel, or one tunnel in detail. */
import { useSession, useSessionsStore } from '../../stores/sessions-store';
import { hashFromRoute } from '../../stores/ui-store';
import { SessionDetail } from './SessionDetail';
import { TunnelsHome } from './TunnelsHome';

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
