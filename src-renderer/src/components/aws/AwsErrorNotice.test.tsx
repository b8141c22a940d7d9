import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsErrorNotice, deniedAction, ssoLoginCommand } from './AwsErrorNotice';

afterEach(cleanup);

describe('an AWS error, named for the operator', () => {
  it('finds the sso login command, quoted profile names included', () => {
    expect(
      ssoLoginCommand(
        'The AWS SSO session of profile "ops" has expired or was never started. Sign in again with: aws sso login --profile ops',
      ),
    ).toBe('aws sso login --profile ops');
    expect(ssoLoginCommand("Sign in again with: aws sso login --profile 'my ops'")).toBe(
      "aws sso login --profile 'my ops'",
    );
    expect(deniedAction('AWS denied iot:OpenTunnel (eu-west-1). Ask an administrator')).toBe(
      'iot:OpenTunnel',
    );
  });

  it('shows main’s message verbatim, with its commands as code, and copies the command', async () => {
    const user = userEvent.setup();
    render(
      <AwsErrorNotice
        error={{
          code: 'sso-expired',
          message:
            'The AWS SSO session of profile "ops" has expired or was never started. Sign in again with: aws sso login --profile ops',
          field: null,
        }}
      />,
    );
    const notice = screen.getByRole('alert');
    expect(within(notice).getByText('AWS SSO session expired')).toBeTruthy();
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
    expect(screen.getByText('No AWS credentials')).toBeTruthy();
  });
});
