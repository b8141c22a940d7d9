import { act, cleanup, render, screen, waitFor, within, fireEvent } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionList } from '../../../../src-main/app/connections-page.js';
import type { ConnectionSnapshot } from '../../../../src-main/core/stats/snapshot.js';
import type { ConnectionsQuery, TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import { ApiContext } from '../../api/api-context';
import { resetConnectionsStore, useConnectionsStore } from '../../stores/connections-store';
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

function connections(changed?: { index: number; bytesIn: number }): ConnectionSnapshot[] {
  return Array.from({ length: COUNT }, (_, i) => ({
    key: `HTTP1/1/${i + 1}`,
    serviceId: 'HTTP1',
    streamId: 1,
    connectionId: i + 1,
    state: 'open' as const,
    // Newest first on screen: connection 1000 is the top row.
    openedAt: 1_000 + i,
    peer: `127.0.0.1:${40_000 + i}`,
    bufferedBytes: 0,
    bytesIn: changed?.index === i ? changed.bytesIn : 100,
    bytesOut: 50,
    framesIn: 0,
    framesOut: 0,
    bytesInPerSecond: 0,
    bytesOutPerSecond: 0,
  }));
}

/**
 * Main's side of the request, as the app answers it (its ConnectionList over a snapshot),
 * recording what the view asked for.
 */
function mainWith(rows: ConnectionSnapshot[]) {
  const asked: ConnectionsQuery[] = [];
  const state = { list: listOf(rows, 1_000) };
  const api = {
    connections: async (query: ConnectionsQuery) => {
      asked.push(query);
      const { sessionId: _, ...window } = query;
      return state.list.page(window);
    },
  } as unknown as TunnelDeskApi;
  return {
    api,
    asked,
    update: (next: ConnectionSnapshot[], at: number) => (state.list = listOf(next, at)),
  };
}

function listOf(rows: ConnectionSnapshot[], at: number): ConnectionList {
  return new ConnectionList({
    at,
    services: [
      {
        serviceId: 'HTTP1',
        local: undefined,
        activeStreamId: 1,
        streamsStarted: 1,
        connectionsOpened: rows.length,
        connections: rows,
        bytesIn: 0,
        bytesOut: 0,
        framesIn: 0,
        framesOut: 0,
        bytesInPerSecond: 0,
        bytesOutPerSecond: 0,
      },
    ],
  });
}

function show(api: TunnelDeskApi) {
  return render(
    <ApiContext value={api}>
      <ConnectionsPanel sessionId="s1" />
    </ApiContext>,
  );
}

let restoreLayout: () => void;

beforeEach(() => {
  resetConnectionsStore();
  restoreLayout = stubLayout(1200, 400);
});

afterEach(() => {
  cleanup();
  restoreLayout();
});

describe('the connections table', () => {
  it(`asks main for the rows in view only, and renders those of ${COUNT}`, async () => {
    const main = mainWith(connections());
    show(main.api);
    await waitFor(() => expect(screen.getAllByTestId('connection-row').length).toBeGreaterThan(5));
    const rows = screen.getAllByTestId('connection-row');
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]!.dataset.key).toBe(`HTTP1/1/${COUNT}`);
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe(String(COUNT + 1));
    expect(screen.getByTestId('connection-count').textContent).toBe('1,000 open · 1,000 listed');
    expect(main.asked.every((q) => q.limit <= 200 && q.offset === 0)).toBe(true);
    expect(Object.keys(useConnectionsStore.getState().sparks).length).toBeLessThanOrEqual(200);
  });

  it('asks for the rows further down when the list scrolls there', async () => {
    const main = mainWith(connections());
    show(main.api);
    await waitFor(() => expect(screen.getAllByTestId('connection-row').length).toBeGreaterThan(5));
    const scroller = screen.getByLabelText('Connection rows');
    act(() => {
      scroller.scrollTop = 500 * 28;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(main.asked.at(-1)!.offset).toBeGreaterThan(400));
    await waitFor(() =>
      expect(screen.getAllByTestId('connection-row').map((r) => r.dataset.key)).toContain(
        'HTTP1/1/500',
      ),
    );
  });

  it('re-renders only the row whose figures changed', async () => {
    const main = mainWith(connections());
    show(main.api);
    await waitFor(() => expect(screen.getAllByTestId('connection-row').length).toBeGreaterThan(5));
    renders.formatBytes = 0;
    main.update(connections({ index: COUNT - 1, bytesIn: 4096 }), 1_250);
    const top = () => screen.getAllByTestId('connection-row')[0]!;
    await waitFor(() =>
      expect(within(top()).getByTestId('conn-bytes-in').textContent).toBe('4.00 KiB'),
    );
    expect(renders.formatBytes).toBe(2);
  });

  it('has main filter by key, peer or state', async () => {
    const main = mainWith(connections());
    show(main.api);
    await waitFor(() => expect(screen.getAllByTestId('connection-row').length).toBeGreaterThan(5));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Filter connections' }), '40999');
    await waitFor(() =>
      expect(screen.getAllByTestId('connection-row').map((row) => row.dataset.key)).toEqual([
        `HTTP1/1/${COUNT}`,
      ]),
    );
    expect(main.asked.at(-1)!.filter).toBe('40999');
  });

  it('says so when the tunnel has no connections, and forgets its rows when closed', async () => {
    const main = mainWith([]);
    const view = show(main.api);
    expect(await screen.findByText(/No connections yet/)).toBeTruthy();
    main.update(connections(), 1_500);
    await waitFor(() => expect(screen.getAllByTestId('connection-row').length).toBeGreaterThan(5));
    view.unmount();
    expect(useConnectionsStore.getState().windows).toEqual({});
    expect(useConnectionsStore.getState().sparks).toEqual({});
  });
});
