/**
 * Every connection of a tunnel, live. Virtualised: only the rows in view exist in the DOM,
 * so a thousand connections cost what thirty do; each row re-renders only when its own
 * figures change.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { ConnectionRow as Row, ServiceRow } from '../../stores/stats-store';
import { useStatsStore } from '../../stores/stats-store';
import { formatCount } from '../../lib/format';
import { ConnectionRow } from './ConnectionRow';

const ROW_HEIGHT = 28;
const MAX_HEIGHT = 28 * 14;
const NO_ROWS: readonly Row[] = [];
const NO_SERVICES: readonly ServiceRow[] = [];

const STATE_ORDER: Record<Row['state'], number> = { connecting: 0, open: 0, closing: 1, closed: 2 };

/** Live ones first, newest first, so a new connection shows at the top. */
function byRecency(a: Row, b: Row): number {
  return (
    STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
    b.openedAt - a.openedAt ||
    (a.key < b.key ? -1 : 1)
  );
}

/**
 * How many are open and how many came since the tunnel opened, so a quiet tunnel still says
 * that traffic went through ("No open connections · 53 since opened").
 */
export function connectionCount(open: number, opened: number): string {
  if (opened === 0 && open === 0) return 'No connections yet';
  const since = `${formatCount(Math.max(opened, open))} since opened`;
  return open === 0 ? `No open connections · ${since}` : `${formatCount(open)} open · ${since}`;
}

export function ConnectionsPanel({ sessionId }: { readonly sessionId: string }) {
  const rows = useStatsStore((state) => state.live[sessionId]?.connections ?? NO_ROWS);
  const services = useStatsStore((state) => state.live[sessionId]?.services ?? NO_SERVICES);
  const [filter, setFilter] = useState('');
  const scroller = useRef<HTMLDivElement>(null);

  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const matching = needle
      ? rows.filter(
          (row) =>
            row.key.toLowerCase().includes(needle) ||
            row.peer.toLowerCase().includes(needle) ||
            row.state === needle,
        )
      : rows.slice();
    return matching.sort(byRecency);
  }, [rows, filter]);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read only in this render
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => visible[index]!.id,
  });

  const open = rows.filter((row) => row.state === 'open' || row.state === 'connecting').length;
  const opened = services.reduce((sum, service) => sum + service.connectionsOpened, 0);
  const height = Math.min(MAX_HEIGHT, Math.max(visible.length, 1) * ROW_HEIGHT);

  return (
    <section className="panel" aria-labelledby={`connections-${sessionId}`}>
      <header className="panel__header">
        <h2 className="panel__title" id={`connections-${sessionId}`}>
          Connections
        </h2>
        <p
          className="panel__hint"
          data-testid="connection-count"
          data-open={open}
          data-opened={opened}
        >
          {connectionCount(open, opened)}
        </p>
        <input
          className="input input--small input--filter"
          type="search"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          placeholder="Filter by key, peer or state"
          aria-label="Filter connections"
        />
      </header>
      <div
        className="conn-table"
        role="table"
        aria-label="Connections"
        aria-rowcount={visible.length + 1}
      >
        <div className="conn-row conn-row--head" role="row" aria-rowindex={1}>
          <span role="columnheader">Connection</span>
          <span role="columnheader">State</span>
          <span role="columnheader">Peer</span>
          <span role="columnheader" className="num">
            ↓ In
          </span>
          <span role="columnheader" className="num">
            ↑ Out
          </span>
          <span role="columnheader" className="num">
            ↓ Rate
          </span>
          <span role="columnheader" className="num">
            ↑ Rate
          </span>
          <span role="columnheader">Activity</span>
          <span role="columnheader" className="num">
            Age
          </span>
        </div>
        <div
          ref={scroller}
          className="conn-table__scroll"
          style={{ height }}
          // A rowgroup (not a bare focusable div) so the table's children are all rows.
          role="rowgroup"
          tabIndex={0}
          aria-label="Connection rows"
        >
          {visible.length === 0 ? (
            <p className="table__empty" role="row">
              <span role="cell">
                {rows.length > 0
                  ? 'No connection matches the filter.'
                  : opened > 0
                    ? 'No open connections.'
                    : 'No connections yet. Open a service to see its traffic here.'}
              </span>
            </p>
          ) : (
            <div className="conn-table__body" style={{ height: virtualizer.getTotalSize() }}>
              {virtualizer.getVirtualItems().map((item) => (
                <ConnectionRow
                  key={item.key}
                  row={visible[item.index]!}
                  index={item.index}
                  offset={item.start}
                  height={ROW_HEIGHT}
                />
              ))}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
