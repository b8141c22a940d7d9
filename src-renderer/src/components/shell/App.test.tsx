import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from '../../../../src-main/app/app.js';
import type { TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import '../../test-support/node-realm';
import { startTestApp, stopTestApp, stubLayout } from '../../test-support/harness';
import { render } from '@testing-library/react';
import { App } from './App';

let app: TunnelDeskApp;
let api: TunnelDeskApi;
let restoreLayout: () => void;

beforeEach(() => {
  window.location.hash = '';
  restoreLayout = stubLayout();
  ({ app, api } = startTestApp());
});

afterEach(async () => {
  await stopTestApp(app);
  restoreLayout();
});

describe('the app, driven like the end-to-end test', () => {
  it('opens a sandbox tunnel, shows its ports, its live connection, and closes every listener', async () => {
    const user = userEvent.setup();
    render(<App api={api} />);
    expect(await screen.findByTestId('app-info')).toHaveProperty(
      'textContent',
      expect.stringContaining('vtest'),
    );

    await user.click(await screen.findByRole('button', { name: 'Start a sandbox tunnel' }));
    // The dialog and the live view are loaded when first shown (code-split): give them time.
    const form = await screen.findByTestId('sandbox-form', {}, { timeout: 10_000 });
    await user.type(within(form).getByTestId('sandbox-device-name'), 'pi-17');
    await user.click(within(form).getByTestId('sandbox-submit'));

    const detail = await screen.findByTestId('session-detail', {}, { timeout: 10_000 });
    expect(screen.queryByTestId('connect-dialog')).toBeNull();
    await waitFor(() =>
      expect(within(detail).getByTestId('session-state').dataset.state).toBe('connected'),
    );
    const httpPort = Number(within(detail).getByTestId('bound-port-HTTP1').dataset.port);
    expect(within(detail).getByTestId('bound-port-SSH1').dataset.port).toMatch(/^\d+$/);

    const page = await fetch(`http://127.0.0.1:${httpPort}/`).then((response) => response.text());
    expect(page).toContain('pi-17');

    const row = await within(detail).findByTestId('connection-row', {}, { timeout: 5_000 });
    expect(row.dataset.service).toBe('HTTP1');
    await waitFor(() =>
      expect(Number(within(row).getByTestId('conn-bytes-in').dataset.value)).toBeGreaterThan(0),
    );
    expect(Number(within(row).getByTestId('conn-bytes-out').dataset.value)).toBeGreaterThan(0);

    await user.click(within(detail).getByTestId('close-session'));
    await waitFor(() =>
      expect(within(detail).getByTestId('session-state').dataset.state).toBe('closed'),
    );
    expect(within(detail).getByTestId('bound-port-HTTP1').dataset.port).toBe('');
    expect(within(detail).getByTestId('bound-port-SSH1').dataset.port).toBe('');
    await expect(fetch(`http://127.0.0.1:${httpPort}/`)).rejects.toThrow();
    await waitFor(() => expect(within(detail).queryAllByTestId('connection-row')).toHaveLength(0));
  });

  it('shows a banner when the transport to main is lost', async () => {
    const { useConnectionStore } = await import('../../stores/connection-store');
    render(<App api={api} />);
    expect(screen.queryByTestId('disconnected-banner')).toBeNull();
    act(() =>
      useConnectionStore
        .getState()
        .setTransport({ kind: 'disconnected', reason: 'the connection dropped' }),
    );
    expect(screen.getByRole('alert').textContent).toMatch(
      /Disconnected from TunnelDesk.*the connection dropped/,
    );
  });

  it('follows the theme setting and stores a new choice in main', async () => {
    const user = userEvent.setup();
    render(<App api={api} />);
    await user.click(await screen.findByRole('radio', { name: 'Dark theme' }));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    expect(app.getSettings().theme).toBe('dark');
    await user.click(screen.getByRole('radio', { name: 'System theme' }));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBeUndefined());
  });
});
