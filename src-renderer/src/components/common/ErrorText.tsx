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
