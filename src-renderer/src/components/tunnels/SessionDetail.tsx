/**
 * One tunnel in full: its state and facts, the AWS tunnel behind it (when the app opened it),
 * its services, and its live traffic.
 */
import type { SessionView } from '../../../../src-main/ipc/contract.js';
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
      <SessionFacts session={session} />
      {session.tunnel ? <TunnelPanel session={session} tunnel={session.tunnel} /> : null}
      <ServicesPanel session={session} />
      <div className="live-grid">
        <ThroughputPanel sessionId={session.id} closed={session.state.kind === 'closed'} />
        <ServiceStatsTable sessionId={session.id} />
      </div>
      <ConnectionsPanel sessionId={session.id} />
    </div>
  );
}
