/**
 * The tunnels home and what a closed tunnel offers, with the real app behind the api:
 * live tunnels first, closed ones folded with "Clear closed", one primary action on the
 * empty home, and the ways on from a closed or failed tunnel (Open again, Edit & retry).
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from '../../../../src-main/app/app.js';
import type { SessionView, TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import { usePushEvents } from '../../hooks/use-push-events';
import { useSession, useSessionsStore } from '../../stores/sessions-store';
import { useUiStore } from '../../stores/ui-store';
import '../../test-support/node-realm';
import { renderWithApi, startTestApp, stopTestApp, stubLayout } from '../../test-support/harness';
import { disconnectTitle } from './SessionActions';
import { SessionDetail } from './SessionDetail';
import { TunnelsHome } from './TunnelsHome';

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

function Home() {
  usePushEvents(api);
  return <TunnelsHome />;
}

function Detail({ sessionId }: { sessionId: string }) {
  usePushEvents(api);
  const session = useSession(sessionId);
  return session ? <SessionDetail session={session} /> : null;
}

const HTTP1 = [{ serviceId: 'HTTP1', port: 'auto' as const, bindAddress: '127.0.0.1' }];

describe('the tunnels home', () => {
  it('when empty, offers the choices once, with one primary action', async () => {
    renderWithApi(api, <Home />);
    await screen.findByRole('heading', { name: 'Open your first tunnel' });
    const primaries = document.querySelectorAll('.button--primary');
    expect([...primaries].map((b) => b.textContent)).toEqual(['Start a sandbox tunnel']);
    expect(screen.queryByRole('button', { name: 'New sandbox tunnel' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Connect with a token' })).toBeNull();
  });

  it('lists live tunnels first, folds closed ones, and "Clear closed" forgets only those', async () => {
    const user = userEvent.setup();
    const first = await api.openSandbox({ deviceName: 'first', services: HTTP1 });
    await api.openSandbox({ deviceName: 'second', services: HTTP1 });
    await api.closeSession({ sessionId: first.id });
    renderWithApi(api, <Home />);

    const live = await screen.findByTestId('live-tunnels');
    await waitFor(() =>
      expect(
        within(live)
          .getAllByTestId('session-card')
          .map((c) => c.textContent),
      ).toEqual([expect.stringContaining('second')]),
    );
    const closed = screen.getByTestId('closed-tunnels');
    const fold = closed.querySelector('details')!;
    // Folded while something is live.
    expect(fold.open).toBe(false);
    expect(within(closed).getByText(/^Closed · 1/)).toBeTruthy();
    // The closed group comes after the live list.
    expect(live.compareDocumentPosition(closed) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByTestId('tunnels-count').textContent).toBe('1 open · 1 closed');
    // One primary action in the header.
    expect(
      [...document.querySelectorAll('.page__actions .button--primary')].map((b) => b.textContent),
    ).toEqual(['New sandbox tunnel']);

    await user.click(within(closed).getByTestId('clear-closed'));
    await waitFor(() => expect(screen.queryByTestId('closed-tunnels')).toBeNull());
    expect(app.listSessions().map((s) => s.name)).toEqual(['second']);
  });
});

describe('a closed tunnel offers a way on', () => {
  it('a closed sandbox tunnel opens again with the same services and device', async () => {
    const user = userEvent.setup();
    const opened = await api.openSandbox({ deviceName: 'pi-17', services: HTTP1 });
    await api.closeSession({ sessionId: opened.id });
    renderWithApi(api, <Detail sessionId={opened.id} />);
    const detail = await screen.findByTestId('session-detail');
    await user.click(within(detail).getByRole('button', { name: /Open again/ }));
    await waitFor(() => expect(app.listSessions()).toHaveLength(2));
    const again = app.listSessions().find((s) => s.id !== opened.id)!;
    expect(again.name).toBe('pi-17');
    expect(again.listeners.map((l) => l.serviceId)).toEqual(['HTTP1']);
    expect(useUiStore.getState().route).toEqual({ view: 'tunnels', sessionId: again.id });
  });

  it('Edit & retry opens the sandbox form filled in', async () => {
    const user = userEvent.setup();
    const opened = await api.openSandbox({ deviceName: 'pi-17', services: HTTP1 });
    await api.closeSession({ sessionId: opened.id });
    renderWithApi(api, <Detail sessionId={opened.id} />);
    const detail = await screen.findByTestId('session-detail');
    await user.click(within(detail).getByRole('button', { name: /Edit & retry/ }));
    expect(useUiStore.getState().connect).toBe('sandbox');
    expect(useUiStore.getState().connectPrefill).toEqual({
      kind: 'sandbox',
      deviceName: 'pi-17',
      services: HTTP1,
    });
  });

  it('a failed token tunnel shows a focused error panel, Edit & retry, and no empty plots', async () => {
    // Nothing answers DNS for this name: the first try fails for good.
    const session = await api.connectWithToken({
      name: 'typo',
      accessToken: 'not-a-real-token-0123456789',
      target: { kind: 'endpoint', endpoint: 'no-such-host.invalid:443' },
      services: [{ serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' }],
      peerVersion: 'V3',
      verifyTls: true,
    });
    renderWithApi(api, <Detail sessionId={session.id} />);
    const panel = await screen.findByTestId('failure-panel', {}, { timeout: 10_000 });
    const summary = panel.querySelector('.error-text__summary')!.textContent!;
    expect(summary).toBe('no-such-host.invalid:443 cannot be resolved: check Region or Endpoint.');
    // No plot, no per-service table, no connections list: nothing was carried.
    expect(document.querySelector('.live-grid')).toBeNull();
    expect(screen.queryByTestId('connection-count')).toBeNull();
    expect(screen.queryByRole('button', { name: /Open again/ })).toBeNull();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /Edit & retry/ }));
    expect(useUiStore.getState().connectPrefill).toEqual({
      kind: 'token',
      name: 'typo',
      target: { kind: 'endpoint', endpoint: 'no-such-host.invalid:443' },
      services: [{ serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' }],
      peerVersion: 'V3',
      verifyTls: true,
      caPath: null,
    });
    // The record in the renderer never holds the token.
    expect(JSON.stringify(useSessionsStore.getState())).not.toContain('not-a-real-token');
  });
});

describe('Disconnect and Close tunnel… say what each does', () => {
  it('names the action by its visible label, with a tooltip true for the sandbox', async () => {
    const opened = await api.openSandbox({ deviceName: 'pi-17', services: HTTP1 });
    renderWithApi(api, <Detail sessionId={opened.id} />);
    const detail = await screen.findByTestId('session-detail');
    const disconnect = within(detail).getByRole('button', { name: 'Disconnect pi-17' });
    expect(disconnect.textContent).toBe('Disconnect');
    expect(disconnect.title).toBe(
      'Disconnects this side and closes this sandbox tunnel: a sandbox tunnel opened here ends with it.',
    );
    const close = within(detail).getByTestId('close-tunnel');
    expect(close.getAttribute('aria-label')).toContain(close.textContent!);
    expect(close.title).toMatch(/^Closes the tunnel in the sandbox for both sides/);
  });

  it('for a token tunnel, says the tunnel itself stays open', () => {
    const view = { tunnel: null } as unknown as SessionView;
    expect(disconnectTitle(view)).toMatch(/this side only.*The tunnel itself stays open/);
  });
});
