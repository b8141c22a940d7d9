/**
 * The app's error, as handlers throw it and the renderer shows it. No schema here: the
 * renderer loads this module at start, and its start loads no zod (see contract-values.ts);
 * contract.ts builds the schema of its shape from these codes.
 */

/**
 * A failure a handler reports to the operator. `code` is stable, one of a closed set;
 * `message` says what was wrong and what is allowed; `field` names the input field when one
 * is to blame; `command` is the one command that fixes it, where there is one (sso-expired:
 * `aws sso login --profile X`), and `action` the IAM action refused (access-denied). The UI
 * reads `command` and `action` from here, never out of the message.
 *
 * Codes: `invalid-input` (the payload broke the contract), `not-found` (no such session or
 * service), `invalid-mapping`, `port-in-use`, `unsupported` (not possible in this runtime),
 * `launch-failed` (a program could not start), `no-display` (Linux without DISPLAY or
 * WAYLAND_DISPLAY: no terminal window can appear), `no-terminal` (none installed),
 * `terminal-exited` (the terminal failed at once); these carry the ssh line in `command`,
 * `forbidden` (an IPC message from an untrusted sender), `failed` (anything else),
 * `disconnected` (raised by browser mode's transport in the renderer, not by main: the WebSocket
 * to the app closed, so the request was not answered or not sent).
 * AWS requests add: `not-found` (no such thing or tunnel), `no-credentials` (the message
 * says how to configure them), `sso-expired` (it gives the exact `aws sso login --profile X`),
 * `credentials-rejected`, `access-denied` (it names the IAM action), `throttled` (after
 * retries with backoff), `tunnel-limit`, `invalid-request`, `network`, `aws-failed`.
 * Saved tunnels add: `tunnel-closed` (a saved tunnel closed meanwhile: it cannot reconnect).
 */
export const APP_ERROR_CODES = [
  'invalid-input',
  'not-found',
  'invalid-mapping',
  'port-in-use',
  'unsupported',
  'launch-failed',
  'no-display',
  'no-terminal',
  'terminal-exited',
  'forbidden',
  'failed',
  'disconnected',
  'no-credentials',
  'sso-expired',
  'credentials-rejected',
  'access-denied',
  'throttled',
  'tunnel-limit',
  'invalid-request',
  'network',
  'aws-failed',
  'tunnel-closed',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/**
 * The codes that say a source's credentials do not work (not that one request failed): main
 * drops its cached clients for that source, and the UI points at the source picker.
 */
export const CREDENTIAL_ERROR_CODES: ReadonlySet<AppErrorCode> = new Set([
  'no-credentials',
  'sso-expired',
  'credentials-rejected',
]);

/** An AppError as it crosses a transport (contract.ts checks it with a schema of this shape). */
export interface AppErrorShape {
  readonly code: AppErrorCode;
  readonly message: string;
  readonly field: string | null;
  readonly command: string | null;
  readonly action: string | null;
}

/** What an error knows beyond its words. */
export interface AppErrorFacts {
  readonly command?: string | null;
  readonly action?: string | null;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly command: string | null;
  readonly action: string | null;
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly field: string | null = null,
    facts: AppErrorFacts = {},
  ) {
    super(message);
    this.command = facts.command ?? null;
    this.action = facts.action ?? null;
  }

  static fromShape(shape: AppErrorShape): AppError {
    return new AppError(shape.code, shape.message, shape.field, shape);
  }

  toShape(): AppErrorShape {
    return {
      code: this.code,
      message: this.message,
      field: this.field,
      command: this.command,
      action: this.action,
    };
  }
}
