import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from '../../../../src-main/app/app.js';
import type { RecordedLaunches } from '../../../../src-main/app/test-support/test-environment.js';
import type { SessionView, TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import { usePushEvents } from '../../hooks/use-push-events';
import { useSession } from '../../stores/sessions-store';
import { useSettingsStore } from '../../stores/settings-store';
import '../../test-support/node-realm';
import { renderWithApi, startTestApp, stopTestApp } from '../../test-support/harness';
import { ServiceLaunchers } from './ServiceLaunchers';

let app: TunnelDeskApp;
let api: TunnelDeskApi;
let launched: RecordedLaunches;
let session: SessionView;

beforeEach(async () => {
  ({ app, api, launched } = startTestApp());
  session = await api.openSandbox({
    deviceName: 'pi-17',
    services: [
      { serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' },
      { serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' },
    ],
  });
});

afterEach(async () => {
  await stopTestApp(app);
});

function Launchers({ serviceId }: { serviceId: string }) {
  usePushEvents(api);
  const current = useSession(session.id);
  return current ? <ServiceLaunchers session={current} serviceId={serviceId} listening /> : null;
}

const portOf = (serviceId: string) =>
  session.listeners.find((l) => l.serviceId === serviceId)!.port!;

describe('the launchers', () => {
  it('asks main to open the browser on the service port, with the chosen scheme, and remembers it', async () => {
    const user = userEvent.setup();
    renderWithApi(api, <Launchers serviceId="HTTP1" />);
    await user.selectOptions(
      await screen.findByRole('combobox', { name: 'Scheme for HTTP1' }),
      'https',
    );
    await user.click(screen.getByTestId('open-browser-HTTP1'));

    const url = `https://127.0.0.1:${portOf('HTTP1')}/`;
    await waitFor(() =>
      expect(screen.getByTestId('launch-result-HTTP1').textContent).toBe(`Opened ${url}`),
    );
    expect(launched.urls).toEqual([url]);
    expect(screen.queryByTestId('open-ssh-HTTP1')).toBeNull();
    await waitFor(() =>
      expect(useSettingsStore.getState().settings?.browserSchemes['pi-17/HTTP1']).toBe('https'),
    );
  });

  it('opens SSH in a terminal with the user name, shows what main ran, and remembers the user', async () => {
    const user = userEvent.setup();
    renderWithApi(api, <Launchers serviceId="SSH1" />);
    const open = (await screen.findByTestId('open-ssh-SSH1')) as HTMLButtonElement;
    expect(open.disabled).toBe(true);
    await user.type(screen.getByTestId('ssh-user-SSH1'), 'pi');
    await user.click(open);

    const command = `ssh -p ${portOf('SSH1')} -o HostKeyAlias=pi-17 pi@127.0.0.1`;
    await waitFor(() =>
      expect(screen.getByTestId('launch-result-SSH1').textContent).toBe(
        `Opened x-terminal-emulator: ${command}`,
      ),
    );
    expect(launched.programs).toEqual([
      { program: '/usr/bin/x-terminal-emulator', args: ['-e', ...command.split(' ')] },
    ]);
    await waitFor(() => expect(useSettingsStore.getState().settings?.sshUsers['pi-17']).toBe('pi'));
  });

  it('copies the SSH command and says so', async () => {
    await app.updateSettings({ sshUsers: { 'pi-17': 'admin' } });
    // user-event puts a clipboard of its own on navigator, readable below.
    const user = userEvent.setup();
    renderWithApi(api, <Launchers serviceId="SSH1" />);
    const input = (await screen.findByTestId('ssh-user-SSH1')) as HTMLInputElement;
    await waitFor(() => expect(input.value).toBe('admin'));
    await user.click(screen.getByTestId('copy-ssh-SSH1'));

    const command = `ssh -p ${portOf('SSH1')} -o HostKeyAlias=pi-17 admin@127.0.0.1`;
    await waitFor(() =>
      expect(screen.getByTestId('launch-result-SSH1').textContent).toBe(`Copied: ${command}`),
    );
    expect(await navigator.clipboard.readText()).toBe(command);
    expect(launched.programs).toEqual([]);
  });

  it("shows main's refusal of a bad user name", async () => {
    const user = userEvent.setup();
    renderWithApi(api, <Launchers serviceId="SSH1" />);
    await user.type(await screen.findByTestId('ssh-user-SSH1'), '-oProxyCommand=x');
    await user.click(screen.getByTestId('open-ssh-SSH1'));
    await waitFor(() =>
      expect(screen.getByTestId('launch-result-SSH1').textContent).toMatch(/is not a user name/),
    );
    expect(launched.programs).toEqual([]);
  });
});
