import { beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../src-main/ipc/contract.js';
import { filterLogs, LOG_CAPACITY, mergeLogs, useLogsStore } from './logs-store';

const entry = (seq: number, level = 4, message = `line ${seq}`, scope = 'app'): LogEntry => ({
  seq,
  time: seq,
  level,
  scope,
  message,
});

describe('the logs store', () => {
  beforeEach(() => useLogsStore.setState(useLogsStore.getInitialState(), true));

  it(`keeps only the newest ${LOG_CAPACITY} lines`, () => {
    const batch = Array.from({ length: LOG_CAPACITY + 250 }, (_, i) => entry(i + 1));
    useLogsStore.getState().append(batch.slice(0, 1_000));
    useLogsStore.getState().append(batch.slice(1_000));
    const entries = useLogsStore.getState().entries;
    expect(entries).toHaveLength(LOG_CAPACITY);
    expect(entries[0]!.seq).toBe(251);
    expect(entries.at(-1)!.seq).toBe(LOG_CAPACITY + 250);
  });

  it('merges a seed that overlaps pushed lines without duplicates, in order', () => {
    useLogsStore.getState().append([entry(3), entry(4)]);
    useLogsStore.getState().append([entry(1), entry(2), entry(3)]);
    expect(useLogsStore.getState().entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('returns the same array when nothing new arrives', () => {
    const current = [entry(1)];
    expect(mergeLogs(current, [], 10)).toBe(current);
  });
});

describe('filterLogs', () => {
  const lines = [
    entry(1, 2, 'listener failed: port 5555 already in use', 'tunnel pi'),
    entry(2, 4, 'opened tunnel "pi"', 'app'),
    entry(3, 5, 'frame sent', 'mux'),
    entry(4, 3, 'slow peer', 'sandbox'),
  ];

  it('shows the chosen level and everything more severe', () => {
    expect(filterLogs(lines, 3, '').map((e) => e.seq)).toEqual([1, 4]);
    expect(filterLogs(lines, 6, '')).toHaveLength(4);
  });

  it('searches message and scope, case-insensitively', () => {
    expect(filterLogs(lines, 6, 'PORT').map((e) => e.seq)).toEqual([1]);
    expect(filterLogs(lines, 6, 'sandbox').map((e) => e.seq)).toEqual([4]);
    expect(filterLogs(lines, 6, '  ')).toHaveLength(4);
  });
});
