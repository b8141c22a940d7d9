/**
 * A form's error that belongs to no field. Focusable, so `useFocusFirstError` can put the
 * keyboard on it, and announced as it appears.
 */
export function FormError({ message }: { readonly message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="form__error" role="alert" tabIndex={-1} data-testid="connect-error">
      {message}
    </p>
  );
}
