/** Every tunnel at a glance, with its state, services and totals; and those saved to reconnect. */
import { useSessionsStore } from '../../stores/sessions-store';
import { hashFromRoute, useUiStore } from '../../stores/ui-store';
import { Icon } from '../common/Icon';
import { SavedTunnels } from './SavedTunnels';
import { SessionCard } from './SessionCard';

export function TunnelsHome() {
  const sessions = useSessionsStore((state) => state.sessions);
  const loaded = useSessionsStore((state) => state.loaded);
  const openConnect = useUiStore((state) => state.openConnect);
  const open = sessions.filter((s) => s.state.kind !== 'closed').length;
  return (
    <div className="page">
      <header className="page__header">
        <div>
          <h1 className="page__title">Tunnels</h1>
          <p className="page__subtitle">
            {sessions.length === 0
              ? 'No tunnels yet'
              : `${open} open · ${sessions.length - open} closed`}
          </p>
        </div>
        <div className="page__actions">
          <button type="button" className="button" onClick={() => openConnect('token')}>
            <Icon name="key" />
            Connect with a token
          </button>
          <a className="button" href={hashFromRoute({ view: 'devices' })} data-testid="go-devices">
            <Icon name="device" />
            Open to a device
          </a>
          <button
            type="button"
            className="button button--primary"
            onClick={() => openConnect('sandbox')}
          >
            <Icon name="sandbox" />
            New sandbox tunnel
          </button>
        </div>
      </header>
      <SavedTunnels />
      {loaded && sessions.length === 0 ? <EmptyState onStart={openConnect} /> : null}
      <ul className="session-list" aria-label="Tunnels">
        {sessions.map((session) => (
          <li key={session.id}>
            <SessionCard session={session} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function EmptyState({ onStart }: { readonly onStart: (mode: 'sandbox' | 'token') => void }) {
  return (
    <section className="empty" aria-labelledby="empty-title">
      <div className="empty__art" aria-hidden="true">
        <Icon name="tunnel" size={40} />
      </div>
      <h2 id="empty-title" className="empty__title">
        Open your first tunnel
      </h2>
      <p className="empty__text">
        The built-in sandbox runs simulated devices on this machine: no AWS account needed. Map
        HTTP1 and SSH1, open the device&apos;s page in one click, and watch every stream live. Or
        pick a device of your AWS account and open a tunnel to it.
      </p>
      <div className="empty__actions">
        <button type="button" className="button button--primary" onClick={() => onStart('sandbox')}>
          <Icon name="sandbox" />
          Start a sandbox tunnel
        </button>
        <a className="button" href={hashFromRoute({ view: 'devices' })}>
          <Icon name="device" />
          Pick a device
        </a>
        <button type="button" className="button" onClick={() => onStart('token')}>
          <Icon name="key" />
          Use an access token
        </button>
      </div>
    </section>
  );
}
