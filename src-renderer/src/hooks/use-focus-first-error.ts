/**
 * After a refused submit, puts the keyboard on the first field to fix (or on the form's
 * general error), so the operator hears what is wrong and can correct it at once.
 */
import { useEffect, type RefObject } from 'react';
import type { ShownError } from '../lib/app-error';

export function useFocusFirstError(
  form: RefObject<HTMLFormElement | null>,
  error: ShownError | null,
): void {
  useEffect(() => {
    if (!error || !form.current) return;
    const target =
      form.current.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      form.current.querySelector<HTMLElement>(
        '[data-testid="connect-error"], [data-error-summary]',
      );
    target?.focus();
  }, [error, form]);
}
