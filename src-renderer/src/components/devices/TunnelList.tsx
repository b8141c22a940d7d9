/**
 * The tunnels of one thing in one source (ListTunnels), CLOSED ones hidden unless asked
 * for, each with its state, what it is for, when it was opened, the app's session on it if
 * any, and "Close…". It is asked again when the app's own tunnels to this thing change
 * (one opened or closed here), and on Refresh for those opened elsewhere.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import type { AwsSource, TunnelSummary } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { toShownError, type ShownError } from '../../lib/app-error';
import { sourceKey } from '../../lib/aws-source';
import { formatClock, formatDuration } from '../../lib/format';
import { useNow } from '../../hooks/use-now';
import { useSessionsStore } from '../../stores/sessions-store';
import { hashFromRoute } from '../../stores/ui-store';
import { AwsErrorNotice } from '../aws/AwsErrorNotice';
import { Icon } from '../common/Icon';
import { CloseTunnelDialog } from './CloseTunnelDialog';

const PAGE = 25;

/** An answer of ListTunnels, for the query it answers. */
type Answer =
  | { readonly query: string; readonly status: 'error'; readonly error: ShownError }
  | {
      readonly query: string;
      readonly status: 'ready';
      readonly tunnels: readonly TunnelSummary[];
      readonly nextToken: string | null;
    };

/** What the app's sessions say of this thing's tunnels: it changes when one opens or closes. */
function useOwnTunnelsSignature(source: AwsSource, thingName: string): string {
  const key = sourceKey(source);
  return useSessionsStore((state) =>
    state.sessions
      .filter(
        (s) => s.tunnel && s.tunnel.thingName === thingName && sourceKey(s.tunnel.source) === key,
      )
      .map((s) => `${s.id}:${s.tunnel!.status}`)
      .join(' '),
  );
}

