import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from '../../../../src-main/app/app.js';
import {
  recordingLaunchDeps,
  type RecordedLaunches,
} from '../../../../src-main/app/test-support/test-environment.js';
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

async function start(overrides: Parameters<typeof startTestApp>[0] = {}) {
  ({ app, api, launched } = startTestApp(overrides));
  session = await api.openSandbox({
    deviceName: 'pi-17',
    services: [
      { serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' },
      { serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' },
    ],
  });
}

beforeEach(async () => {
  // Electron unless a test restarts as browser mode: main opens the browser there.
  await start({ runtime: 'electron' });
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

describe('truthful launches', () => {
  it('in browser mode, this page opens the device page in a new tab and only then says Opened', async () => {
    await stopTestApp(app);
    await start({ runtime: 'web' });
    const opened: string[] = [];
    const tab = { opener: {} as unknown };
    const originalOpen = window.open;
    window.open = ((url: string, target: string) => {
      opened.push(`${target} ${url}`);
      return tab as Window;
    }) as typeof window.open;
    try {
      const user = userEvent.setup();
      renderWithApi(api, <Launchers serviceId="HTTP1" />);
      await user.click(await screen.findByTestId('open-browser-HTTP1'));
      const url = `http://127.0.0.1:${portOf('HTTP1')}/`;
      await waitFor(() =>
        expect(screen.getByTestId('launch-result-HTTP1').textContent).toBe(
          `Opened ${url} in a new tab`,
        ),
      );
      expect(opened).toEqual([`_blank ${url}`]);
      expect(tab.opener).toBeNull();
      // Main opened nothing on its own machine.
      expect(launched.urls).toEqual([]);
    } finally {
      window.open = originalOpen;
    }
  });

  it('says a blocked tab is blocked, not opened, and offers the URL to copy', async () => {
    await stopTestApp(app);
    await start({ runtime: 'web' });
    const originalOpen = window.open;
    window.open = (() => null) as typeof window.open;
    try {
      const user = userEvent.setup();
      renderWithApi(api, <Launchers serviceId="HTTP1" />);
      await user.click(await screen.findByTestId('open-browser-HTTP1'));
      await waitFor(() =>
        expect(screen.getByTestId('launch-result-HTTP1').dataset.kind).toBe('failed'),
      );
      const result = screen.getByTestId('launch-result-HTTP1');
      expect(result.textContent).toMatch(/^This browser blocked the new tab/);
      expect(result.textContent).not.toMatch(/Opened/);
      await user.click(screen.getByTestId('copy-instead-HTTP1'));
      expect(await navigator.clipboard.readText()).toBe(`http://127.0.0.1:${portOf('HTTP1')}/`);
    } finally {
      window.open = originalOpen;
    }
  });

  it('a terminal that cannot open (no display) is an error naming it, with Copy command', async () => {
    await stopTestApp(app);
    const launch = recordingLaunchDeps('linux', ['x-terminal-emulator'], {});
    await start({ runtime: 'electron', launch });
    const user = userEvent.setup();
    renderWithApi(api, <Launchers serviceId="SSH1" />);
    await user.type(await screen.findByTestId('ssh-user-SSH1'), 'pi');
    await user.click(screen.getByTestId('open-ssh-SSH1'));
    await waitFor(() =>
      expect(screen.getByTestId('launch-result-SSH1').dataset.kind).toBe('failed'),
    );
    const result = screen.getByTestId('launch-result-SSH1');
    expect(result.querySelector('.error-text__summary')!.textContent).toBe(
      'No terminal can open here: this machine has no display (DISPLAY or WAYLAND_DISPLAY).',
    );
    expect(result.textContent).not.toMatch(/Opened/);
    // Main's own words are behind Details.
    expect(screen.getByText('Details')).toBeTruthy();
    expect(launch.launched.programs).toEqual([]);
    await user.click(screen.getByTestId('copy-instead-SSH1'));
    const command = `ssh -p ${portOf('SSH1')} -o HostKeyAlias=pi-17 pi@127.0.0.1`;
    expect(await navigator.clipboard.readText()).toBe(command);
    await waitFor(() =>
      expect(screen.getByTestId('launch-result-SSH1').textContent).toBe(`Copied: ${command}`),
    );
  });

  it('says Opening… while main is at it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slowApi = {
      ...api,
      openSsh: async (input: Parameters<TunnelDeskApi['openSsh']>[0]) => {
        await held;
        return api.openSsh(input);
      },
    } as TunnelDeskApi;
    const user = userEvent.setup();
    function SlowLaunchers() {
      usePushEvents(api);
      const current = useSession(session.id);
      return current ? <ServiceLaunchers session={current} serviceId="SSH1" listening /> : null;
    }
    renderWithApi(slowApi, <SlowLaunchers />);
    await user.type(await screen.findByTestId('ssh-user-SSH1'), 'pi');
    await user.click(screen.getByTestId('open-ssh-SSH1'));
    expect(screen.getByTestId('open-ssh-SSH1').textContent).toBe('Opening…');
    expect(screen.getByTestId('launch-result-SSH1').textContent).toBe('Opening a terminal…');
    release();
    await waitFor(() =>
      expect(screen.getByTestId('launch-result-SSH1').textContent).toMatch(
        /^Opened x-terminal-emulator: ssh /,
      ),
    );
  });

  it('Open SSH without a user says why it is disabled, and the field says what it is for', async () => {
    renderWithApi(api, <Launchers serviceId="SSH1" />);
    const open = (await screen.findByRole('button', {
      name: 'Open SSH: SSH1',
    })) as HTMLButtonElement;
    expect(open.disabled).toBe(true);
    expect(open.title).toBe('Type the user to log in as on the device first.');
    const hint = screen.getByTestId('ssh-hint-SSH1');
    expect(open.getAttribute('aria-describedby')).toBe(hint.id);
    expect(hint.textContent).toBe('Type the user to log in as on the device first.');
    const field = screen.getByRole('textbox', { name: 'SSH user on pi-17' });
    expect(field.getAttribute('placeholder')).toBe('device user');
    expect(field.title).toMatch(/The user ssh logs in as on the device/);
  });
});
