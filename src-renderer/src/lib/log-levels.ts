/**
 * Log levels by name, as the logs view shows them: the CLI's `-v` numbers stay underneath
 * (LogEntry.level), but the UI says Error, Warning, Info, Debug, Trace.
 */
export const LOG_LEVELS = [
  { level: 1, name: 'fatal', label: 'Fatal', filter: 'Fatal only' },
  { level: 2, name: 'error', label: 'Error', filter: 'Errors' },
  { level: 3, name: 'warning', label: 'Warning', filter: 'Warnings and errors' },
  { level: 4, name: 'info', label: 'Info', filter: 'Info and above' },
  { level: 5, name: 'debug', label: 'Debug', filter: 'Debug and above' },
  { level: 6, name: 'trace', label: 'Trace', filter: 'Everything (Trace)' },
] as const;

/** The level's class-name key: fatal, error, warning, info, debug, trace. */
export function levelName(level: number): string {
  return LOG_LEVELS.find((entry) => entry.level === level)?.name ?? String(level);
}

/** The level as the UI names it: Error, Warning, Info, Debug, Trace (Fatal). */
export function levelLabel(level: number): string {
  return LOG_LEVELS.find((entry) => entry.level === level)?.label ?? String(level);
}
