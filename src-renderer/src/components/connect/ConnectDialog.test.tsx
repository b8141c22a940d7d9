import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from '../../../../src-main/app/app.js';
import type { TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import { useConnectionStore } from '../../stores/connection-store';
import { useLogsStore } from '../../stores/logs-store';
import { useSessionsStore } from '../../stores/sessions-store';
import { useSettingsStore } from '../../stores/settings-store';
import { useStatsStore } from '../../stores/stats-store';
import { useUiStore } from '../../stores/ui-store';
import '../../test-support/node-realm';
import { renderWithApi, spyOn, startTestApp, stopTestApp } from '../../test-support/harness';
import { ConnectDialog } from './ConnectDialog';

let app: TunnelDeskApp;
let api: TunnelDeskApi;

beforeEach(() => {
  ({ app, api } = startTestApp());
});

afterEach(async () => {
  await stopTestApp(app);
});

const TOKEN = 'AQGAAXh0c2VjcmV0LXNvdXJjZS10b2tlbi1mb3ItdGVzdHMtb25seQ';

function everyStore(): string {
  return JSON.stringify([
    useConnectionStore.getState(),
    useLogsStore.getState(),
    useSessionsStore.getState(),
    useSettingsStore.getState(),
    useStatsStore.getState(),
    useUiStore.getState(),
  ]);
}

describe('the sandbox form', () => {
  it('sends the device name and the default HTTP1 and SSH1 rows, then shows the new tunnel', async () => {
    const spy = spyOn(api);
    const user = userEvent.setup();
    useUiStore.getState().openConnect('sandbox');
    renderWithApi(spy.api, <ConnectDialog initialMode="sandbox" />);

    const name = screen.getByTestId('sandbox-device-name');
    expect(document.activeElement).toBe(name);
    await user.type(name, 'gateway-3{Enter}');

    await waitFor(() => expect(useUiStore.getState().connect).toBeNull());
    expect(spy.calls.find((call) => call.name === 'openSandbox')?.input).toEqual({
      deviceName: 'gateway-3',
      services: [
        { serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' },
        { serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' },
      ],
    });
    const session = useSessionsStore.getState().sessions[0]!;
    expect(session.name).toBe('gateway-3');
    expect(useUiStore.getState().route).toEqual({ view: 'tunnels', sessionId: session.id });
  });

  it("shows main's message on the row with a bad port and sends nothing", async () => {
    const spy = spyOn(api);
    const user = userEvent.setup();
    renderWithApi(spy.api, <ConnectDialog initialMode="sandbox" />);
    const port = screen.getByTestId('new-mapping-port-1');
    await user.clear(port);
    await user.type(port, '22x');
    const expected = await api.checkMapping({
      serviceId: 'SSH1',
      port: '22x',
      bindAddress: '127.0.0.1',
    });
    await waitFor(() =>
      expect(screen.getByTestId('new-mapping-error-1').textContent).toBe(
        !expected.ok && expected.message,
      ),
    );
    await user.click(screen.getByTestId('sandbox-submit'));
    await waitFor(() => expect(spy.calls.some((call) => call.name === 'checkMapping')).toBe(true));
    expect(spy.calls.some((call) => call.name === 'openSandbox')).toBe(false);
    expect(port.getAttribute('aria-invalid')).toBe('true');
  });

  it('closes on Escape', async () => {
    const user = userEvent.setup();
    useUiStore.getState().openConnect('sandbox');
    renderWithApi(api, <ConnectDialog initialMode="sandbox" />);
    await user.keyboard('{Escape}');
    expect(useUiStore.getState().connect).toBeNull();
  });
});

describe('the access token form', () => {
  async function openTokenTab(user: ReturnType<typeof userEvent.setup>) {
    await user.click(screen.getByRole('tab', { name: 'Access token' }));
    return screen.getByTestId('token-form');
  }

  it('sends the right request, and clears the token from the form once main has it', async () => {
    const spy = spyOn(api);
    // Main's answer waits until the test has seen the form while the request is in flight.
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const gated: TunnelDeskApi = {
      ...spy.api,
      connectWithToken: async (input) => {
        const reply = spy.api.connectWithToken(input);
        await answered;
        return reply;
      },
    };
    const user = userEvent.setup();
    useUiStore.getState().openConnect('sandbox');
    renderWithApi(gated, <ConnectDialog initialMode="sandbox" />);
    const form = await openTokenTab(user);

    const token = within(form).getByTestId('token-input') as HTMLInputElement;
    expect(token.type).toBe('password');
    expect(token.autocomplete).toBe('off');
    await user.type(within(form).getByTestId('token-name'), 'lab device');
    await user.type(token, TOKEN);
    await user.click(within(form).getByLabelText('Endpoint'));
    // Nothing listens on port 9: the tunnel opens its listeners and keeps retrying.
    await user.type(within(form).getByTestId('token-endpoint'), '127.0.0.1:9');
    await user.selectOptions(within(form).getByTestId('token-peer-version'), 'V2');
    const verify = within(form).getByTestId('token-verify-tls') as HTMLInputElement;
    expect(verify.checked).toBe(true);
    await user.click(verify);
    await user.click(within(form).getByTestId('token-submit'));

    await waitFor(() =>
      expect(spy.calls.some((call) => call.name === 'connectWithToken')).toBe(true),
    );
    expect(within(form).getByTestId('token-submit').textContent).toBe('Connecting…');
    answer();
    expect(spy.calls.find((call) => call.name === 'connectWithToken')!.input).toEqual({
      name: 'lab device',
      accessToken: TOKEN,
      target: { kind: 'endpoint', endpoint: '127.0.0.1:9' },
      services: [{ serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' }],
      peerVersion: 'V2',
      verifyTls: false,
    });
    await waitFor(() => expect(useUiStore.getState().connect).toBeNull());
    expect(useSessionsStore.getState().sessions[0]!.name).toBe('lab device');
    expect(everyStore()).not.toContain(TOKEN);
  });

  it('marks a bad region as it is typed, and a local error keeps the token', async () => {
    const spy = spyOn(api);
    const user = userEvent.setup();
    renderWithApi(spy.api, <ConnectDialog initialMode="token" />);
    const form = screen.getByTestId('token-form');
    const token = within(form).getByTestId('token-input') as HTMLInputElement;
    await user.type(token, TOKEN);
    const region = within(form).getByTestId('token-region');
    await user.type(region, 'eu-west');

    // Checked as typed, before any submit, by main's rules.
    await waitFor(() => expect(region.getAttribute('aria-invalid')).toBe('true'));
    const message = () =>
      document.getElementById(region.getAttribute('aria-describedby')!.split(' ').at(-1)!)!;
    expect(message().textContent).toBe(
      '"eu-west" is not a region name; use one such as us-east-1 or eu-west-1',
    );
    await user.click(within(form).getByTestId('token-submit'));
    await waitFor(() =>
      expect(spy.calls.some((call) => call.name === 'connectWithToken')).toBe(true),
    );
    expect(region.getAttribute('aria-invalid')).toBe('true');
    // A local check refused it: the token is still there, nothing to paste again.
    expect(token.value).toBe(TOKEN);
    expect(screen.queryByTestId('connect-error')).toBeNull();
    expect(everyStore()).not.toContain(TOKEN);

    // Fixed as typed: the mark goes.
    await user.type(region, '-1');
    await waitFor(() => expect(region.getAttribute('aria-invalid')).toBeNull());
  });

  it('marks a bad endpoint as it is typed', async () => {
    const user = userEvent.setup();
    renderWithApi(api, <ConnectDialog initialMode="token" />);
    const form = screen.getByTestId('token-form');
    await user.click(within(form).getByLabelText('Endpoint'));
    const endpoint = within(form).getByTestId('token-endpoint');
    await user.type(endpoint, 'https://example.com');
    await waitFor(() => expect(endpoint.getAttribute('aria-invalid')).toBe('true'));
    await user.clear(endpoint);
    await user.type(endpoint, 'example.com:70000');
    await waitFor(() =>
      expect(
        document.getElementById(endpoint.getAttribute('aria-describedby')!.split(' ').at(-1)!)!
          .textContent,
      ).toMatch(/the port is 1 to 65535/),
    );
  });

  it('"Edit & retry" fills the form in as before, all but the token', async () => {
    useUiStore.getState().editAndRetry({
      kind: 'token',
      name: 'lab device',
      target: { kind: 'endpoint', endpoint: '127.0.0.1:9' },
      services: [{ serviceId: 'SSH1', port: 2222, bindAddress: '127.0.0.1' }],
      peerVersion: 'V2',
      verifyTls: false,
      caPath: null,
    });
    renderWithApi(api, <ConnectDialog initialMode="token" />);
    expect(screen.getByRole('heading', { name: 'Edit & retry' })).toBeTruthy();
    const form = screen.getByTestId('token-form');
    expect((within(form).getByTestId('token-name') as HTMLInputElement).value).toBe('lab device');
    expect((within(form).getByTestId('token-endpoint') as HTMLInputElement).value).toBe(
      '127.0.0.1:9',
    );
    expect((within(form).getByTestId('token-peer-version') as HTMLSelectElement).value).toBe('V2');
    expect((within(form).getByTestId('token-verify-tls') as HTMLInputElement).checked).toBe(false);
    expect((within(form).getByTestId('token-input') as HTMLInputElement).value).toBe('');
    expect(within(form).getByText(/Paste the access token again/)).toBeTruthy();
    expect(within(form).getByDisplayValue('2222')).toBeTruthy();
  });

  it('asks for the token before sending anything', async () => {
    const spy = spyOn(api);
    const user = userEvent.setup();
    renderWithApi(spy.api, <ConnectDialog initialMode="token" />);
    await user.type(screen.getByTestId('token-region'), 'us-east-1');
    await user.click(screen.getByTestId('token-submit'));
    expect(screen.getByTestId('token-input').getAttribute('aria-invalid')).toBe('true');
    expect(spy.calls.some((call) => call.name === 'connectWithToken')).toBe(false);
  });
});

describe('the mapping rows, checked as you type', () => {
  it('mark a port another tunnel holds (naming it) and a port or service given twice', async () => {
    const held = await api.openSandbox({
      deviceName: 'pi-17',
      services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
    });
    const heldPort = held.listeners[0]!.port!;
    const user = userEvent.setup();
    renderWithApi(api, <ConnectDialog initialMode="sandbox" />);
    const form = screen.getByTestId('sandbox-form');
    const port0 = within(form).getByTestId('new-mapping-port-0');
    await user.clear(port0);
    await user.type(port0, String(heldPort));
    await waitFor(() => expect(port0.getAttribute('aria-invalid')).toBe('true'));
    expect(within(form).getByTestId('new-mapping-error-0').textContent).toBe(
      `port ${heldPort} on 127.0.0.1 is in use by HTTP1 of tunnel "pi-17"; choose another port, or auto`,
    );

    // Row 2 takes the same port as row 1 (free this time), and then the same service.
    // A port free now: one the app bound and let go.
    const probe = await api.openSandbox({
      services: [{ serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' }],
    });
    const free = probe.listeners[0]!.port!;
    await api.closeSession({ sessionId: probe.id });
    await user.clear(port0);
    await user.type(port0, String(free));
    const port1 = within(form).getByTestId('new-mapping-port-1');
    await user.clear(port1);
    await user.type(port1, String(free));
    await waitFor(() => expect(port1.getAttribute('aria-invalid')).toBe('true'));
    expect(within(form).getByTestId('new-mapping-error-1').textContent).toBe(
      `port ${free} is given to HTTP1 above; each service needs its own port (auto picks a free one)`,
    );
    const service1 = within(form).getByTestId('new-mapping-service-1');
    await user.clear(service1);
    await user.type(service1, 'HTTP1');
    await waitFor(() => expect(service1.getAttribute('aria-invalid')).toBe('true'));
    expect(within(form).getByTestId('new-mapping-error-1').textContent).toBe(
      '"HTTP1" is mapped above; map each service once',
    );
  });
});

describe('the CA certificates field', () => {
  it('is checked by main as typed, and goes away with Verify TLS off', async () => {
    const user = userEvent.setup();
    renderWithApi(api, <ConnectDialog initialMode="token" />);
    const form = screen.getByTestId('token-form');
    const ca = within(form).getByTestId('token-ca-path');
    expect(within(form).getByText(/Optional: a PEM file, or a folder of them/)).toBeTruthy();
    await user.type(ca, '/no/such/ca.pem');
    await waitFor(() => expect(ca.getAttribute('aria-invalid')).toBe('true'));
    expect(
      document.getElementById(ca.getAttribute('aria-describedby')!.split(' ').at(-1)!)!.textContent,
    ).toBe('"/no/such/ca.pem" does not exist; give a directory or file of PEM CA certificates');
    // Browser mode: no Choose buttons (no file dialog of this machine's files).
    expect(within(form).queryByRole('button', { name: 'Choose file…' })).toBeNull();
    await user.click(within(form).getByTestId('token-verify-tls'));
    expect(within(form).queryByTestId('token-ca-path')).toBeNull();
  });
});
