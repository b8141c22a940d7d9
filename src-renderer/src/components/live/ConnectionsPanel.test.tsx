/**
 * The connections list against the real app: a sandbox tunnel carrying real sockets, main
 * filtering and paging, the view asking for the rows it shows only.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TunnelDeskApp } from '../../../../src-main/app/app.js';
import {
  openClientConnections,
  type ClientConnections,
} from '../../../../src-main/app/test-support/test-environment.js';
import type {
  ConnectionsPage,
  ConnectionsQuery,
  TunnelDeskApi,
} from '../../../../src-main/ipc/contract.js';
import { usePushEvents } from '../../hooks/use-push-events';
import { useConnectionsStore } from '../../stores/connections-store';
import '../../test-support/node-realm';
import {
  renderWithApi,
  spyOn,
  startTestApp,
  stopTestApp,
  stubLayout,
} from '../../test-support/harness';
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

/** More than a window holds (the rows in view and their margins). */
const COUNT = 150;

let app: TunnelDeskApp;
let api: TunnelDeskApi;
let restoreLayout: () => void;
let clients: ClientConnections | undefined;

beforeEach(() => {
  ({ app, api } = startTestApp());
  restoreLayout = stubLayout(1200, 400);
});

afterEach(async () => {
  clients?.close();
  clients = undefined;
  restoreLayout();
  await stopTestApp(app);
});

/** A sandbox tunnel with COUNT open connections; resolves with its id and the sockets. */
async function tunnelWithConnections(): Promise<string> {
  const session = await api.openSandbox({
    services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
  });
  await waitFor(() => expect(app.listSessions()[0]!.state.kind).toBe('connected'), {
    timeout: 10_000,
  });
  const port = app.listSessions()[0]!.listeners[0]!.port!;
  clients = await openClientConnections(port, COUNT);
  await waitFor(
    () => expect(app.connections({ sessionId: session.id, offset: 0, limit: 1 }).open).toBe(COUNT),
    { timeout: 10_000 },
  );
  return session.id;
}

function show(client: TunnelDeskApi, sessionId: string) {
  return renderWithApi(client, <ConnectionsPanel sessionId={sessionId} />);
}

/** The panel with main's pushed figures applied, as in the app (the "since opened" count). */
function PanelWithPushes({ api: client, sessionId }: { api: TunnelDeskApi; sessionId: string }) {
  usePushEvents(client);
  return <ConnectionsPanel sessionId={sessionId} />;
}

const rowKeys = () => screen.getAllByTestId('connection-row').map((row) => row.dataset.key);
const asked = (calls: { name: string; input: unknown }[]) =>
  calls.filter((c) => c.name === 'connections').map((c) => c.input as ConnectionsQuery);

