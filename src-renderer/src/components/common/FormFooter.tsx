/** A form's Cancel and submit buttons; the submit button says when the form is at work. */
interface FormFooterProps {
  readonly onCancel: () => void;
  readonly busy: boolean;
  readonly submitLabel: string;
  readonly busyLabel: string;
  readonly submitTestId: string;
  /** Beyond `busy`, which always disables it. */
  readonly submitDisabled?: boolean;
  readonly cancelDisabled?: boolean;
}

export function FormFooter({
  onCancel,
  busy,
  submitLabel,
  busyLabel,
  submitTestId,
  submitDisabled = false,
  cancelDisabled = false,
}: FormFooterProps) {
  return (
    <footer className="form__footer">
      <button type="button" className="button" onClick={onCancel} disabled={cancelDisabled}>
        Cancel
      </button>
      <button
        type="submit"
        className="button button--primary"
        disabled={busy || submitDisabled}
        data-testid={submitTestId}
      >
        {busy ? busyLabel : submitLabel}
      </button>
    </footer>
  );
}
