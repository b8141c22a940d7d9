/**
 * Issue 13, "Errors in the UI's words" and "No dead ends", in browser mode: the connect
 * form checks Region and Endpoint as they are typed and marks the field; a local error
 * keeps the access token; a tunnel that fails shows one focused error (one sentence, the
 * rest behind Details) and "Edit & retry" fills the form in again, token aside; the log
 * names its levels and holds that failure once.
 */
import { expect, test } from './fixtures.js';
import { snap } from './steps.js';

test.use({ viewport: { width: 1024, height: 700 } });

const TOKEN = 'e2e-not-a-real-token-0123456789';

test('the token form checks as you type, keeps the token, and a failure leads back to it', async ({
  appPage: page,
}, testInfo) => {
  // The empty home offers each choice once, with one primary action.
  await expect(page.getByRole('heading', { name: 'Open your first tunnel' })).toBeVisible();
  await expect(page.locator('.button--primary')).toHaveCount(1);
  await page.getByRole('button', { name: 'Use an access token' }).click();
  const form = page.getByTestId('token-form');
  const token = form.getByTestId('token-input');
  await token.fill(TOKEN);

  // Region: marked as typed, with the rule.
  const region = form.getByTestId('token-region');
  await region.fill('eu-west');
  await expect(region).toHaveAttribute('aria-invalid', 'true');
  await expect(region).toHaveAccessibleDescription(
    /is not a region name; use one such as us-east-1/,
  );
  await snap(page, testInfo, 'region-marked');
  await form.getByRole('button', { name: 'Connect' }).click();
  // Refused here, before any service saw it: the token stays.
  await expect(token).toHaveValue(TOKEN);
  await region.fill('eu-west-1');
  await expect(region).not.toHaveAttribute('aria-invalid', 'true');

  // An endpoint that does not resolve: the tunnel fails at once.
  await form.getByLabel('Endpoint', { exact: true }).check();
  const endpoint = form.getByTestId('token-endpoint');
  await endpoint.fill('https://example.com');
  await expect(endpoint).toHaveAttribute('aria-invalid', 'true');
  await endpoint.fill('no-such-host.invalid:443');
  await expect(endpoint).not.toHaveAttribute('aria-invalid', 'true');
  await form.getByRole('button', { name: 'Connect' }).click();

  const detail = page.getByTestId('session-detail');
  const failure = detail.getByTestId('failure-panel');
  await expect(failure.locator('.error-text__summary')).toHaveText(
    'no-such-host.invalid:443 cannot be resolved: check Region or Endpoint.',
  );
  // A focused error, not empty plots and tables.
  await expect(detail.locator('.live-grid')).toHaveCount(0);
  await expect(page.getByText(TOKEN)).toHaveCount(0);
  await snap(page, testInfo, 'failed-tunnel');

  // Edit & retry: the form as it was, the token to paste again.
  await detail.getByRole('button', { name: /Edit & retry/ }).click();
  const again = page.getByTestId('token-form');
  await expect(page.getByRole('heading', { name: 'Edit & retry' })).toBeVisible();
  await expect(again.getByTestId('token-endpoint')).toHaveValue('no-such-host.invalid:443');
  await expect(again.getByTestId('token-input')).toHaveValue('');
  await expect(again.getByText('Paste the access token again')).toBeVisible();
  await snap(page, testInfo, 'edit-and-retry');
  await page.keyboard.press('Escape');

  // The log names its levels, and says the failure once (not once per scope).
  await page.goto(page.url().replace(/#.*$/, '#/logs'));
  await page.getByTestId('log-level').selectOption({ label: 'Errors' });
  const lines = page.getByTestId('log-line');
  await expect(lines).toHaveCount(1);
  await expect(lines.first().locator('.log-line__level')).toHaveText('Error');
  await expect(lines.first()).toContainText(
    'the host of no-such-host.invalid:443 cannot be resolved',
  );
  await snap(page, testInfo, 'logs-errors');
});
