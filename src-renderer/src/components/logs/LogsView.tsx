/**
 * The app's log: every line main keeps (seeded, then pushed in batches), filtered by level
 * (named: Error, Warning, Info, Debug, Trace) and by a search, virtualised, following the newest line while the view
 * is scrolled to the bottom. Main redacts tokens before a line leaves it.
 */
import { useDeferredValue, useMemo, useState } from 'react';
import { copyText } from '../../lib/clipboard';
import { formatCount, formatLogTime } from '../../lib/format';
import { LOG_LEVELS, levelLabel } from '../../lib/log-levels';
import { filterLogs, LOG_CAPACITY, useLogsStore } from '../../stores/logs-store';
import { Icon } from '../common/Icon';
import { LogList } from './LogList';

export function formatLogLine(entry: {
  time: number;
  level: number;
  scope: string;
  message: string;
}): string {
  return `${formatLogTime(entry.time)} ${levelLabel(entry.level).padEnd(7)} [${entry.scope}] ${entry.message}`;
}

export function LogsView() {
  const entries = useLogsStore((state) => state.entries);
  const maxLevel = useLogsStore((state) => state.maxLevel);
  const query = useLogsStore((state) => state.query);
  const { setMaxLevel, setQuery } = useLogsStore.getState();
  // Typing stays responsive while thousands of lines are filtered behind it.
  const deferredQuery = useDeferredValue(query);
  const visible = useMemo(
    () => filterLogs(entries, maxLevel, deferredQuery),
    [entries, maxLevel, deferredQuery],
  );
  const [copied, setCopied] = useState<{ ok: boolean; text: string } | null>(null);

  const copy = async () => {
    try {
      await copyText(visible.map(formatLogLine).join('\n'));
      setCopied({
        ok: true,
        text: `Copied ${formatCount(visible.length)} ${visible.length === 1 ? 'line' : 'lines'}`,
      });
    } catch (error) {
      setCopied({ ok: false, text: (error as Error).message });
    }
  };

  return (
    <div className="page page--logs">
      <header className="page__header">
        <div>
          <h1 className="page__title">Logs</h1>
          <p className="page__subtitle">
            The last {formatCount(LOG_CAPACITY)} lines of every tunnel and the sandbox. Tokens are
            never logged.
          </p>
        </div>
      </header>
      <div className="toolbar" role="toolbar" aria-label="Log filters">
        <label className="toolbar__field">
          <span className="toolbar__label">Level</span>
          <select
            className="select"
            value={maxLevel}
            onChange={(event) => setMaxLevel(Number(event.target.value))}
            data-testid="log-level"
          >
            {LOG_LEVELS.map(({ level, filter }) => (
              <option key={level} value={level}>
                {filter}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar__field toolbar__field--grow">
          <span className="toolbar__label">Search</span>
          <input
            className="input"
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder="Text in the message or scope"
            data-testid="log-search"
          />
        </label>
        <p className="toolbar__count mono" aria-live="polite" data-testid="log-count">
          {formatCount(visible.length)} of {formatCount(entries.length)} lines
        </p>
        <button
          type="button"
          className="button"
          onClick={() => void copy()}
          disabled={visible.length === 0}
          data-testid="log-copy"
        >
          <Icon name="copy" />
          Copy
        </button>
        <span
          className={`toolbar__result${copied && !copied.ok ? ' toolbar__result--error' : ''}`}
          aria-live="polite"
        >
          {copied?.text}
        </span>
      </div>
      <LogList entries={visible} />
    </div>
  );
}
