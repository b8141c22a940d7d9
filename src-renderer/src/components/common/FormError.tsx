/**
 * A form's error that belongs to no field: its first sentence, with the rest behind
 * "Details". Focusable, so `useFocusFirstError` can put the keyboard on it, and announced as
 * it appears.
 */
import { ErrorText, splitFirstSentence } from './ErrorText';

export function FormError({ message }: { readonly message: string | null | undefined }) {
  if (!message) return null;
  const { summary, details } = splitFirstSentence(message);
  return (
    <div className="form__error" role="alert" tabIndex={-1} data-testid="connect-error">
      <ErrorText summary={summary} details={details} />
    </div>
  );
}
