/** The log lines, virtualised with measured heights (long lines wrap), following the tail. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { LogEntry } from '../../../../src-main/ipc/contract.js';
import { formatLogTime } from '../../lib/format';
import { levelLabel, levelName } from '../../lib/log-levels';

const ESTIMATED_ROW = 22;

export function LogList({ entries }: { readonly entries: readonly LogEntry[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read only in this render
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_ROW,
    overscan: 20,
    getItemKey: (index) => entries[index]!.seq,
  });

  useEffect(() => {
    if (following.current && entries.length > 0)
      virtualizer.scrollToIndex(entries.length - 1, { align: 'end' });
  }, [entries, virtualizer]);

  return (
    <div
      ref={scroller}
      className="log-list"
      role="log"
      aria-label="Log lines"
      aria-live="off"
      tabIndex={0}
      onScroll={(event) => {
        const el = event.currentTarget;
        following.current = el.scrollHeight - el.scrollTop - el.clientHeight < ESTIMATED_ROW * 2;
      }}
    >
      {entries.length === 0 ? <p className="table__empty">No lines match.</p> : null}
      <div className="log-list__body" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => (
          <LogLine
            key={item.key}
            entry={entries[item.index]!}
            index={item.index}
            offset={item.start}
            measure={virtualizer.measureElement}
          />
        ))}
      </div>
    </div>
  );
}

interface LogLineProps {
  readonly entry: LogEntry;
  readonly index: number;
  readonly offset: number;
  readonly measure: (element: Element | null) => void;
}

const LogLine = memo(function LogLine({ entry, index, offset, measure }: LogLineProps) {
  const level = levelName(entry.level);
  const label = levelLabel(entry.level);
  return (
    <div
      ref={measure}
      data-index={index}
      className={`log-line log-line--${level}`}
      style={{ transform: `translateY(${offset}px)` }}
      data-testid="log-line"
    >
      <span className="log-line__time mono">{formatLogTime(entry.time)}</span>
      <span className={`log-line__level log-line__level--${level} mono`}>{label}</span>
      <span className="log-line__scope mono">{entry.scope}</span>
      <span className="log-line__message mono">{entry.message}</span>
    </div>
  );
});
