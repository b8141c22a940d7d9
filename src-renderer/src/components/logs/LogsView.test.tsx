import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from '../../../../src-main/app/app.js';
import type { TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import { usePushEvents } from '../../hooks/use-push-events';
import '../../test-support/node-realm';
import { renderWithApi, startTestApp, stopTestApp, stubLayout } from '../../test-support/harness';
import { LogsView } from './LogsView';

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

function Logs() {
  usePushEvents(api);
  return <LogsView />;
}

const lines = () => screen.queryAllByTestId('log-line').map((line) => line.textContent);

describe('the logs view', () => {
  it('seeds from main, then appends what main pushes', async () => {
    app.logger.info('before the view opened');
    renderWithApi(api, <Logs />);
    await waitFor(() =>
      expect(lines().some((l) => l?.includes('before the view opened'))).toBe(true),
    );
    app.logger.warn('pushed while watching');
    await waitFor(() =>
      expect(lines().some((l) => l?.includes('pushed while watching'))).toBe(true),
    );
  });

  it('filters by named level and by search, and copies the visible lines', async () => {
    app.logger.error('listener failed: port 5555 is already in use');
    app.logger.warn('peer is slow');
    app.logger.info('opened tunnel');
    app.logger.debug('frame details');
    const user = userEvent.setup();
    renderWithApi(api, <Logs />);
    await waitFor(() => expect(lines().some((l) => l?.includes('opened tunnel'))).toBe(true));
    expect(lines().some((l) => l?.includes('frame details'))).toBe(false);

    // The levels are named, not numbered.
    expect(
      [...(screen.getByTestId('log-level') as HTMLSelectElement).options].map((o) => o.text),
    ).toEqual([
      'Fatal only',
      'Errors',
      'Warnings and errors',
      'Info and above',
      'Debug and above',
      'Everything (Trace)',
    ]);
    await user.selectOptions(screen.getByTestId('log-level'), 'Errors');
    await waitFor(() => expect(lines()).toHaveLength(1));
    expect(lines()[0]).toMatch(/Error.*port 5555/);

    await user.selectOptions(screen.getByTestId('log-level'), 'Debug and above');
    await user.type(screen.getByTestId('log-search'), 'PEER');
    await waitFor(() => expect(lines()).toHaveLength(1));
    expect(lines()[0]).toMatch(/peer is slow/);
    expect(screen.getByTestId('log-count').textContent).toMatch(/^1 of \d+ lines$/);

    await user.click(screen.getByTestId('log-copy'));
    expect(await screen.findByText('Copied 1 line')).toBeTruthy();
    // user-event's clipboard stands in for the system's.
    expect(await navigator.clipboard.readText()).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} Warning \[.*\] peer is slow$/,
    );
  });
});
