/**
 * The log lines the Logs view shows: seeded from getLogs, appended from onLogs, capped so a
 * chatty tunnel cannot grow the renderer without bound. Lines carry main's sequence number,
 * so a seed that overlaps pushes already received merges without duplicates. Main redacts
 * tokens before a line is ever pushed; nothing here holds a secret.
 */
import { create } from 'zustand';
import type { LogEntry } from '../../../src-main/ipc/contract.js';

export const LOG_CAPACITY = 3_000;

interface LogsState {
  readonly entries: readonly LogEntry[];
  /** Show levels up to this one on the `-v` scale (4: info and more severe). */
  readonly maxLevel: number;
  readonly query: string;
  append(entries: readonly LogEntry[]): void;
  setMaxLevel(level: number): void;
  setQuery(query: string): void;
}

export function mergeLogs(
  current: readonly LogEntry[],
  incoming: readonly LogEntry[],
  capacity: number,
): readonly LogEntry[] {
  if (incoming.length === 0) return current;
  const lastSeq = current.at(-1)?.seq ?? 0;
  let merged: LogEntry[];
  if (incoming.every((entry, i) => entry.seq > (i === 0 ? lastSeq : incoming[i - 1]!.seq))) {
    // The usual case, a push of newer lines: no need to sort.
    merged = current.concat(incoming);
  } else {
    const bySeq = new Map<number, LogEntry>();
    for (const entry of current) bySeq.set(entry.seq, entry);
    for (const entry of incoming) bySeq.set(entry.seq, entry);
    merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
  return merged.length > capacity ? merged.slice(merged.length - capacity) : merged;
}

export const useLogsStore = create<LogsState>()((set) => ({
  entries: [],
  maxLevel: 4,
  query: '',
  append: (incoming) =>
    set((state) => ({ entries: mergeLogs(state.entries, incoming, LOG_CAPACITY) })),
  setMaxLevel: (maxLevel) => set({ maxLevel }),
  setQuery: (query) => set({ query }),
}));

/** The lines a level and a search leave, oldest first. Case-insensitive, scope included. */
export function filterLogs(
  entries: readonly LogEntry[],
  maxLevel: number,
  query: string,
): readonly LogEntry[] {
  const needle = query.trim().toLowerCase();
  return entries.filter(
    (entry) =>
      entry.level <= maxLevel &&
      (needle === '' ||
        entry.message.toLowerCase().includes(needle) ||
        entry.scope.toLowerCase().includes(needle)),
  );
}
