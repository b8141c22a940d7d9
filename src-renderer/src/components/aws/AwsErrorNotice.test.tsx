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

  it('shows main’s message verbatim, with its commands as code, and copies the command', async () => {
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
