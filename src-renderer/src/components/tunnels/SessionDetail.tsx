/**
 * One tunnel in full: its state and facts, the AWS tunnel behind it (when the app opened it),
 * its services, and its live traffic.
 */
import type { CloseCause, SessionView } from '../../../../src-main/ipc/contract.js';
import { closeDetails, closeSummary } from '../../lib/close-words';
import { useStatsStore } from '../../stores/stats-store';
import { ErrorText } from '../common/ErrorText';
import { Icon } from '../common/Icon';
import { kindLabel } from '../../lib/session-state';
import { hashFromRoute } from '../../stores/ui-store';
import { ConnectionsPanel } from '../live/ConnectionsPanel';
import { ServiceStatsTable } from '../live/ServiceStatsTable';
import { ThroughputPanel } from '../live/ThroughputPanel';
import { ServicesPanel } from '../mappings/ServicesPanel';
import { SessionActions } from './SessionActions';
import { SessionFacts } from './SessionFacts';
import { SessionStateText, StatePill } from './SessionStateText';
import { TunnelPanel } from './TunnelPanel';

export function SessionDetail({ session }: { readonly session: SessionView }) {
  const failed = session.state.kind === 'closed' && session.state.fatal ? session.state : null;
  const liveBytes = useStatsStore((state) => {
    const totals = state.live[session.id]?.totals;
    return totals ? totals.bytesIn + totals.bytesOut : 0;
  });
  const carried =
    liveBytes > 0 || (session.finalStats?.bytesIn ?? 0) + (session.finalStats?.bytesOut ?? 0) > 0;
  return (
    <div className="page page--detail" data-testid="session-detail" data-session-id={session.id}>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <a href={hashFromRoute({ view: 'tunnels', sessionId: null })}>Tunnels</a>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{session.name}</span>
      </nav>
      <header className="page__header">
        <div className="detail-title">
          <h1 className="page__title">{session.name}</h1>
          <span className="chip">{kindLabel(session.kind)}</span>
          <StatePill session={session} />
          <SessionStateText session={session} />
        </div>
        <div className="page__actions">
          <SessionActions session={session} offerNewToken={false} />
        </div>
      </header>
      {failed ? <FailurePanel session={session} cause={failed.cause} /> : null}
      <SessionFacts session={session} />
      {session.tunnel ? <TunnelPanel session={session} tunnel={session.tunnel} /> : null}
      <ServicesPanel session={session} />
      {/* A tunnel that failed without carrying anything has no figures to plot. */}
      {failed && !carried ? null : (
        <>
          <div className="live-grid">
            <ThroughputPanel sessionId={session.id} closed={session.state.kind === 'closed'} />
            <ServiceStatsTable sessionId={session.id} />
          </div>
          <ConnectionsPanel sessionId={session.id} />
        </>
      )}
    </div>
  );
}

/** Why the tunnel failed, first and alone: one sentence, the ways on, then the details. */
function FailurePanel({
  session,
  cause,
}: {
  readonly session: SessionView;
  readonly cause: CloseCause;
}) {
  return (
    <section
      className="panel failure-panel"
      role="alert"
      aria-labelledby={`failure-${session.id}`}
      data-testid="failure-panel"
    >
      <div className="failure-panel__icon" aria-hidden="true">
        <Icon name="alert" size={20} />
      </div>
      <div className="failure-panel__body">
        <h2 className="failure-panel__title" id={`failure-${session.id}`}>
          This tunnel failed
        </h2>
        <ErrorText summary={closeSummary(cause)} details={closeDetails(cause)} />
        <p className="failure-panel__next">
          {session.reopen?.kind === 'token'
            ? 'Edit & retry fills in the connect form as before; paste the access token again.'
            : session.reopen
              ? 'Open again opens a new tunnel the same way; Edit & retry lets you change it first.'
              : 'Forget it to clear it from the list.'}
        </p>
      </div>
    </section>
  );
}
