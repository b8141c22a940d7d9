/**
 * An error as the UI shows it: one sentence first, and the rest (the service's or the
 * program's own words, likely causes) behind a "Details" disclosure, closed at first.
 */
import type { ReactNode } from 'react';

export function ErrorText({
  summary,
  details,
  actions,
  testId,
}: {
  readonly summary: string;
  readonly details?: string | null;
  /** Buttons that get past the error (Copy command, Edit & retry). */
  readonly actions?: ReactNode;
  readonly testId?: string;
}) {
  return (
    <div className="error-text" data-testid={testId}>
      <p className="error-text__summary">{summary}</p>
      {actions ? <div className="error-text__actions">{actions}</div> : null}
      {details ? (
        <details className="error-text__details">
          <summary>Details</summary>
          <p>{details}</p>
        </details>
      ) : null}
    </div>
  );
}

/**
 * A message cut after its first sentence: the first line of an error is one sentence, the
 * rest is detail. Only the display is split; nothing decides by these words.
 */
export function splitFirstSentence(message: string): { summary: string; details: string | null } {
  const match = /^(.+?[.!?])\s+(\S.*)$/s.exec(message.trim());
  if (!match) return { summary: message.trim(), details: null };
  return { summary: match[1]!, details: match[2]! };
}
