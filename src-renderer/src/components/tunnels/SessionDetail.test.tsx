import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from '../../../../src-main/app/app.js';
import type { TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import { usePushEvents } from '../../hooks/use-push-events';
import { useSession } from '../../stores/sessions-store';
import '../../test-support/node-realm';
import {
  renderWithApi,
  resetStores,
  spyOn,
  startTestApp,
  stopTestApp,
  stubLayout,
} from '../../test-support/harness';
import { SessionDetail } from './SessionDetail';
import { closeSummary } from '../../lib/close-words';
import { formatClock, formatDuration } from '../../lib/format';

let app: TunnelDeskApp;
let api: TunnelDeskApi;
let restoreLayout: () => void;

beforeEach(() => {
  restoreLayout = stubLayout();
  ({ app, api } = startTestApp());
});

afterEach(async () => {
  await stopTestApp(app);
  restoreLayout();
});

function Detail({ api, sessionId }: { api: TunnelDeskApi; sessionId: string }) {
  usePushEvents(api);
  const session = useSession(sessionId);
  return session ? <SessionDetail session={session} /> : null;
}

describe('a tunnel that cannot reach its service', () => {
  it('counts down to the next attempt, shows the last error, and reconnects on demand', async () => {
    // Nothing listens on port 9, so the tunnel keeps failing and waiting to retry.
    const session = await api.connectWithToken({
      name: 'unreachable',
      accessToken: 'not-a-real-token-0123456789',
      target: { kind: 'endpoint', endpoint: 'ws://127.0.0.1:9' },
      services: [{ serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' }],
      peerVersion: 'V3',
      verifyTls: true,
    });
    const spy = spyOn(api);
    renderWithApi(spy.api, <Detail api={spy.api} sessionId={session.id} />);

    const detail = await screen.findByTestId('session-detail');
    await waitFor(
      () => expect(within(detail).getByTestId('session-state').dataset.state).toBe('reconnecting'),
      {
        timeout: 5_000,
      },
    );
    const countdown = within(detail).getByTestId('retry-countdown');
    expect(countdown.textContent).toMatch(/^retrying (in \d+ s|now)$/);
    // The line names the last error main reported (unless a retry began in between).
    const state = app.listSessions()[0]!.state;
    if (state.kind === 'reconnecting')
      expect(countdown.parentElement!.textContent).toContain(closeSummary(state.lastCause));
    // "Reconnects" counts the attempts shown beside the countdown.
    await waitFor(() => {
      const shown = /\(attempt (\d+)\)/.exec(countdown.parentElement!.textContent ?? '');
      expect(shown).not.toBeNull();
      expect(within(detail).getByTestId('reconnects').dataset.value).toBe(shown![1]);
    });

    await userEvent.click(within(detail).getByTestId('reconnect-now'));
    expect(spy.calls.filter((call) => call.name === 'reconnectNow')).toEqual([
      { name: 'reconnectNow', input: { sessionId: session.id } },
    ]);
  });
});

describe("a closed tunnel's record", () => {
  it('says when it closed and keeps its totals from main after a reload', async () => {
    const session = await api.openSandbox({
      deviceName: 'pi-17',
      services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
    });
    const port = session.listeners[0]!.port!;
    const body = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.text());
    await waitFor(() => expect(app.listSessions()[0]!.state.kind).toBe('connected'));
    // Wait for main to have counted the bytes before closing.
    await new Promise<void>((resolve) => {
      const stop = app.subscribe((name, payload) => {
        if (name !== 'stats') return;
        const stats = (payload as { sessions: { bytesIn: number }[] }).sessions[0];
        if (stats && stats.bytesIn >= body.length) {
          stop();
          resolve();
        }
      });
    });
    await api.closeSession({ sessionId: session.id });
    // A fresh page: nothing live seen, only what main says now.
    resetStores();
    renderWithApi(api, <Detail api={api} sessionId={session.id} />);
    const detail = await screen.findByTestId('session-detail');
    const closedAt = app.listSessions()[0]!.closedAt!;
    expect(within(detail).getByTestId('closed-at').textContent).toBe(
      `closed ${formatClock(closedAt)} (open ${formatDuration(closedAt - session.createdAt)})`,
    );
    await waitFor(() =>
      expect(
        Number(within(detail).getByTestId('total-bytes-in').dataset.value),
      ).toBeGreaterThanOrEqual(body.length),
    );
  });
});

describe('the live view', () => {
  it('lists the connection it carries, with its bytes, and the per-service figures', async () => {
    const session = await api.openSandbox({
      deviceName: 'pi-17',
      services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
    });
    renderWithApi(api, <Detail api={api} sessionId={session.id} />);
    const port = session.listeners[0]!.port!;
    await fetch(`http://127.0.0.1:${port}/status`).then((response) => response.text());

    const row = await screen.findByTestId('connection-row', {}, { timeout: 5_000 });
    expect(row.dataset.key).toMatch(/^HTTP1\/\d+\/\d+$/);
    await waitFor(() =>
      expect(Number(within(row).getByTestId('conn-bytes-in').dataset.value)).toBeGreaterThan(0),
    );
    const service = screen.getByTestId('service-stats-HTTP1');
    await waitFor(() => expect(within(service).getAllByRole('cell')[1]!.textContent).toMatch(/^1/));
    await waitFor(() =>
      expect(Number(screen.getByTestId('total-bytes-in').dataset.value)).toBeGreaterThan(0),
    );
  });
});
