import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsErrorNotice } from './AwsErrorNotice';

afterEach(cleanup);

describe('an AWS error, named for the operator', () => {
  it('takes the command from the error, not from its words', async () => {
    const user = userEvent.setup();
    render(
      <AwsErrorNotice
        error={{
          code: 'sso-expired',
          message: 'Reworded: your single sign-on expired (no command in these words).',
          field: null,
          command: "aws sso login --profile 'my ops'",
        }}
      />,
    );
    await user.click(screen.getByRole('button', { name: /Copy the command/ }));
    expect(await navigator.clipboard.readText()).toBe("aws sso login --profile 'my ops'");
  });

  it('says one sentence first and keeps main’s message verbatim behind Details', async () => {
    const user = userEvent.setup();
    render(
      <AwsErrorNotice
        error={{
          code: 'sso-expired',
          message:
            'The AWS SSO session of profile "ops" has expired or was never started. Sign in again with: aws sso login --profile ops',
          field: null,
          command: 'aws sso login --profile ops',
        }}
      />,
    );
    const notice = screen.getByRole('alert');
    expect(notice.querySelector('.notice__title')!.textContent).toBe(
      'The AWS SSO session expired: sign in again with the command below.',
    );
    const details = notice.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(within(details).getByText('Details').tagName).toBe('SUMMARY');
    expect(notice.textContent).toContain('Sign in again with: aws sso login --profile ops');
    await user.click(within(notice).getByRole('button', { name: /Copy the command/ }));
    expect(await navigator.clipboard.readText()).toBe('aws sso login --profile ops');
    cleanup();

    render(
      <AwsErrorNotice
        error={{
          code: 'no-credentials',
          message: 'No AWS credentials found. Configure them with `aws configure` (access keys).',
          field: null,
        }}
      />,
    );
    expect(screen.getByText('aws configure').tagName).toBe('CODE');
    expect(screen.getByRole('alert').querySelector('.notice__title')!.textContent).toMatch(
      /^No AWS credentials were found for this source: .*Source\.$/,
    );
  });

  it('names the denied action in its sentence, and has no details for the app’s own refusals', () => {
    render(
      <AwsErrorNotice
        error={{
          code: 'access-denied',
          message: 'AWS denied iot:OpenTunnel (profile "ops", eu-west-1). Ask an administrator.',
          field: null,
          action: 'iot:OpenTunnel',
        }}
      />,
    );
    expect(screen.getByRole('alert').querySelector('.notice__title')!.textContent).toContain(
      'AWS refused iot:OpenTunnel',
    );
    cleanup();
    render(
      <AwsErrorNotice
        error={{ code: 'invalid-input', message: 'give a device name', field: null }}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe('give a device name');
    expect(screen.getByRole('alert').querySelector('details')).toBeNull();
  });
});
