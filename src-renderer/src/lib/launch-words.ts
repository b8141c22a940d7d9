/**
 * What a failed launch says, from its AppError code (launchers.ts in main): one sentence
 * naming the problem, main's own words as details, and the command to copy instead.
 */
import type { ShownError } from './app-error';

export interface LaunchFailure {
  readonly summary: string;
  readonly details: string | null;
  /** The ssh command or URL, for "Copy command"; null when main gave none. */
  readonly command: string | null;
}

export function launchFailure(error: ShownError, what: 'terminal' | 'browser'): LaunchFailure {
  const details = error.message;
  const command = error.command ?? null;
  switch (error.code) {
    case 'no-display':
      return {
        summary:
          'No terminal can open here: this machine has no display (DISPLAY or WAYLAND_DISPLAY).',
        details,
        command,
      };
    case 'no-terminal':
      return {
        summary: 'No terminal program was found on this machine.',
        details,
        command,
      };
    case 'terminal-exited':
      return {
        summary: 'The terminal closed as soon as it started.',
        details,
        command,
      };
    case 'launch-failed':
      return {
        summary:
          what === 'terminal'
            ? 'The terminal could not start.'
            : 'The browser did not open the page.',
        details,
        command,
      };
    default:
      // Main's refusals of bad input (a user name, a closed tunnel) are one sentence already.
      return { summary: error.message, details: null, command };
  }
}
