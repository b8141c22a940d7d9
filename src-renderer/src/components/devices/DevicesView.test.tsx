import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from '../../../../src-main/app/app.js';
import { useTempHome, type TempHome } from '../../../../src-main/aws/test-support/local-aws.js';
import type { TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import { THINGS_PER_PAGE } from '../../hooks/use-thing-search';
import { SOURCE_STORAGE_KEY, useSourceStore } from '../../stores/source-store';
import { useThingsStore } from '../../stores/things-store';
import { useUiStore } from '../../stores/ui-store';
import '../../test-support/node-realm';
import { renderWithApi, spyOn, startTestApp, stopTestApp } from '../../test-support/harness';
import { DevicesView } from './DevicesView';

let home: TempHome;
let app: TunnelDeskApp;
let api: TunnelDeskApi;

beforeEach(() => {
  // A HOME of its own: the profiles are this test's, and no AWS is ever reached.
  home = useTempHome();
  ({ app, api } = startTestApp({
    // The SDK's retries of a failure made on purpose need not wait.
    awsRetry: { fixedDelayMs: 5 },
  }));
});

afterEach(async () => {
  await stopTestApp(app);
  home.restore();
});

/** The sandbox's own tunnel service, which the app keeps to itself. */
async function sandboxService() {
  const { service } = await app['sandbox']['start']();
  return service;
}

const names = () => screen.queryAllByTestId('thing-option').map((o) => o.dataset.thing);

async function searchFor(
  user: ReturnType<typeof userEvent.setup>,
  testId: string,
  text: string,
): Promise<void> {
  const input = screen.getByTestId(testId);
  await user.clear(input);
  if (text) await user.type(input, text);
}

describe('the thing picker', () => {
  it('lists the sandbox things with their type and attributes, and the identity', async () => {
    renderWithApi(api, <DevicesView />);
    await waitFor(() => expect(names()).toHaveLength(5));
    expect(names()).toEqual([
      'gateway-berlin-01',
      'gateway-berlin-02',
      'kiosk-lobby',
      'pump-station-07',
      'sensor-hub-lab',
    ]);
    const first = screen.getAllByTestId('thing-option')[0]!;
    expect(first.textContent).toContain('EdgeGateway');
    expect(within(first).getByText('site=berlin')).toBeTruthy();
    expect(within(first).getByText('firmware=2.4.1')).toBeTruthy();
    expect(screen.getByTestId('thing-count').textContent).toBe('5 things');

    const identity = screen.getByTestId('source-identity');
    await waitFor(() => expect(identity.dataset.status).toBe('ok'));
    expect(screen.getByTestId('identity-account').textContent).toBe('123456789012');
    expect(screen.getByTestId('identity-arn').textContent).toMatch(/^arn:aws:iam::123456789012:/);
  });

  it('searches by name prefix, thing type and attribute, as typed, and says what is wrong', async () => {
    const spy = spyOn(api);
    const user = userEvent.setup();
    renderWithApi(spy.api, <DevicesView />);
    await waitFor(() => expect(names()).toHaveLength(5));

    await searchFor(user, 'thing-search', 'gateway');
    await waitFor(() => expect(names()).toEqual(['gateway-berlin-01', 'gateway-berlin-02']));
    await searchFor(user, 'thing-search', '');
    await searchFor(user, 'thing-type-filter', 'Kiosk');
    await waitFor(() => expect(names()).toEqual(['kiosk-lobby']));
    await searchFor(user, 'thing-type-filter', '');
    await searchFor(user, 'thing-attribute-filter', 'site=berlin');
    await waitFor(() =>
      expect(names()).toEqual(['gateway-berlin-01', 'gateway-berlin-02', 'kiosk-lobby']),
    );
    expect(spy.calls.filter((c) => c.name === 'listThings').at(-1)!.input).toEqual({
      source: { kind: 'sandbox' },
      attribute: { name: 'site', value: 'berlin' },
      maxResults: THINGS_PER_PAGE,
    });

    const before = spy.calls.length;
    await searchFor(user, 'thing-attribute-filter', 'site');
    expect((await screen.findByTestId('thing-filter-error')).textContent).toBe(
      'write the attribute as name=value, e.g. site=berlin',
    );
    expect(screen.getByTestId('thing-attribute-filter').getAttribute('aria-invalid')).toBe('true');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(spy.calls.slice(before).some((c) => c.name === 'listThings')).toBe(false);
  });

  it('is driven by the keyboard: arrows pick, the detail follows, Enter opens a tunnel', async () => {
    const user = userEvent.setup();
    renderWithApi(api, <DevicesView />);
    await waitFor(() => expect(names()).toHaveLength(5));
    const search = screen.getByTestId('thing-search');
    await user.click(search);
    await user.keyboard('{ArrowDown}');
    const list = screen.getByRole('listbox', { name: 'Things' });
    expect(document.activeElement).toBe(list);
    const selected = () => within(list).getByRole('option', { selected: true }).dataset.thing;
    expect(selected()).toBe('gateway-berlin-01');
    expect(list.getAttribute('aria-activedescendant')).toBe(
      within(list).getByRole('option', { selected: true }).id,
    );
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(selected()).toBe('kiosk-lobby');
    await waitFor(() =>
      expect(screen.getByTestId('thing-detail').dataset.thing).toBe('kiosk-lobby'),
    );
    expect(within(screen.getByTestId('thing-detail')).getByText('floor=0')).toBeTruthy();
    await user.keyboard('{End}');
    expect(selected()).toBe('sensor-hub-lab');
    await user.keyboard('{Home}');
    expect(selected()).toBe('gateway-berlin-01');
    await user.keyboard('{Enter}');
    expect(useUiStore.getState().openTunnel).toEqual({
      source: { kind: 'sandbox' },
      thing: expect.objectContaining({
        thingName: 'gateway-berlin-01',
        thingTypeName: 'EdgeGateway',
      }),
    });
  });

  it("loads more with AWS's page token, past the first page", async () => {
    const sandbox = await sandboxService();
    for (let i = 0; i < THINGS_PER_PAGE + 10; i++) {
      sandbox.management.things.add({ thingName: `bulk-${String(i).padStart(3, '0')}` });
    }
    const spy = spyOn(api);
    const user = userEvent.setup();
    renderWithApi(spy.api, <DevicesView />);
    await waitFor(() => expect(names()).toHaveLength(THINGS_PER_PAGE));
    expect(screen.getByTestId('thing-count').textContent).toBe(
      `${THINGS_PER_PAGE} things, more to load`,
    );
    await user.click(screen.getByTestId('things-load-more'));
    await waitFor(() => expect(names()).toHaveLength(THINGS_PER_PAGE + 15));
    const pages = spy.calls.filter((c) => c.name === 'listThings');
    expect(pages.at(-1)!.input).toMatchObject({ nextToken: expect.any(String) });
    expect(screen.queryByTestId('things-load-more')).toBeNull();
    expect(new Set(names()).size).toBe(THINGS_PER_PAGE + 15);
  });

  it('names AWS errors for the operator: the denied action, in main’s words', async () => {
    const sandbox = await sandboxService();
    sandbox.management.failNext('ListThings', 'AccessDeniedException', { times: 10 });
    renderWithApi(api, <DevicesView />);
    const error = await screen.findByTestId('things-error', {}, { timeout: 5_000 });
    expect(error.dataset.code).toBe('access-denied');
    expect(error.textContent).toContain('Access denied');
    expect(error.textContent).toContain('AWS denied iot:ListThings (the sandbox).');
    expect(error.textContent).toContain('Denied action: iot:ListThings');
  });
});

describe('the source picker', () => {
  it('offers the sandbox and every profile, and gives the exact sso login command', async () => {
    home.writeAws(
      'config',
      [
        '[profile ops-sso]',
        'sso_session = corp',
        'sso_account_id = 111122223333',
        'sso_role_name = Operator',
        'region = eu-west-1',
        '',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = eu-west-1',
        '',
        '[profile bare]',
        'output = json',
        '',
      ].join('\n'),
    );
    const user = userEvent.setup();
    renderWithApi(api, <DevicesView />);
    const select = screen.getByTestId('source-select') as HTMLSelectElement;
    await waitFor(() =>
      expect([...select.options].map((o) => o.textContent)).toEqual([
        'Sandbox: built-in devices, no AWS account',
        'bare',
        'ops-sso · sso · eu-west-1',
      ]),
    );

    await user.selectOptions(select, 'profile:ops-sso');
    expect((screen.getByTestId('source-region') as HTMLInputElement).placeholder).toBe('eu-west-1');
    const sso = await screen.findByTestId('identity-error', {}, { timeout: 5_000 });
    expect(sso.dataset.code).toBe('sso-expired');
    expect(sso.textContent).toContain('AWS SSO session expired');
    expect(screen.getByTestId('sso-login-command').textContent).toBe(
      'aws sso login --profile ops-sso',
    );
    // The list does not say it twice.
    await waitFor(() => expect(screen.queryByTestId('things-error')).toBeNull());
    expect(JSON.parse(localStorage.getItem(SOURCE_STORAGE_KEY)!)).toEqual({
      kind: 'aws',
      profile: 'ops-sso',
      region: '',
    });

    await user.selectOptions(select, 'profile:bare');
    expect(screen.getByText('Give a region: profile "bare" names none.')).toBeTruthy();
    await user.type(screen.getByTestId('source-region'), 'Europe');
    expect(screen.getByTestId('source-region').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('region: not a region name such as eu-west-1')).toBeTruthy();
    await user.clear(screen.getByTestId('source-region'));
    await user.type(screen.getByTestId('source-region'), 'eu-central-1');
    const none = await screen.findByTestId('identity-error', {}, { timeout: 5_000 });
    await waitFor(() => expect(none.dataset.code).toBe('no-credentials'));
    expect(none.textContent).toContain('No AWS credentials found for profile "bare".');
    expect(within(none).getByText('aws configure sso').tagName).toBe('CODE');

    await user.selectOptions(select, 'sandbox');
    await waitFor(() => expect(names()).toHaveLength(5));
    expect(useSourceStore.getState().choice).toEqual({ kind: 'sandbox' });
  });

  it('keeps the picked thing to its source', async () => {
    const user = userEvent.setup();
    renderWithApi(api, <DevicesView />);
    await waitFor(() => expect(names()).toHaveLength(5));
    await user.click(screen.getAllByTestId('thing-option')[3]!);
    expect(screen.getByTestId('thing-detail').dataset.thing).toBe('pump-station-07');
    useSourceStore.getState().choose({ kind: 'aws', profile: null, region: 'eu-west-1' });
    await waitFor(() => expect(screen.queryByTestId('thing-detail')).toBeNull());
    useSourceStore.getState().choose({ kind: 'sandbox' });
    await waitFor(() =>
      expect(screen.getByTestId('thing-detail').dataset.thing).toBe('pump-station-07'),
    );
    expect(useThingsStore.getState().selected?.thingName).toBe('pump-station-07');
  });
});

describe('Copy ssh config', () => {
  it("copies the thing's Host block, made by main, using tunneldesk connect --stdio", async () => {
    const user = userEvent.setup();
    renderWithApi(api, <DevicesView />);
    await waitFor(() => expect(names()).toHaveLength(5));
    await user.click(screen.getAllByTestId('thing-option')[2]!);
    await waitFor(() =>
      expect(screen.getByTestId('thing-detail').dataset.thing).toBe('kiosk-lobby'),
    );
    await user.click(screen.getByTestId('copy-ssh-config'));
    await waitFor(() =>
      expect(screen.getByTestId('copy-ssh-config-status').textContent).toMatch(/^Copied/),
    );
    // user-event's clipboard stands in for the system's.
    expect(await navigator.clipboard.readText()).toBe(
      [
        'Host kiosk-lobby',
        '  HostName kiosk-lobby',
        '  HostKeyAlias kiosk-lobby',
        '  ProxyCommand tunneldesk connect kiosk-lobby --stdio --sandbox',
        '',
      ].join('\n'),
    );
  });
});
