/**
 * A failed AWS request, named for the operator: one sentence from its code (aws-words), the
 * one command an operator has to run (sso login) in a block with a copy button, and main's
 * message verbatim behind "Details" (AWS's words, how to configure credentials, the IAM
 * action denied), with its `code spans` shown as code.
 */
import { useState } from 'react';
import type { ShownError } from '../../lib/app-error';
import { awsErrorWords } from '../../lib/aws-words';
import { copyText } from '../../lib/clipboard';
import { Icon } from '../common/Icon';

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
  const words = awsErrorWords(error);
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
        <p className="notice__title">{words.summary}</p>
        {command ? <CommandLine command={command} /> : null}
        {words.details ? (
          <details className="error-text__details">
            <summary>Details</summary>
            <p className="notice__text">
              <WithCode text={words.details} />
            </p>
            {action ? (
              <p className="notice__text">
                Denied action: <code className="code-inline">{action}</code>
              </p>
            ) : null}
          </details>
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
