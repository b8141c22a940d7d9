/**
 * What can be done with one tunnel: Get a new token (when this side's was refused), Reconnect
 * now, Disconnect (this side only), and once it is closed or failed, the ways on: "Open
 * again" (sandbox and AWS tunnels, as they were) and "Edit & retry" (the form filled in,
 * only a secret to paste again). Forgetting an open tunnel closes it too, so that one asks
 * first; a closed tunnel is forgotten at once.
 */
import { useState } from 'react';
import type { ReopenForm, SessionView } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { toShownError } from '../../lib/app-error';
import { canGetNewToken } from '../../lib/token-renewal';
import { useSessionsStore } from '../../stores/sessions-store';
import { useUiStore } from '../../stores/ui-store';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { Icon } from '../common/Icon';
import { RenewTokenButton } from './RenewTokenButton';
import { ReopenedTokenDialog, type Reopened } from './ReopenedTokenDialog';

type Busy = 'reconnect' | 'disconnect' | 'forget' | 'reopen' | null;

/** What "Disconnect" does, true for each kind of tunnel. */
export function disconnectTitle(session: SessionView): string {
  const tunnel = session.tunnel;
  if (!tunnel) {
    return 'Disconnects this side only: closes its local ports and its connection. The tunnel itself stays open.';
  }
  if (tunnel.endsWithSession) {
    return 'Disconnects this side and closes this sandbox tunnel: a sandbox tunnel opened here ends with it.';
  }
  const where = tunnel.source.kind === 'sandbox' ? 'the sandbox' : 'AWS';
  return `Disconnects this side only: closes its local ports and its connection. The tunnel stays open in ${where}; Close tunnel… ends it for both sides.`;
}

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
  const [reopened, setReopened] = useState<Reopened | null>(null);
  const closed = session.state.kind === 'closed';
  const waiting = session.state.kind === 'reconnecting' || session.state.kind === 'connecting';
  const reopen = closed ? (session.reopen ?? null) : null;

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

  const show = (opened: SessionView) => {
    useSessionsStore.getState().upsert(opened);
    useUiStore.getState().navigate({ view: 'tunnels', sessionId: opened.id });
  };

  const openAgain = (form: Extract<ReopenForm, { kind: 'sandbox' | 'thing' }>) =>
    run('reopen', async () => {
      if (form.kind === 'sandbox') {
        show(await api.openSandbox({ deviceName: form.deviceName, services: form.services }));
        return;
      }
      const opened = await api.openTunnel({
        source: form.source,
        thingName: form.thingName,
        services: form.services,
        peerVersion: form.peerVersion,
      });
      // A new AWS tunnel has a new destination token: shown once, as when first opened. The
      // sandbox's devices take theirs by themselves.
      if (form.source.kind === 'sandbox') show(opened.session);
      else {
        useSessionsStore.getState().upsert(opened.session);
        setReopened({ opened, at: Date.now() });
      }
    });

  const editAndRetry = (form: ReopenForm) => {
    if (form.kind === 'thing') {
      void run('reopen', async () => {
        const thing = await api.describeThing({ source: form.source, thingName: form.thingName });
        useUiStore.getState().startOpenTunnel({ source: form.source, thing });
      });
    } else {
      useUiStore.getState().editAndRetry(form);
    }
  };

  const size = compact ? ' button--small' : '';
  return (
    <div className="session-actions">
      {offerNewToken && canGetNewToken(session) ? (
        <RenewTokenButton session={session} small={compact} />
      ) : null}
      {reopen && reopen.kind !== 'token' ? (
        <button
          type="button"
          className={`button button--primary${size}`}
          disabled={busy !== null}
          onClick={() => void openAgain(reopen)}
          data-testid="open-again"
          aria-label={`Open again: ${session.name}`}
          title={
            reopen.kind === 'sandbox'
              ? 'Opens a new sandbox tunnel to this device with the same services'
              : `Opens a new tunnel to ${reopen.thingName} with the same services`
          }
        >
          <Icon name="refresh" />
          {busy === 'reopen' ? 'Opening…' : 'Open again'}
        </button>
      ) : null}
      {reopen ? (
        <button
          type="button"
          className={`button${reopen.kind === 'token' ? ' button--primary' : ''}${size}`}
          disabled={busy !== null}
          onClick={() => editAndRetry(reopen)}
          data-testid="edit-retry"
          aria-label={`Edit & retry: ${session.name}`}
          title={
            reopen.kind === 'token'
              ? 'The connect form, filled in as before: paste the access token again'
              : 'The form, filled in as before, to change something first'
          }
        >
          <Icon name="edit" />
          Edit &amp; retry
        </button>
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
          onClick={() => run('disconnect', () => api.closeSession({ sessionId: session.id }))}
          data-testid="close-session"
          aria-label={`Disconnect ${session.name}`}
          title={disconnectTitle(session)}
        >
          <Icon name="close" />
          {busy === 'disconnect' ? 'Disconnecting…' : 'Disconnect'}
        </button>
      ) : null}
      <button
        type="button"
        className={`button button--quiet${size}`}
        disabled={busy !== null}
        onClick={() => (closed ? void forget() : setConfirming(true))}
        data-testid="forget-session"
        aria-label={`Forget ${session.name}`}
        title={
          closed
            ? 'Removes it from the list'
            : 'Disconnects and removes it from the list (asks first)'
        }
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
          confirmLabel="Disconnect and forget"
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void forget();
          }}
        >
          <p>
            The tunnel is still connected. Forgetting it disconnects this side, closes every local
            port it serves, and removes it from the list.
          </p>
        </ConfirmDialog>
      ) : null}
      {reopened ? (
        <ReopenedTokenDialog
          reopened={reopened}
          onDismiss={() => {
            setReopened(null);
            show(reopened.opened.session);
          }}
        />
      ) : null}
    </div>
  );
}
