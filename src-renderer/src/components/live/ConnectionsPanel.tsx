/**
 * Every connection of a tunnel, live. Virtualised, and fed by window: main filters and sorts
 * the list, and this view asks only for the rows around the ones in view
 * (use-connections-window.ts), so a thousand connections cost what thirty do; each row
 * re-renders only when its own figures change.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import { useConnectionsWindow } from '../../hooks/use-connections-window';
import type { ServiceRow } from '../../stores/stats-store';
import { useStatsStore } from '../../stores/stats-store';
import { formatCount } from '../../lib/format';
import { useConnectionsStore } from '../../stores/connections-store';
import { ConnectionRow } from './ConnectionRow';

const ROW_HEIGHT = 28;
const MAX_HEIGHT = 28 * 14;
const NO_SERVICES: readonly ServiceRow[] = [];

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
  const held = useConnectionsStore((state) => state.windows[sessionId]);
  const services = useStatsStore((state) => state.live[sessionId]?.services ?? NO_SERVICES);
  const [filter, setFilter] = useState('');
  const scroller = useRef<HTMLDivElement>(null);
  const matching = held?.matching ?? 0;
  const offset = held?.offset ?? 0;
  const rowAt = (index: number) => held?.rows[index - offset];

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read only in this render
  const virtualizer = useVirtualizer({
    count: matching,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    // Few: the rows beyond these come from main's window (use-connections-window.ts).
    overscan: 4,
    // Keys by position (the default): a key function that changes with every page would
    // have the virtualizer measure all rows again on each update and each scrolled frame
    // (its getMeasurements was the heaviest function of the scrolling profile).
  });
  const items = virtualizer.getVirtualItems();
  useConnectionsWindow(
    sessionId,
    filter.trim().toLowerCase(),
    items[0]?.index ?? 0,
    items.at(-1)?.index ?? 0,
  );

  const open = held?.open ?? 0;
  const listed = held?.listed ?? 0;
  const opened = services.reduce((sum, service) => sum + service.connectionsOpened, 0);
  const height = Math.min(MAX_HEIGHT, Math.max(matching, 1) * ROW_HEIGHT);

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
        aria-rowcount={matching + 1}
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
          {matching === 0 ? (
            <p className="table__empty" role="row">
              <span role="cell">
                {listed > 0
                  ? 'No connection matches the filter.'
                  : opened > 0
                    ? 'No open connections.'
                    : 'No connections yet. Open a service to see its traffic here.'}
              </span>
            </p>
          ) : (
            <div
              // Only sizes the virtual list: the rows belong to the rowgroup above.
              role="presentation"
              className="conn-table__body"
              style={{ height: virtualizer.getTotalSize() }}
            >
              {items.map((item) => {
                // A row main has not sent yet (a fast scroll): blank until the next answer.
                const row = rowAt(item.index);
                return row ? (
                  <ConnectionRow
                    key={item.key}
                    row={row}
                    index={item.index}
                    offset={item.start}
                    height={ROW_HEIGHT}
                  />
                ) : null;
              })}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
