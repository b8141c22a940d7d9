/**
 * Navigation: Tunnels (with each tunnel), Devices, Logs, and whether the page is live. It
 * collapses to icons (layout-store: narrow windows, or the toggle); the labels then stay in
 * the page, visually hidden, so every link keeps its accessible name, and show as tooltips.
 */
import { useEffect } from 'react';
import { stateLook } from '../../lib/session-state';
import { useConnectionStore } from '../../stores/connection-store';
import { useLogsStore } from '../../stores/logs-store';
import { useSessionsStore } from '../../stores/sessions-store';
import { NARROW_QUERY, sidebarCollapsed, useLayoutStore } from '../../stores/layout-store';
import { hashFromRoute, useUiStore } from '../../stores/ui-store';
import { Icon } from '../common/Icon';
import { StatusDot } from '../common/StatusDot';

export const SIDEBAR_ID = 'sidebar';

/** Keeps layout-store's `narrow` in step with the window's width. */
function useNarrowWindow(): void {
  const setNarrow = useLayoutStore((state) => state.setNarrow);
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return;
    const query = window.matchMedia(NARROW_QUERY);
    const update = () => setNarrow(query.matches);
    update();
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, [setNarrow]);
}

export function Sidebar() {
  useNarrowWindow();
  const collapsed = useLayoutStore(sidebarCollapsed);
  const toggle = useLayoutStore((state) => state.toggleSidebar);
  const route = useUiStore((state) => state.route);
  const sessions = useSessionsStore((state) => state.sessions);
  const problems = useLogsStore(
    (state) => state.entries.filter((entry) => entry.level <= 2).length,
  );
  const current = (here: boolean) => (here ? ('page' as const) : undefined);
  return (
    <nav
      id={SIDEBAR_ID}
      className={collapsed ? 'sidebar sidebar--collapsed' : 'sidebar'}
      aria-label="Main"
      data-collapsed={collapsed}
    >
      <ul className="nav">
        <li>
          <a
            className="nav__item"
            href={hashFromRoute({ view: 'tunnels', sessionId: null })}
            aria-current={current(route.view === 'tunnels' && route.sessionId === null)}
            title={collapsed ? `Tunnels (${sessions.length})` : undefined}
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
                      title={collapsed ? `${session.name}, ${look.label}` : undefined}
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
            title={collapsed ? 'Devices' : undefined}
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
            title={collapsed ? (problems > 0 ? `Logs (${problems} errors)` : 'Logs') : undefined}
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
      <button
        type="button"
        className="sidebar__toggle"
        aria-controls={SIDEBAR_ID}
        aria-expanded={!collapsed}
        aria-label={collapsed ? 'Expand sidebar' : 'Collapse sidebar'}
        title={collapsed ? 'Expand sidebar' : 'Collapse sidebar'}
        onClick={toggle}
        data-testid="sidebar-toggle"
      >
        <Icon name="sidebar" />
        <span className="nav__label">Collapse</span>
      </button>
      <TransportStatus collapsed={collapsed} />
    </nav>
  );
}

function TransportStatus({ collapsed }: { readonly collapsed: boolean }) {
  const transport = useConnectionStore((state) => state.transport);
  const runtime = useConnectionStore((state) => state.appInfo?.runtime);
  const [tone, text] =
    transport.kind === 'open'
      ? (['ok', runtime === 'electron' ? 'Live' : 'Live over WebSocket'] as const)
      : transport.kind === 'connecting'
        ? (['busy', 'Connecting to TunnelDesk…'] as const)
        : (['error', 'Disconnected'] as const);
  return (
    <p
      className="sidebar__status"
      data-testid="transport-status"
      title={collapsed ? text : undefined}
    >
      <StatusDot tone={tone} />
      <span className="sidebar__status-text">{text}</span>
    </p>
  );
}
