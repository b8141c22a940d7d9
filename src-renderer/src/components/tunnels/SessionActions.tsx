/**
 * Get a new token (when this side's was refused), Reconnect now, Close and Forget for one
 * tunnel. Forgetting an open tunnel closes it too, so that one asks first; a closed tunnel
 * is forgotten at once.
 */
import { useState } from 'react';
import type { SessionView } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { toShownError } from '../../lib/app-error';
import { canGetNewToken } from '../../lib/token-renewal';
import { useUiStore } from '../../stores/ui-store';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { Icon } from '../common/Icon';
import { RenewTokenButton } from './RenewTokenButton';

type Busy = 'reconnect' | 'close' | 'forget' | null;

export function SessionActions({
  session,
  compact,
  offerNewToken = true,
}: {
  readonly session: SessionView;
  readonly compact?: boolean;
  /** Whether to show "Get a new token" here (the detail shows it with its explanation). */
  readonly offerNewToken?: boolean;
}) {
  const api = useApi();
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const closed = session.state.kind === 'closed';
  const waiting = session.state.kind === 'reconnecting' || session.state.kind === 'connecting';

  const run = async (what: Exclude<Busy, null>, action: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(toShownError(failure).message);
    } finally {
      setBusy(null);
    }
  };

  const forget = () =>
    run('forget', async () => {
      await api.forgetSession({ sessionId: session.id });
      const route = useUiStore.getState().route;
      if (route.view === 'tunnels' && route.sessionId === session.id) {
        useUiStore.getState().navigate({ view: 'tunnels', sessionId: null });
      }
    });

  const size = compact ? ' button--small' : '';
  return (
    <div className="session-actions">
      {offerNewToken && canGetNewToken(session) ? (
        <RenewTokenButton session={session} small={compact} />
      ) : null}
      {waiting ? (
        <button
          type="button"
          className={`button${size}`}
          disabled={busy !== null}
          onClick={() => run('reconnect', () => api.reconnectNow({ sessionId: session.id }))}
          data-testid="reconnect-now"
        >
          <Icon name="refresh" />
          Reconnect now
        </button>
      ) : null}
      {!closed ? (
        <button
          type="button"
          className={`button${size}`}
          disabled={busy !== null}
          onClick={() => run('close', () => api.closeSession({ sessionId: session.id }))}
          data-testid="close-session"
          aria-label={`Close tunnel ${session.name}`}
          title={
            session.tunnel
              ? 'Closes this side: its local ports and its connection. Close tunnel ends the tunnel itself.'
              : undefined
          }
        >
          <Icon name="close" />
          {busy === 'close' ? 'Closing…' : 'Close'}
        </button>
      ) : null}
      <button
        type="button"
        className={`button button--quiet${size}`}
        disabled={busy !== null}
        onClick={() => (closed ? void forget() : setConfirming(true))}
        data-testid="forget-session"
        aria-label={`Forget tunnel ${session.name}`}
      >
        <Icon name="trash" />
        Forget
      </button>
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={`Forget “${session.name}”?`}
          confirmLabel="Close and forget"
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void forget();
          }}
        >
          <p>
            The tunnel is still open. Forgetting it closes the tunnel and every local port it
            serves, and removes it from the list.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
