/**
 * Errors as the UI shows them. Requests reject with the contract's AppError (code, message,
 * field) when main refuses, or with a plain Error when the transport broke; both become one
 * shape, and the form that sent the request decides which control `field` points at.
 */
import { AppError, type AppErrorCode } from '../../../src-main/ipc/app-error.js';

export interface ShownError {
  readonly code: AppErrorCode;
  readonly message: string;
  readonly field: string | null;
  /** The one command that fixes it (sso-expired), to show with a copy button. */
  readonly command?: string | null;
  /** The IAM action refused (access-denied). */
  readonly action?: string | null;
}

export function toShownError(error: unknown): ShownError {
  if (error instanceof AppError) {
    return {
      code: error.code,
      message: error.message,
      field: error.field,
      command: error.command,
      action: error.action,
    };
  }
  if (error instanceof Error) return { code: 'failed', message: error.message, field: null };
  return { code: 'failed', message: String(error), field: null };
}

/** The error if it names `field` (or a field inside it, e.g. `target` for `target.region`). */
export function errorFor(error: ShownError | null, field: string): string | undefined {
  if (!error?.field) return undefined;
  return error.field === field || error.field.startsWith(`${field}.`) ? error.message : undefined;
}

/** The error if it names none of `known`: it belongs at the top of the form. */
export function generalError(
  error: ShownError | null,
  known: readonly string[],
): string | undefined {
  if (!error) return undefined;
  if (!error.field) return error.message;
  return known.some((field) => errorFor(error, field) !== undefined) ? undefined : error.message;
}
