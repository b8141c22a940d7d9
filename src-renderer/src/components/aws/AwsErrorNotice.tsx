/**
 * A failed AWS request, named for the operator. The message is main's, verbatim (it already
 * says what to do: how to configure credentials, the exact `aws sso login --profile X`, the
 * IAM action denied); this adds a title per error code, shows `code spans` as code, and puts
 * the one command an operator has to run (sso login) in a block with a copy button.
 */
import { useState } from 'react';
import type { AppErrorCode } from '../../../../src-main/ipc/contract.js';
import type { ShownError } from '../../lib/app-error';
import { copyText } from '../../lib/clipboard';
import { Icon } from '../common/Icon';

const TITLES: Readonly<Partial<Record<AppErrorCode, string>>> = {
  'no-credentials': 'No AWS credentials',
  'sso-expired': 'AWS SSO session expired',
  'credentials-rejected': 'AWS refused the credentials',
  'access-denied': 'Access denied',
  throttled: 'AWS is throttling requests',
  'tunnel-limit': 'Tunnel limit reached',
  'not-found': 'Not found',
  'invalid-request': 'AWS refused the request',
  'invalid-input': 'Check the input',
  network: 'AWS cannot be reached',
  'tunnel-closed': 'The tunnel has closed',
  disconnected: 'Disconnected from TunnelDesk',
};

export function errorTitle(code: AppErrorCode): string {
  return TITLES[code] ?? 'The request failed';
}

/** Text with `code spans` shown as code, the way main's messages mark commands. */
export function WithCode({ text }: { readonly text: string }) {
  const parts = text.split('`');
  return (
    <>
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          <code key={index} className="code-inline">
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

interface AwsErrorNoticeProps {
  readonly error: ShownError;
  readonly testId?: string;
  /** Offered as a button beside the message, e.g. "Try again". */
  readonly onRetry?: () => void;
}

export function AwsErrorNotice({ error, testId = 'aws-error', onRetry }: AwsErrorNoticeProps) {
  const command = error.command ?? null;
  const action = error.action ?? null;
  return (
    <div
      className="notice notice--error"
      role="alert"
      data-testid={testId}
      data-code={error.code}
      // A form that failed puts the keyboard here (useFocusFirstError).
      data-error-summary
      tabIndex={-1}
    >
      <Icon name="alert" />
      <div className="notice__body">
        <p className="notice__title">{errorTitle(error.code)}</p>
        <p className="notice__text">
          <WithCode text={error.message} />
        </p>
        {command ? <CommandLine command={command} /> : null}
        {action ? (
          <p className="notice__text">
            Denied action: <code className="code-inline">{action}</code>
          </p>
        ) : null}
      </div>
      {onRetry ? (
        <button type="button" className="button button--small" onClick={onRetry}>
          <Icon name="refresh" />
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** A command to run in a terminal, with a copy button. */
function CommandLine({ command }: { readonly command: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div className="command-line">
      <code className="command-line__text" data-testid="sso-login-command">
        {command}
      </code>
      <button
        type="button"
        className="button button--small"
        onClick={() =>
          copyText(command).then(
            () => setCopied('Copied'),
            (failure: unknown) => setCopied((failure as Error).message),
          )
        }
        aria-label={`Copy the command ${command}`}
      >
        <Icon name="copy" />
        Copy
      </button>
      <span className="command-line__result" aria-live="polite">
        {copied}
      </span>
    </div>
  );
}
