/** Navigation: Tunnels (with each tunnel), Devices, Logs, and whether the page is live. */
import { stateLook } from '../../lib/session-state';
import { useConnectionStore } from '../../stores/connection-store';
import { useLogsStore } from '../../stores/logs-store';
import { useSessionsStore } from '../../stores/sessions-store';
import { hashFromRoute, useUiStore } from '../../stores/ui-store';
import { Icon } from '../common/Icon';
import { StatusDot } from '../common/StatusDot';

export function Sidebar() {
  const route = useUiStore((state) => state.route);
  const sessions = useSessionsStore((state) => state.sessions);
  const problems = useLogsStore(
    (state) => state.entries.filter((entry) => entry.level <= 2).length,
  );
  const current = (here: boolean) => (here ? ('page' as const) : undefined);
  return (
    <nav className="sidebar" aria-label="Main">
      <ul className="nav">
        <li>
          <a
            className="nav__item"
            href={hashFromRoute({ view: 'tunnels', sessionId: null })}
            aria-current={current(route.view === 'tunnels' && route.sessionId === null)}
          >
            <Icon name="tunnel" />
            <span className="nav__label">Tunnels</span>
            <span className="nav__count mono">{sessions.length}</span>
          </a>
          {sessions.length > 0 ? (
            <ul className="nav__sub" aria-label="Tunnels">
              {sessions.map((session) => {
                const look = stateLook(session.state);
                return (
                  <li key={session.id}>
                    <a
                      className="nav__item nav__item--session"
                      href={hashFromRoute({ view: 'tunnels', sessionId: session.id })}
                      aria-current={current(
                        route.view === 'tunnels' && route.sessionId === session.id,
                      )}
                    >
                      <StatusDot
                        tone={look.tone}
                        pulse={look.tone === 'busy' || look.tone === 'warn'}
                      />
                      <span className="nav__label nav__label--session">{session.name}</span>
                      <span className="visually-hidden">, {look.label}</span>
                    </a>
                  </li>
                );
              })}
            </ul>
          ) : null}
        </li>
        <li>
          <a
            className="nav__item"
            href={hashFromRoute({ view: 'devices' })}
            aria-current={current(route.view === 'devices')}
          >
            <Icon name="device" />
            <span className="nav__label">Devices</span>
          </a>
        </li>
        <li>
          <a
            className="nav__item"
            href={hashFromRoute({ view: 'logs' })}
            aria-current={current(route.view === 'logs')}
          >
            <Icon name="logs" />
            <span className="nav__label">Logs</span>
            {problems > 0 ? (
              <span className="nav__count nav__count--error mono" title={`${problems} errors`}>
                {problems}
              </span>
            ) : null}
          </a>
        </li>
      </ul>
      <TransportStatus />
    </nav>
  );
}

function TransportStatus() {
  const transport = useConnectionStore((state) => state.transport);
  const runtime = useConnectionStore((state) => state.appInfo?.runtime);
  const [tone, text] =
    transport.kind === 'open'
      ? (['ok', runtime === 'electron' ? 'Live' : 'Live over WebSocket'] as const)
      : transport.kind === 'connecting'
        ? (['busy', 'Connecting to TunnelDesk…'] as const)
        : (['error', 'Disconnected'] as const);
  return (
    <p className="sidebar__status" data-testid="transport-status">
      <StatusDot tone={tone} />
      {text}
    </p>
  );
}