describe('the connections table', () => {
  it(`asks main for the rows in view only, and renders those of ${COUNT}`, async () => {
    const sessionId = await tunnelWithConnections();
    const spy = spyOn(api);
    show(spy.api, sessionId);
    await waitFor(() => expect(rowKeys().length).toBeGreaterThan(5));
    expect(rowKeys().length).toBeLessThan(40);
    const newest = app.connections({ sessionId, offset: 0, limit: 1 }).rows[0]!.key;
    expect(rowKeys()[0]).toBe(newest);
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe(String(COUNT + 1));
    expect(screen.getByTestId('connection-count').textContent).toBe(
      `${COUNT} open · ${COUNT} since opened`,
    );
    expect(asked(spy.calls).every((q) => q.offset === 0 && q.limit < 60)).toBe(true);
    expect(useConnectionsStore.getState().windows[sessionId]!.rows.length).toBeLessThan(60);
  });

  it('asks for the rows further down when the list scrolls there', async () => {
    const sessionId = await tunnelWithConnections();
    const spy = spyOn(api);
    show(spy.api, sessionId);
    await waitFor(() => expect(rowKeys().length).toBeGreaterThan(5));
    const scroller = screen.getByLabelText('Connection rows');
    act(() => {
      scroller.scrollTop = 100 * 28;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(asked(spy.calls).at(-1)!.offset).toBeGreaterThan(60));
    const hundredth = app.connections({ sessionId, offset: 100, limit: 1 }).rows[0]!.key;
    await waitFor(() => expect(rowKeys()).toContain(hundredth));
  });

  it('gets back only the rows a scroll brings in while main is still on the same tick', async () => {
    const sessionId = await tunnelWithConnections();
    const answers: { query: ConnectionsQuery; page: ConnectionsPage }[] = [];
    const recording = new Proxy(api, {
      get(target, name: string) {
        const value = target[name as keyof TunnelDeskApi] as unknown;
        if (name !== 'connections') return value;
        return async (query: ConnectionsQuery) => {
          const page = await target.connections(query);
          answers.push({ query: structuredClone(query), page: structuredClone(page) });
          return page;
        };
      },
    });
    show(recording, sessionId);
    await waitFor(() => expect(rowKeys().length).toBeGreaterThan(5));
    const scroller = screen.getByLabelText('Connection rows');
    // A few rows at a time, as a wheel does, until one answer came within main's tick.
    await waitFor(
      () => {
        act(() => {
          scroller.scrollTop = (scroller.scrollTop + 5 * 28) % (100 * 28);
          fireEvent.scroll(scroller);
        });
        const delta = answers.find(
          ({ query, page }) =>
            query.held?.at === page.at && page.rows.includes(null) && page.rows.some(Boolean),
        );
        expect(delta).toBeDefined();
      },
      { timeout: 10_000, interval: 20 },
    );
    // The rows shown are main's rows at those places, held ones and new ones alike.
    await waitFor(() => {
      const window = useConnectionsStore.getState().windows[sessionId]!;
      const truth = app.connections({
        sessionId,
        offset: window.offset,
        limit: window.rows.length,
      });
      expect(truth.at).toBe(window.at);
      expect(window.rows.map((row) => row.key)).toEqual(truth.rows.map((row) => row!.key));
    });
  });

  it('re-renders only the rows whose figures changed', async () => {
    const sessionId = await tunnelWithConnections();
    show(api, sessionId);
    await waitFor(() => expect(rowKeys().length).toBeGreaterThan(5));
    const top = app.connections({ sessionId, offset: 0, limit: 1 }).rows[0]!;
    // Let the first pages settle, then move bytes on the top row's connection only.
    await new Promise((resolve) => setTimeout(resolve, 600));
    renders.formatBytes = 0;
    const localPort = Number(top.peer.slice(top.peer.lastIndexOf(':') + 1));
    clients!.write(localPort, 'GET / HTTP/1.1\r\nHost: device\r\n\r\n');
    const row = () => screen.getAllByTestId('connection-row')[0]!;
    await waitFor(() =>
      expect(Number(within(row()).getByTestId('conn-bytes-in').dataset.value)).toBeGreaterThan(0),
    );
    // That one row, perhaps a few times as its figures and rates move; not the screenful.
    expect(renders.formatBytes).toBeGreaterThanOrEqual(2);
    expect(renders.formatBytes).toBeLessThanOrEqual(8);
  });

  it('has main filter by key, peer or state', async () => {
    const sessionId = await tunnelWithConnections();
    const spy = spyOn(api);
    show(spy.api, sessionId);
    await waitFor(() => expect(rowKeys().length).toBeGreaterThan(5));
    const last = app.connections({ sessionId, offset: COUNT - 1, limit: 1 }).rows[0]!;
    const port = last.peer.slice(last.peer.lastIndexOf(':') + 1);
    await userEvent.type(screen.getByRole('searchbox', { name: 'Filter connections' }), port);
    await waitFor(() => expect(rowKeys()).toEqual([last.key]));
    expect(asked(spy.calls).at(-1)!.filter).toBe(port);
  });

  it('says so when the tunnel has no connections, and forgets its rows when closed', async () => {
    const session = await api.openSandbox({
      services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
    });
    const view = show(api, session.id);
    expect(await screen.findByText(/No connections yet\. Open a service/)).toBeTruthy();
    expect(screen.getByTestId('connection-count').textContent).toBe('No connections yet');
    view.unmount();
    expect(useConnectionsStore.getState().windows).toEqual({});
    expect(useConnectionsStore.getState().sparks).toEqual({});
  });
});

describe('after traffic ends', () => {
  it('says how many came and went, and keeps the last closed ones, dimmed, below live ones', async () => {
    const session = await api.openSandbox({
      services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
    });
    await waitFor(() => expect(app.listSessions()[0]!.state.kind).toBe('connected'), {
      timeout: 10_000,
    });
    const port = app.listSessions()[0]!.listeners[0]!.port!;
    renderWithApi(api, <PanelWithPushes api={api} sessionId={session.id} />);
    const first = await openClientConnections(port, 3);
    await waitFor(() =>
      expect(screen.getByTestId('connection-count').textContent).toBe('3 open · 3 since opened'),
    );
    first.close();
    await waitFor(
      () =>
        expect(screen.getByTestId('connection-count').textContent).toBe(
          'No open connections · 3 since opened',
        ),
      { timeout: 10_000 },
    );
    await waitFor(() => expect(rowKeys()).toHaveLength(3));
    for (const row of screen.getAllByTestId('connection-row')) {
      expect(row.dataset.state).toBe('closed');
      expect(row.className).toContain('conn-row--closed');
    }
    // A new one is listed above the closed ones.
    clients = await openClientConnections(port, 1);
    await waitFor(() =>
      expect(screen.getByTestId('connection-count').textContent).toBe('1 open · 4 since opened'),
    );
    await waitFor(() => expect(rowKeys()).toHaveLength(4));
    const rows = screen.getAllByTestId('connection-row');
    expect(rows[0]!.dataset.state).not.toBe('closed');
    expect(rows.slice(1).every((row) => row.dataset.state === 'closed')).toBe(true);
  });
});
