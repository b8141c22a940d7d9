/**
 * A form's error that belongs to no field: one sentence, with the rest (a service's own
 * words) behind "Details" when the caller has them apart. Focusable, so
 * `useFocusFirstError` can put the keyboard on it, and announced as it appears.
 */
import { ErrorText } from './ErrorText';

export function FormError({
  message,
  details,
}: {
  readonly message: string | null | undefined;
  readonly details?: string | null;
}) {
  if (!message) return null;
  return (
    <div className="form__error" role="alert" tabIndex={-1} data-testid="connect-error">
      <ErrorText summary={message} details={details ?? null} />
    </div>
  );
}
