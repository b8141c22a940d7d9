/**
 * A tunnel's state in words, with what matters for each: the attempt while connecting, how
 * long and how fast while connected, a live countdown and the last error while waiting to
 * reconnect, and the reason once closed.
 */
import type { SessionView } from '../../../../src-main/ipc/contract.js';
import { closeSummary } from '../../lib/close-words';
import { describeRetry } from '../../lib/countdown';
import { formatClock, formatDuration, formatLatency } from '../../lib/format';
import { stateLook } from '../../lib/session-state';
import { useNow } from '../../hooks/use-now';
import { StatusDot } from '../common/StatusDot';

export function StatePill({ session }: { readonly session: SessionView }) {
  const look = stateLook(session.state);
  return (
    <span
      className={`pill pill--${look.tone}`}
      data-testid="session-state"
      data-state={session.state.kind}
    >
      <StatusDot tone={look.tone} pulse={look.tone === 'busy' || look.tone === 'warn'} />
      {look.label}
    </span>
  );
}

export function SessionStateText({ session }: { readonly session: SessionView }) {
  const state = session.state;
  switch (state.kind) {
    case 'connecting':
      return (
        <span className="state-text">
          {state.attempt > 0 ? `attempt ${state.attempt}` : 'opening the tunnel'}
        </span>
      );
    case 'connected':
      return (
        <span className="state-text">
          <ConnectedFor since={state.since} /> · latency{' '}
          <span className="mono">{formatLatency(session.latencyMs)}</span>
        </span>
      );
    case 'reconnecting':
      return (
        <span className="state-text state-text--warn">
          <RetryCountdown retryAt={state.retryAt} /> (attempt {state.attempt}) ·{' '}
          {closeSummary(state.lastCause)}
        </span>
      );
    case 'closed':
      return (
        <span className={`state-text${state.fatal ? ' state-text--error' : ''}`}>
          {session.closedAt ? (
            <>
              <ClosedAt at={session.closedAt} openedAt={session.createdAt} /> ·{' '}
            </>
          ) : null}
          {closeSummary(state.cause)}
        </span>
      );
  }
}

export function ConnectedFor({ since }: { readonly since: number }) {
  const now = useNow(1_000);
  return (
    <span title={new Date(since).toLocaleString()}>
      since <span className="mono">{formatClock(since)}</span> ({formatDuration(now - since)})
    </span>
  );
}

/** When a tunnel closed, and how long it had been open (not when it opened). */
export function ClosedAt({ at, openedAt }: { readonly at: number; readonly openedAt: number }) {
  return (
    <span title={`Closed ${new Date(at).toLocaleString()}`} data-testid="closed-at">
      closed <span className="mono">{formatClock(at)}</span> (open {formatDuration(at - openedAt)})
    </span>
  );
}

export function RetryCountdown({ retryAt }: { readonly retryAt: number }) {
  const now = useNow(250);
  return (
    <span className="mono" data-testid="retry-countdown">
      {describeRetry(retryAt, now)}
    </span>
  );
}
