import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from '../../../../src-main/app/app.js';
import type { SessionView, TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import { useThingsStore } from '../../stores/things-store';
import '../../test-support/node-realm';
import { spyOn, startTestApp, stopTestApp, stubLayout } from '../../test-support/harness';
import { App } from '../shell/App';

let app: TunnelDeskApp;
let api: TunnelDeskApi;
let restoreLayout: () => void;

beforeEach(() => {
  restoreLayout = stubLayout();
  ({ app, api } = startTestApp({
    deviceWatchIntervalMs: 100,
    awsRetry: { fixedDelayMs: 5 },
  }));
});

afterEach(async () => {
  await stopTestApp(app);
  restoreLayout();
});

const SANDBOX = { kind: 'sandbox' } as const;
const HTTP_SSH = [
  { serviceId: 'HTTP1', port: 'auto' as const, bindAddress: '127.0.0.1' },
  { serviceId: 'SSH1', port: 'auto' as const, bindAddress: '127.0.0.1' },
];

function open(thingName: string) {
  return api.openTunnel({ source: SANDBOX, thingName, services: HTTP_SSH });
}

function view(id: string): SessionView {
  return app.listSessions().find((s) => s.id === id)!;
}

async function showSession(id: string): Promise<HTMLElement> {
  window.location.hash = `#/tunnels/${id}`;
  // The live view is loaded when first shown (code-split).
  return screen.findByTestId('session-detail', {}, { timeout: 10_000 });
}

describe("a session's tunnel", () => {
  it('shows the device joining, and closes the tunnel from the UI, with delete', async () => {
    const opened = await open('gateway-berlin-01');
    const spy = spyOn(api);
    const user = userEvent.setup();
    render(<App api={spy.api} />);
    const detail = await showSession(opened.session.id);
    const panel = within(detail).getByTestId('tunnel-panel');
    await waitFor(
      () => expect(within(panel).getByTestId('device-state').dataset.connected).toBe('true'),
      {
        timeout: 10_000,
      },
    );
    expect(within(panel).getByTestId('tunnel-id').textContent).toBe(opened.tunnelId);
    expect(within(panel).getByTestId('tunnel-arn').textContent).toBe(opened.tunnelArn);
    expect(within(panel).getByTestId('tunnel-expiry').textContent).toMatch(/in 11 h 5\d min$/);
    const httpPort = Number(within(detail).getByTestId('bound-port-HTTP1').dataset.port);
    expect(await fetch(`http://127.0.0.1:${httpPort}/`).then((r) => r.text())).toContain(
      'gateway-berlin-01',
    );

    await user.click(within(panel).getByTestId('close-tunnel'));
    const dialog = await screen.findByTestId('close-tunnel-dialog');
    expect(dialog.textContent).toContain(opened.tunnelId);
    await user.click(within(dialog).getByTestId('close-tunnel-delete'));
    await user.click(within(dialog).getByTestId('close-tunnel-confirm'));
    await waitFor(() => expect(screen.queryByTestId('close-tunnel-dialog')).toBeNull());
    expect(spy.calls.find((c) => c.name === 'closeTunnel')!.input).toEqual({
      source: SANDBOX,
      tunnelId: opened.tunnelId,
      delete: true,
    });
    await waitFor(() =>
      expect(within(detail).getByTestId('tunnel-status').dataset.status).toBe('CLOSED'),
    );
    expect(within(detail).getByTestId('session-state').dataset.state).toBe('closed');
    expect(within(detail).queryByTestId('close-tunnel')).toBeNull();
    expect(within(detail).getByTestId('bound-port-HTTP1').dataset.port).toBe('');
    await expect(fetch(`http://127.0.0.1:${httpPort}/`)).rejects.toThrow();
  });

  it('offers a new token when this side’s was rotated elsewhere, and reconnects on the same ports', async () => {
    const opened = await open('pump-station-07');
    await waitFor(() => expect(view(opened.session.id).state.kind).toBe('connected'), {
      timeout: 10_000,
    });
    const ports = view(opened.session.id).listeners.map((l) => l.port);
    const spy = spyOn(api);
    const user = userEvent.setup();
    render(<App api={spy.api} />);
    const detail = await showSession(opened.session.id);

    // Rotated behind the app's back (as another operator would): its token stops working.
    const { service } = await app['sandbox']['start']();
    service.management.tunnels.rotate(opened.tunnelId, 'SOURCE', undefined);
    const refused = await within(detail).findByTestId('token-refused', {}, { timeout: 10_000 });
    expect(within(detail).getByTestId('session-state').textContent).toBe('Failed');
    expect(refused.textContent).toContain('The tunnel is still open');

    await user.click(within(refused).getByTestId('renew-token'));
    await waitFor(
      () => expect(within(detail).getByTestId('session-state').dataset.state).toBe('connected'),
      { timeout: 10_000 },
    );
    expect(spy.calls.filter((c) => c.name === 'rotateSourceToken')).toEqual([
      { name: 'rotateSourceToken', input: { sessionId: opened.session.id } },
    ]);
    expect(within(detail).queryByTestId('token-refused')).toBeNull();
    expect(view(opened.session.id).listeners.map((l) => l.port)).toEqual(ports);
    expect(await fetch(`http://127.0.0.1:${ports[0]}/`).then((r) => r.text())).toContain(
      'pump-station-07',
    );
  });
});

describe("a thing's tunnels", () => {
  it('lists the open ones, closes one from the list, and shows closed ones on demand', async () => {
    const first = await open('kiosk-lobby');
    const second = await open('kiosk-lobby');
    const user = userEvent.setup();
    window.location.hash = '#/devices';
    render(<App api={api} />);
    // The devices view is loaded when first shown (code-split).
    await user.click(
      await screen.findByRole('option', { name: /^kiosk-lobby/ }, { timeout: 10_000 }),
    );
    const list = await screen.findByTestId('thing-tunnels');
    const rows = () =>
      within(list)
        .queryAllByTestId('tunnel-row')
        .map((row) => [row.dataset.tunnelId, row.dataset.status]);
    await waitFor(() =>
      expect(rows()).toEqual([
        [second.tunnelId, 'OPEN'],
        [first.tunnelId, 'OPEN'],
      ]),
    );
    expect(within(list).getAllByRole('link', { name: /^View the session on tunnel/ })).toHaveLength(
      2,
    );

    const row = within(list)
      .getAllByTestId('tunnel-row')
      .find((r) => r.dataset.tunnelId === first.tunnelId)!;
    await user.click(within(row).getByTestId('tunnel-row-close'));
    const dialog = await screen.findByTestId('close-tunnel-dialog');
    expect((within(dialog).getByTestId('close-tunnel-delete') as HTMLInputElement).checked).toBe(
      false,
    );
    await user.click(within(dialog).getByTestId('close-tunnel-confirm'));
    await waitFor(() => expect(rows()).toEqual([[second.tunnelId, 'OPEN']]));
    expect(view(first.session.id).state.kind).toBe('closed');

    await user.click(within(list).getByTestId('show-closed-tunnels'));
    await waitFor(() =>
      expect(rows()).toEqual([
        [second.tunnelId, 'OPEN'],
        [first.tunnelId, 'CLOSED'],
      ]),
    );
    expect(useThingsStore.getState().selected?.thingName).toBe('kiosk-lobby');
  });
});
