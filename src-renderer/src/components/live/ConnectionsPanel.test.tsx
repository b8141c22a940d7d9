import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStats, SessionStats } from '../../../../src-main/ipc/contract.js';
import { resetStatsStore, useStatsStore } from '../../stores/stats-store';
import { stubLayout } from '../../test-support/harness';
import { ConnectionsPanel } from './ConnectionsPanel';

// Counts the rows that render: each rendered row formats its two byte counts once.
const renders = vi.hoisted(() => ({ formatBytes: 0 }));
vi.mock('../../lib/format', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lib/format')>();
  return {
    ...actual,
    formatBytes: (bytes: number) => {
      renders.formatBytes++;
      return actual.formatBytes(bytes);
    },
  };
});

const COUNT = 1_000;

function connections(changed?: { index: number; bytesIn: number }): ConnectionStats[] {
  return Array.from({ length: COUNT }, (_, i) => ({
    key: `HTTP1/1/${i + 1}`,
    streamId: 1,
    connectionId: i + 1,
    state: 'open' as const,
    // Newest first on screen: connection 1000 is the top row.
    openedAt: 1_000 + i,
    peer: `127.0.0.1:${40_000 + i}`,
    bytesIn: changed?.index === i ? changed.bytesIn : 100,
    bytesOut: 50,
    bytesInPerSecond: 0,
    bytesOutPerSecond: 0,
  }));
}

function snapshot(
  at: number,
  conns: ConnectionStats[],
  connectionsOpened = COUNT,
): { at: number; sessions: SessionStats[] } {
  return {
    at,
    sessions: [
      {
        sessionId: 's1',
        latencyMs: 1,
        bytesIn: 0,
        bytesOut: 0,
        bytesInPerSecond: 0,
        bytesOutPerSecond: 0,
        services: [
          {
            serviceId: 'HTTP1',
            activeStreamId: 1,
            streamsStarted: 1,
            connectionsOpened,
            bytesIn: 0,
            bytesOut: 0,
            bytesInPerSecond: 0,
            bytesOutPerSecond: 0,
            connections: conns,
          },
        ],
      },
    ],
  };
}

let restoreLayout: () => void;

beforeEach(() => {
  resetStatsStore();
  restoreLayout = stubLayout(1200, 400);
});

afterEach(() => {
  cleanup();
  restoreLayout();
});

describe('the connections table', () => {
  it(`renders only the rows in view out of ${COUNT}`, () => {
    useStatsStore.getState().applySnapshot(snapshot(1_000, connections()));
    render(<ConnectionsPanel sessionId="s1" />);
    const rows = screen.getAllByTestId('connection-row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]!.dataset.key).toBe(`HTTP1/1/${COUNT}`);
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe(String(COUNT + 1));
  });

  it('re-renders only the row whose figures changed', () => {
    useStatsStore.getState().applySnapshot(snapshot(1_000, connections()));
    render(<ConnectionsPanel sessionId="s1" />);
    renders.formatBytes = 0;
    act(() =>
      useStatsStore
        .getState()
        .applySnapshot(snapshot(1_250, connections({ index: COUNT - 1, bytesIn: 4096 }))),
    );
    expect(renders.formatBytes).toBe(2);
    const top = screen.getAllByTestId('connection-row')[0]!;
    expect(within(top).getByTestId('conn-bytes-in').textContent).toBe('4.00 KiB');
  });

  it('filters by key, peer or state', async () => {
    useStatsStore.getState().applySnapshot(snapshot(1_000, connections()));
    render(<ConnectionsPanel sessionId="s1" />);
    await userEvent.type(screen.getByRole('searchbox', { name: 'Filter connections' }), '40999');
    const rows = screen.getAllByTestId('connection-row');
    expect(rows.map((row) => row.dataset.key)).toEqual([`HTTP1/1/${COUNT}`]);
  });

  it('shows nothing live once the tunnel is gone from the snapshots', () => {
    useStatsStore.getState().applySnapshot(snapshot(1_000, connections()));
    render(<ConnectionsPanel sessionId="s1" />);
    act(() => useStatsStore.getState().applySnapshot({ at: 1_250, sessions: [] }));
    expect(screen.queryAllByTestId('connection-row')).toEqual([]);
    expect(Object.keys(useStatsStore.getState().sparks)).toEqual([]);
  });
});

describe('after traffic ends', () => {
  const closed = (i: number): ConnectionStats => ({
    key: `HTTP1/1/${i}`,
    streamId: 1,
    connectionId: i,
    state: 'closed',
    openedAt: 10_000 + i * 1_000,
    closedAt: 10_000 + i * 1_000 + 65_000,
    peer: `127.0.0.1:${50_000 + i}`,
    bytesIn: 512,
    bytesOut: 128,
    bytesInPerSecond: 0,
    bytesOutPerSecond: 0,
  });

  it('says how many came and went, and keeps the last closed ones, dimmed', () => {
    useStatsStore.getState().applySnapshot(snapshot(1_000, [closed(1), closed(2), closed(3)], 53));
    render(<ConnectionsPanel sessionId="s1" />);
    expect(screen.getByTestId('connection-count').textContent).toBe(
      'No open connections · 53 since opened',
    );
    const rows = screen.getAllByTestId('connection-row');
    expect(rows.map((row) => row.dataset.key)).toEqual(['HTTP1/1/3', 'HTTP1/1/2', 'HTTP1/1/1']);
    for (const row of rows) {
      expect(row.dataset.state).toBe('closed');
      expect(row.className).toContain('conn-row--closed');
    }
    // How long each lasted, not a growing age.
    expect(within(rows[0]!).getAllByRole('cell').at(-1)!.textContent).toBe('1 min 05 s');
  });

  it('lists open ones above the closed ones, and counts them', () => {
    const live = { ...closed(9), state: 'open' as const, closedAt: undefined };
    useStatsStore.getState().applySnapshot(snapshot(1_000, [closed(1), live], 2));
    render(<ConnectionsPanel sessionId="s1" />);
    expect(screen.getByTestId('connection-count').textContent).toBe('1 open · 2 since opened');
    const keys = screen.getAllByTestId('connection-row').map((row) => row.dataset.key);
    expect(keys).toEqual(['HTTP1/1/9', 'HTTP1/1/1']);
  });

  it('says when nothing came yet', () => {
    useStatsStore.getState().applySnapshot(snapshot(1_000, [], 0));
    render(<ConnectionsPanel sessionId="s1" />);
    expect(screen.getByTestId('connection-count').textContent).toBe('No connections yet');
    expect(screen.getByRole('table').textContent).toContain('No connections yet.');
  });
});
