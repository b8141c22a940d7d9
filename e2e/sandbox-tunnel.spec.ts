/**
 * Issue 4, as an operator does it: start a sandbox tunnel with HTTP1 and SSH1, read the
 * local ports off the screen, browse the device's page through HTTP1 (from another program
 * and in a browser tab), watch the connection in the live view, remap HTTP1 (a wrong value
 * first), and close the tunnel: every port it served is gone.
 */
import { expect, test } from './fixtures.js';
import { connectRefused, freePort, httpGet, snap } from './steps.js';

test('a sandbox tunnel: ports, the device page, live bytes, a remap, and closing', async ({
  appPage: page,
  runtime,
}, testInfo) => {
  const device = 'e2e-pi';
  await expect(page.getByRole('heading', { name: 'Open your first tunnel' })).toBeVisible();
  await snap(page, testInfo, 'home');

  // Start a sandbox tunnel: the dialog offers HTTP1 and SSH1 on any free port.
  await page.getByRole('button', { name: 'Start a sandbox tunnel' }).click();
  const form = page.getByTestId('sandbox-form');
  await expect(form.getByTestId('new-mapping-service-0')).toHaveValue('HTTP1');
  await expect(form.getByTestId('new-mapping-service-1')).toHaveValue('SSH1');
  await form.getByLabel('Device name').fill(device);
  await snap(page, testInfo, 'new-sandbox-tunnel');
  await form.getByRole('button', { name: 'Open sandbox tunnel' }).click();

  // The tunnel's page: connected, a port per service.
  const detail = page.getByTestId('session-detail');
  await expect(detail.getByRole('heading', { name: device })).toBeVisible();
  await expect(detail.getByTestId('session-state')).toHaveAttribute('data-state', 'connected');
  const portOf = async (serviceId: string) => {
    const bound = detail.getByTestId(`bound-port-${serviceId}`);
    await expect(bound).toHaveAttribute('data-port', /^\d+$/);
    // The number an operator reads is the one the app serves.
    const port = Number(await bound.getAttribute('data-port'));
    await expect(bound).toHaveText(String(port));
    return port;
  };
  const httpPort = await portOf('HTTP1');
  const sshPort = await portOf('SSH1');
  expect(httpPort).not.toBe(sshPort);
  await snap(page, testInfo, 'tunnel-connected');

  // The device's page through HTTP1, from another program.
  const page1 = await httpGet(httpPort, '/from-node');
  expect(page1.status).toBe(200);
  expect(page1.body).toContain(`<h1>${device}</h1>`);
  expect(page1.body).toContain('served by the simulated device through the secure tunnel');
  expect(page1.body).toContain('/from-node');

  // And in a browser tab: it is the device's page, not the app.
  if (runtime === 'web') {
    const tab = await page.context().newPage();
    await tab.goto(`http://127.0.0.1:${httpPort}/from-a-tab`);
    await expect(tab.getByRole('heading', { name: device })).toBeVisible();
    await expect(tab.getByText('/from-a-tab')).toBeVisible();
    await snap(tab, testInfo, 'device-page-in-a-tab');
    await tab.close();
  } else {
    // Electron has one window and no tabs: Node's request above is the check there.
    testInfo.annotations.push({ type: 'note', description: 'no browser tab in Electron' });
  }

  // The live view: the connection, with bytes both ways.
  const row = detail.getByTestId('connection-row').first();
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-service', 'HTTP1');
  await expect
    .poll(async () => Number(await row.getByTestId('conn-bytes-in').getAttribute('data-value')))
    .toBeGreaterThan(0);
  await expect
    .poll(async () => Number(await row.getByTestId('conn-bytes-out').getAttribute('data-value')))
    .toBeGreaterThan(0);
  await expect
    .poll(async () => Number(await detail.getByTestId('total-bytes-in').getAttribute('data-value')))
    .toBeGreaterThanOrEqual(page1.body.length);
  await row.scrollIntoViewIfNeeded();
  await snap(page, testInfo, 'live-connections');

  // A wrong port is refused as typed, with the CLI's own message, and cannot be applied.
  const portInput = detail.getByLabel('HTTP1 local port');
  const apply = detail.getByRole('button', { name: 'Apply HTTP1 mapping' });
  const message = detail.getByTestId('mapping-error-HTTP1');
  await portInput.fill('70000');
  await expect(message).toHaveText(
    '"HTTP1=70000": port 70000 is out of range; a port is 1 to 65535 (0 picks a free port)',
  );
  await expect(portInput).toHaveAttribute('aria-invalid', 'true');
  await expect(apply).toBeDisabled();
  await portInput.scrollIntoViewIfNeeded();
  await snap(page, testInfo, 'bad-mapping');

  // Fixed: HTTP1 moves to the port asked for, SSH1 stays where it was.
  const newPort = await freePort();
  await portInput.fill(String(newPort));
  await expect(message).toHaveText('');
  await portInput.press('Enter');
  await expect(detail.getByTestId('bound-port-HTTP1')).toHaveAttribute(
    'data-port',
    String(newPort),
  );
  await expect(detail.getByTestId('bound-port-SSH1')).toHaveAttribute('data-port', String(sshPort));
  expect((await httpGet(newPort)).body).toContain(`<h1>${device}</h1>`);
  expect(await connectRefused(httpPort)).toBe(true);
  await snap(page, testInfo, 'mapping-applied');

  // Closed: the state says so, and nothing listens on any port the tunnel served.
  await detail.getByRole('button', { name: `Disconnect ${device}` }).click();
  await expect(detail.getByTestId('session-state')).toHaveAttribute('data-state', 'closed');
  await expect(detail.getByTestId('bound-port-HTTP1')).toHaveText('closed');
  await expect(detail.getByTestId('bound-port-SSH1')).toHaveText('closed');
  await expect(detail.getByTestId('connection-row')).toHaveCount(0);
  for (const port of [httpPort, newPort, sshPort]) {
    expect(await connectRefused(port), `port ${port} after closing`).toBe(true);
  }
  await page.getByRole('link', { name: 'Tunnels', exact: true }).first().click();
  await expect(page.getByTestId('session-card')).toContainText('Closed');
  await snap(page, testInfo, 'closed');
});
