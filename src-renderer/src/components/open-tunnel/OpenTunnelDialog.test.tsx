import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from '../../../../src-main/app/app.js';
import type { TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import { useConnectionStore } from '../../stores/connection-store';
import { useLogsStore } from '../../stores/logs-store';
import { useSessionsStore } from '../../stores/sessions-store';
import { useSettingsStore } from '../../stores/settings-store';
import { useSourceStore } from '../../stores/source-store';
import { useStatsStore } from '../../stores/stats-store';
import { useThingsStore } from '../../stores/things-store';
import { useUiStore } from '../../stores/ui-store';
import '../../test-support/node-realm';
import { spyOn, startTestApp, stopTestApp, stubLayout } from '../../test-support/harness';
import { App } from '../shell/App';

let app: TunnelDeskApp;
let api: TunnelDeskApi;
let restoreLayout: () => void;

beforeEach(() => {
  window.location.hash = '#/devices';
  restoreLayout = stubLayout();
  ({ app, api } = startTestApp({
    // The device's state is looked at often, so "device connected" shows within the test.
    deviceWatchIntervalMs: 100,
    awsRetry: { fixedDelayMs: 5 },
  }));
});

afterEach(async () => {
  await stopTestApp(app);
  restoreLayout();
});

function everyStore(): string {
  return JSON.stringify([
    useConnectionStore.getState(),
    useLogsStore.getState(),
    useSessionsStore.getState(),
    useSettingsStore.getState(),
    useStatsStore.getState(),
    useUiStore.getState(),
    useSourceStore.getState(),
    useThingsStore.getState(),
  ]);
}

/** The client, recording the destination token main answers with (to look for it after). */
function recordingTokens(client: TunnelDeskApi) {
  const tokens: string[] = [];
  const recorded: TunnelDeskApi = {
    ...client,
    openTunnel: async (input) => {
      const opened = await client.openTunnel(input);
      tokens.push(opened.destinationAccessToken);
      return opened;
    },
  };
  return { api: recorded, tokens };
}

async function openDialogFor(user: ReturnType<typeof userEvent.setup>, thingName: string) {
  // The devices view and the dialog are loaded when first shown (code-split).
  const option = await screen.findByRole(
    'option',
    { name: new RegExp(`^${thingName}`) },
    { timeout: 10_000 },
  );
  await user.click(option);
  await user.click(screen.getByTestId('open-tunnel'));
  const form = await screen.findByTestId('open-tunnel-form', {}, { timeout: 10_000 });
  // The services kept for it arrive from main.
  await within(form).findByTestId('new-mapping-service-0');
  return form;
}

describe('opening a tunnel to a device', () => {
  it('sends the services, description, tags and lifetime, then shows the token once, masked', async () => {
    const spy = spyOn(api);
    const { api: client, tokens } = recordingTokens(spy.api);
    const user = userEvent.setup();
    render(<App api={client} />);
    const form = await openDialogFor(user, 'gateway-berlin-02');
    expect(document.activeElement).toBe(within(form).getByTestId('tunnel-description'));

    // No services kept for this thing yet: SSH1 on any free port; HTTP1 is added.
    expect((within(form).getByTestId('new-mapping-service-0') as HTMLInputElement).value).toBe(
      'SSH1',
    );
    await user.click(within(form).getByRole('button', { name: 'Add service' }));
    await user.type(within(form).getByTestId('new-mapping-service-1'), 'HTTP1');
    await user.type(within(form).getByTestId('tunnel-description'), 'firmware check');
    await user.click(within(form).getByTestId('add-tag'));
    await user.type(within(form).getByTestId('tag-key-0'), 'ticket');
    await user.type(within(form).getByTestId('tag-value-0'), 'OPS-1');
    const lifetime = within(form).getByTestId('tunnel-lifetime') as HTMLInputElement;
    expect(lifetime.value).toBe('720');
    await user.clear(lifetime);
    await user.type(lifetime, '90');
    expect(within(form).getByText('Closes by itself after 1 h 30 min.')).toBeTruthy();
    await user.click(within(form).getByTestId('open-tunnel-submit'));

    const panel = await screen.findByTestId('destination-token-panel', {}, { timeout: 10_000 });
    expect(spy.calls.find((c) => c.name === 'openTunnel')!.input).toEqual({
      source: { kind: 'sandbox' },
      thingName: 'gateway-berlin-02',
      services: [
        { serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' },
        { serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' },
      ],
      description: 'firmware check',
      tags: [{ key: 'ticket', value: 'OPS-1' }],
      maxLifetimeMinutes: 90,
      peerVersion: 'V3',
    });
    const [token] = tokens;
    expect(token!.length).toBeGreaterThan(100);

    // Masked: the token is nowhere in the page, nor in any store.
    const value = within(panel).getByTestId('destination-token-value');
    expect(value.dataset.masked).toBe('true');
    expect(document.body.innerHTML).not.toContain(token);
    expect(everyStore()).not.toContain(token);
    expect(panel.textContent).toContain(
      'A device running the AWS IoT Device Client receives this token by MQTT by itself when its thing name is set',
    );
    expect(document.activeElement).toBe(within(panel).getByTestId('destination-token-copy'));

    const reveal = within(panel).getByTestId('destination-token-reveal');
    await user.click(reveal);
    expect(reveal.getAttribute('aria-pressed')).toBe('true');
    expect(value.textContent).toBe(token);
    await user.click(reveal);
    expect(document.body.innerHTML).not.toContain(token);
    await user.click(within(panel).getByTestId('destination-token-copy'));
    // user-event's clipboard stands in for the system's.
    expect(await navigator.clipboard.readText()).toBe(token);

    // The tunnel's page is open behind the dialog, which stays until dismissed.
    const session = useSessionsStore.getState().sessions[0]!;
    expect(useUiStore.getState().route).toEqual({ view: 'tunnels', sessionId: session.id });
    await user.click(within(panel).getByTestId('destination-token-dismiss'));
    expect(screen.queryByTestId('open-tunnel-dialog')).toBeNull();
    expect(document.body.innerHTML).not.toContain(token);
    expect(everyStore()).not.toContain(token);

    const detail = await screen.findByTestId('session-detail', {}, { timeout: 10_000 });
    await waitFor(
      () =>
        expect(within(detail).getByTestId('device-state').textContent).toMatch(
          /^device connected since \d\d:\d\d:\d\d$/,
        ),
      { timeout: 10_000 },
    );
    expect(within(detail).getByTestId('tunnel-id').textContent).toBe(session.tunnel!.tunnelId);
    expect(within(detail).getByTestId('tunnel-status').dataset.status).toBe('OPEN');
    expect(within(detail).getByTestId('tunnel-expiry').textContent).toMatch(
      /in 1 h 29 min|in 1 h 30 min/,
    );
    // What was asked for is kept as this thing's services for next time.
    expect(app.getSettings().tunnelDefaults?.byThing['gateway-berlin-02']).toEqual([
      { serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' },
      { serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' },
    ]);
  }, 20_000);

  it('checks services, tags and lifetime as typed, and sends nothing wrong', async () => {
    const spy = spyOn(api);
    const user = userEvent.setup();
    render(<App api={spy.api} />);
    const form = await openDialogFor(user, 'kiosk-lobby');

    const lifetime = within(form).getByTestId('tunnel-lifetime');
    await user.clear(lifetime);
    await user.type(lifetime, '721');
    expect(lifetime.getAttribute('aria-invalid')).toBe('true');
    expect(form.textContent).toContain('whole minutes from 1 to 720 (12 h, the most AWS allows)');
    await user.clear(lifetime);
    await user.type(lifetime, '60');
    expect(lifetime.getAttribute('aria-invalid')).toBeNull();

    await user.click(within(form).getByTestId('add-tag'));
    await user.type(within(form).getByTestId('tag-value-0'), 'orphan');
    expect(within(form).getByTestId('tag-error-0').textContent).toBe('a tag needs a key');
    await user.type(within(form).getByTestId('tag-key-0'), 'team');
    expect(within(form).getByTestId('tag-error-0').textContent).toBe('');
    await user.click(within(form).getByTestId('add-tag'));
    await user.type(within(form).getByTestId('tag-key-1'), 'team');
    expect(within(form).getByTestId('tag-error-1').textContent).toBe(
      'the key "team" is already used above',
    );
    await user.click(within(form).getByTestId('open-tunnel-submit'));
    expect(within(form).getByTestId('tag-key-1').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(within(form).getByTestId('tag-key-1'));
    await user.click(within(form).getByRole('button', { name: 'Remove tag 2' }));

    const port = within(form).getByTestId('new-mapping-port-0');
    await user.clear(port);
    await user.type(port, '70000');
    const expected = await api.checkMapping({
      serviceId: 'SSH1',
      port: '70000',
      bindAddress: '127.0.0.1',
    });
    await waitFor(() =>
      expect(within(form).getByTestId('new-mapping-error-0').textContent).toBe(
        !expected.ok && expected.message,
      ),
    );
    await user.click(within(form).getByTestId('open-tunnel-submit'));
    await waitFor(() => expect(port.getAttribute('aria-invalid')).toBe('true'));
    expect(spy.calls.some((c) => c.name === 'openTunnel')).toBe(false);
  });

  it("shows main's error named for the operator, and a V1 device with two services", async () => {
    const { service } = await app['sandbox']['start']();
    service.management.failNext('OpenTunnel', 'LimitExceededException', { times: 10 });
    const user = userEvent.setup();
    render(<App api={api} />);
    const form = await openDialogFor(user, 'pump-station-07');
    await user.click(within(form).getByTestId('open-tunnel-submit'));
    const error = await within(form).findByTestId('open-tunnel-error', {}, { timeout: 5_000 });
    expect(error.dataset.code).toBe('tunnel-limit');
    expect(error.textContent).toContain("The account's limit of open tunnels is reached");
    expect(error.textContent).toContain('The limit of open tunnels is reached (the sandbox).');
    expect(document.activeElement).toBe(error);
    service.management.clearFailures();

    await user.click(within(form).getByRole('button', { name: 'Add service' }));
    await user.type(within(form).getByTestId('new-mapping-service-1'), 'HTTP1');
    await user.selectOptions(within(form).getByTestId('tunnel-peer-version'), 'V1');
    await user.click(within(form).getByTestId('open-tunnel-submit'));
    await waitFor(() =>
      expect(form.textContent).toContain(
        'a V1 destination (the IoT Device Client) carries one service; map exactly one',
      ),
    );
    expect(app.listSessions()).toEqual([]);
  });
});
