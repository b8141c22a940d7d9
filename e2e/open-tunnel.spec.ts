/**
 * Issue 5, as an operator does it, against the built-in sandbox (which serves AWS's
 * management API through the same SDK code path): pick the source, search and pick a thing,
 * open a tunnel with HTTP1 and SSH1, see the device's token once (masked) and dismiss it,
 * see the device join, browse through HTTP1, and close the tunnel from the UI.
 */
import { expect, test } from './fixtures.js';
import { connectRefused, httpGet, snap } from './steps.js';

const THING = 'gateway-berlin-02';

test('open a tunnel to a sandbox thing, see the device join, browse, and close it', async ({
  appPage: page,
}, testInfo) => {
  // Devices: the sandbox is the source, and says who the operator is there.
  await page.getByRole('link', { name: 'Devices' }).click();
  const source = page.getByTestId('source-select');
  await source.selectOption({ label: 'Sandbox: built-in devices, no AWS account' });
  await expect(page.getByTestId('identity-account')).toHaveText('123456789012');
  const things = page.getByRole('listbox', { name: 'Things' });
  await expect(things.getByRole('option')).toHaveCount(5);
  await snap(page, testInfo, 'devices');

  // Search by name prefix, then by attribute; pick with the keyboard.
  await page.getByLabel('Name prefix').fill('gateway');
  await expect(things.getByRole('option')).toHaveCount(2);
  await page.getByLabel('Attribute').fill('rack=b1');
  await expect(things.getByRole('option')).toHaveCount(1);
  await page.getByLabel('Attribute').press('ArrowDown');
  await expect(things).toBeFocused();
  await expect(things.getByRole('option', { selected: true })).toHaveAttribute('data-thing', THING);
  const detail = page.getByTestId('thing-detail');
  await expect(detail.getByRole('heading', { name: THING })).toBeVisible();
  await expect(detail).toContainText('EdgeGateway');
  await expect(detail).toContainText('rack=b1');
  await expect(page.getByTestId('no-tunnels')).toHaveText('No open tunnels to this device.');
  await snap(page, testInfo, 'thing-picked');

  // Open tunnel: the services kept for this thing (none yet: SSH1), plus HTTP1.
  await page.keyboard.press('Enter');
  const form = page.getByTestId('open-tunnel-form');
  await expect(form.getByTestId('new-mapping-service-0')).toHaveValue('SSH1');
  await form.getByRole('button', { name: 'Add service' }).click();
  await form.getByTestId('new-mapping-service-1').fill('HTTP1');
  await form.getByLabel('Description').fill('e2e: firmware check');
  await form.getByTestId('add-tag').click();
  await form.getByLabel('Tag 1 key').fill('ticket');
  await form.getByLabel('Tag 1 value').fill('OPS-42');
  await expect(form.getByLabel('Maximum lifetime (minutes)')).toHaveValue('720');
  await snap(page, testInfo, 'open-tunnel-form');
  await form.getByRole('button', { name: 'Open tunnel' }).click();

  // The device's token, once, masked, until dismissed.
  const tokenPanel = page.getByTestId('destination-token-panel');
  await expect(tokenPanel).toBeVisible();
  const token = tokenPanel.getByTestId('destination-token-value');
  await expect(token).toHaveAttribute('data-masked', 'true');
  await expect(token).toHaveText(/^•+$/);
  await expect(tokenPanel).toContainText(
    'A device running the AWS IoT Device Client receives this token by MQTT by itself',
  );
  await snap(page, testInfo, 'destination-token');
  await tokenPanel.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('open-tunnel-dialog')).toHaveCount(0);

  // The tunnel's page: this side connects, then the simulated device joins.
  const session = page.getByTestId('session-detail');
  await expect(session.getByRole('heading', { name: THING })).toBeVisible();
  await expect(session.getByTestId('session-state')).toHaveAttribute('data-state', 'connected');
  const deviceState = session.getByTestId('device-state');
  await expect(deviceState).toHaveAttribute('data-connected', 'true', { timeout: 15_000 });
  await expect(deviceState).toContainText('device connected');
  await expect(session.getByTestId('tunnel-status')).toHaveText('OPEN');
  const tunnelId = (await session.getByTestId('tunnel-id').textContent())!;
  expect(tunnelId).toMatch(/^[0-9a-f-]{36}$/);
  await snap(page, testInfo, 'device-connected');

  // Browse through HTTP1: the device's own page.
  const httpPort = Number(await session.getByTestId('bound-port-HTTP1').getAttribute('data-port'));
  const sshPort = Number(await session.getByTestId('bound-port-SSH1').getAttribute('data-port'));
  const devicePage = await httpGet(httpPort, '/');
  expect(devicePage.status).toBe(200);
  expect(devicePage.body).toContain(`<h1>${THING}</h1>`);
  expect(devicePage.body).toContain('Device status page');
  // The page came through the tunnel: its bytes are in the tunnel's totals.
  await expect
    .poll(async () =>
      Number(await session.getByTestId('total-bytes-in').getAttribute('data-value')),
    )
    .toBeGreaterThanOrEqual(devicePage.body.length);

  // Close the tunnel from the UI: it is CLOSED, and its ports are gone.
  await session.getByRole('button', { name: 'Close tunnel…' }).click();
  const confirm = page.getByTestId('close-tunnel-dialog');
  await expect(confirm).toContainText(tunnelId);
  await snap(page, testInfo, 'close-tunnel');
  await confirm.getByRole('button', { name: 'Close tunnel' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(session.getByTestId('tunnel-status')).toHaveText('CLOSED');
  await expect(session.getByTestId('session-state')).toHaveAttribute('data-state', 'closed');
  for (const port of [httpPort, sshPort]) {
    expect(await connectRefused(port), `port ${port} after closing`).toBe(true);
  }
  await snap(page, testInfo, 'tunnel-closed');

  // The thing's tunnels: hidden once CLOSED, shown as CLOSED on demand.
  await page.getByRole('link', { name: 'Devices' }).click();
  await expect(page.getByTestId('thing-detail')).toHaveAttribute('data-thing', THING);
  const list = page.getByTestId('thing-tunnels');
  await expect(page.getByTestId('no-tunnels')).toHaveText('No open tunnels to this device.');
  await list.getByLabel('Show closed').check();
  const row = list.getByTestId('tunnel-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-tunnel-id', tunnelId);
  await expect(row.getByTestId('tunnel-row-status')).toHaveText('CLOSED');
  await expect(row).toContainText('e2e: firmware check');
  await snap(page, testInfo, 'closed-tunnels-shown');
});