export function TunnelList({
  source,
  thingName,
}: {
  readonly source: AwsSource;
  readonly thingName: string;
}) {
  const api = useApi();
  const [showClosed, setShowClosed] = useState(false);
  const [nonce, setNonce] = useState(0);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [closing, setClosing] = useState<TunnelSummary | null>(null);
  const [more, setMore] = useState(false);
  const own = useOwnTunnelsSignature(source, thingName);
  const key = sourceKey(source);
  const query = `${key} ${thingName} ${showClosed}`;
  const titleId = useId();
  const refresh = useCallback(() => setNonce((n) => n + 1), []);
  // A refresh of the same query keeps its rows on screen until the new answer.
  const state = answer?.query === query ? answer : { status: 'loading' as const };

  useEffect(() => {
    let current = true;
    api.listTunnels({ source, thingName, includeClosed: showClosed, maxResults: PAGE }).then(
      (page) => current && setAnswer({ query, status: 'ready', ...page }),
      (error: unknown) =>
        current && setAnswer({ query, status: 'error', error: toShownError(error) }),
    );
    return () => {
      current = false;
    };
    // `source` is described by `query`; `own` and `nonce` are reasons to ask again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, query, own, nonce]);

  const loadMore = async () => {
    if (state.status !== 'ready' || state.nextToken === null) return;
    setMore(true);
    try {
      const page = await api.listTunnels({
        source,
        thingName,
        includeClosed: showClosed,
        maxResults: PAGE,
        nextToken: state.nextToken,
      });
      setAnswer((previous) =>
        previous?.query === query && previous.status === 'ready'
          ? {
              ...previous,
              tunnels: previous.tunnels.concat(page.tunnels),
              nextToken: page.nextToken,
            }
          : previous,
      );
    } catch (error) {
      setAnswer({ query, status: 'error', error: toShownError(error) });
    } finally {
      setMore(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={titleId} data-testid="thing-tunnels">
      <header className="panel__header">
        <h3 className="panel__title" id={titleId}>
          Tunnels
        </h3>
        <p className="panel__hint">
          {showClosed ? 'Open and closed tunnels' : 'Open tunnels; closed ones are hidden'}
        </p>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={showClosed}
            onChange={(event) => setShowClosed(event.target.checked)}
            data-testid="show-closed-tunnels"
          />
          Show closed
        </label>
        <button
          type="button"
          className="icon-button"
          onClick={refresh}
          aria-label="Refresh the tunnels"
          title="Refresh the tunnels"
          data-testid="refresh-tunnels"
        >
          <Icon name="refresh" />
        </button>
      </header>
      {state.status === 'error' ? (
        <div className="panel__pad">
          <AwsErrorNotice error={state.error} testId="tunnels-error" onRetry={refresh} />
        </div>
      ) : state.status === 'loading' ? (
        <p className="panel__empty">Loading tunnels…</p>
      ) : state.tunnels.length === 0 ? (
        <p className="panel__empty" data-testid="no-tunnels">
          {showClosed ? 'No tunnels to this device.' : 'No open tunnels to this device.'}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table tunnel-table">
            <thead>
              <tr>
                <th scope="col">Tunnel</th>
                <th scope="col">Status</th>
                <th scope="col">Description</th>
                <th scope="col">Opened</th>
                <th scope="col" title="The app's session on this tunnel">
                  Session
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.tunnels.map((tunnel) => (
                <TunnelRow
                  key={tunnel.tunnelId}
                  tunnel={tunnel}
                  onClose={() => setClosing(tunnel)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {state.status === 'ready' && state.nextToken !== null ? (
        <footer className="panel__footer">
          <button
            type="button"
            className="button button--small"
            onClick={() => void loadMore()}
            disabled={more}
          >
            {more ? 'Loading…' : 'Load more'}
          </button>
        </footer>
      ) : null}
      {closing ? (
        <CloseTunnelDialog
          source={source}
          tunnelId={closing.tunnelId}
          thingName={thingName}
          hasSession={closing.sessionId !== null}
          onCancel={() => setClosing(null)}
          onClosed={() => {
            setClosing(null);
            refresh();
          }}
        />
      ) : null}
    </section>
  );
}

function TunnelRow({
  tunnel,
  onClose,
}: {
  readonly tunnel: TunnelSummary;
  readonly onClose: () => void;
}) {
  const open = tunnel.status === 'OPEN';
  return (
    <tr data-testid="tunnel-row" data-tunnel-id={tunnel.tunnelId} data-status={tunnel.status}>
      <td className="mono tunnel-table__id" title={tunnel.tunnelArn}>
        {tunnel.tunnelId}
      </td>
      <td>
        <span className={`pill pill--${open ? 'ok' : 'muted'}`} data-testid="tunnel-row-status">
          {tunnel.status}
        </span>
      </td>
      <td className="tunnel-table__description" title={tunnel.description ?? undefined}>
        {tunnel.description ?? <span className="muted">—</span>}
      </td>
      <td className="mono">{tunnel.createdAt ? <Opened at={tunnel.createdAt} /> : '—'}</td>
      <td>
        {tunnel.sessionId ? (
          <a
            href={hashFromRoute({ view: 'tunnels', sessionId: tunnel.sessionId })}
            aria-label={`View the session on tunnel ${tunnel.tunnelId}`}
          >
            View
          </a>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="tunnel-table__actions">
        {open ? (
          <button
            type="button"
            className="button button--small"
            onClick={onClose}
            aria-label={`Close tunnel ${tunnel.tunnelId}`}
            data-testid="tunnel-row-close"
          >
            <Icon name="close" />
            Close…
          </button>
        ) : null}
      </td>
    </tr>
  );
}

function Opened({ at }: { readonly at: number }) {
  const now = useNow(1_000);
  return (
    <span title={new Date(at).toLocaleString()}>
      {formatClock(at)} <span className="muted">({formatDuration(now - at)} ago)</span>
    </span>
  );
}
