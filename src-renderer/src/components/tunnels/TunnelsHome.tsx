/**
 * Every tunnel at a glance, with its state, services and totals: the live ones first, the
 * closed and failed ones folded into a group with "Clear closed"; and those saved to
 * reconnect. One primary action per screen: the empty home shows only its own choices.
 */
import { useState } from 'react';
import type { SessionView } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { toShownError } from '../../lib/app-error';
import { useSessionsStore } from '../../stores/sessions-store';
import { hashFromRoute, useUiStore } from '../../stores/ui-store';
import { Icon } from '../common/Icon';
import { SavedTunnels } from './SavedTunnels';
import { SessionCard } from './SessionCard';

export function TunnelsHome() {
  const sessions = useSessionsStore((state) => state.sessions);
  const loaded = useSessionsStore((state) => state.loaded);
  const openConnect = useUiStore((state) => state.openConnect);
  const live = sessions.filter((s) => s.state.kind !== 'closed');
  const ended = sessions.filter((s) => s.state.kind === 'closed');
  const empty = loaded && sessions.length === 0;
  return (
    <div className="page">
      <header className="page__header">
        <div>
          <h1 className="page__title">Tunnels</h1>
          <p className="page__subtitle" data-testid="tunnels-count">
            {sessions.length === 0
              ? 'No tunnels yet'
              : `${live.length} open · ${ended.length} closed`}
          </p>
        </div>
        {/* The empty state below carries the choices (one primary); no second set here. */}
        {empty ? null : (
          <div className="page__actions">
            <button type="button" className="button" onClick={() => openConnect('token')}>
              <Icon name="key" />
              Connect with a token
            </button>
            <a
              className="button"
              href={hashFromRoute({ view: 'devices' })}
              data-testid="go-devices"
            >
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
        )}
      </header>
      <SavedTunnels />
      {empty ? <EmptyState onStart={openConnect} /> : null}
      {live.length > 0 ? (
        <ul className="session-list" aria-label="Open tunnels" data-testid="live-tunnels">
          {live.map((session) => (
            <li key={session.id}>
              <SessionCard session={session} />
            </li>
          ))}
        </ul>
      ) : null}
      {ended.length > 0 ? <ClosedGroup sessions={ended} /> : null}
    </div>
  );
}

/**
 * Closed and failed tunnels, after the live ones, folded (open when nothing is live, so a
 * failure is not hidden behind a click), with "Clear closed".
 */
function ClosedGroup({ sessions }: { readonly sessions: readonly SessionView[] }) {
  const api = useApi();
  const anyLive = useSessionsStore((state) =>
    state.sessions.some((s) => s.state.kind !== 'closed'),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const failed = sessions.filter((s) => s.state.kind === 'closed' && s.state.fatal).length;
  const clear = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.forgetClosedSessions();
    } catch (failure) {
      setError(toShownError(failure).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="closed-group" aria-label="Closed tunnels" data-testid="closed-tunnels">
      <details className="closed-group__fold" open={!anyLive}>
        <summary className="closed-group__summary">
          Closed · {sessions.length}
          {failed > 0 ? <span className="closed-group__failed"> ({failed} failed)</span> : null}
        </summary>
        <ul className="session-list session-list--closed" aria-label="Closed tunnels">
          {sessions.map((session) => (
            <li key={session.id}>
              <SessionCard session={session} />
            </li>
          ))}
        </ul>
      </details>
      <button
        type="button"
        className="button button--small button--quiet closed-group__clear"
        onClick={() => void clear()}
        disabled={busy}
        data-testid="clear-closed"
        title="Removes every closed and failed tunnel from this list"
      >
        <Icon name="trash" />
        {busy ? 'Clearing…' : 'Clear closed'}
      </button>
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
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
        <a className="button button--quiet" href={hashFromRoute({ view: 'devices' })}>
          <Icon name="device" />
          Pick a device
        </a>
        <button type="button" className="button button--quiet" onClick={() => onStart('token')}>
          <Icon name="key" />
          Use an access token
        </button>
      </div>
    </section>
  );
}
