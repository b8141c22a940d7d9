/** The `-v` scale of the CLI and the reference localproxy. */
export const LOG_LEVELS = [
  { level: 1, name: 'fatal' },
  { level: 2, name: 'error' },
  { level: 3, name: 'warning' },
  { level: 4, name: 'info' },
  { level: 5, name: 'debug' },
  { level: 6, name: 'trace' },
] as const;

export function levelName(level: number): string {
  return LOG_LEVELS.find((entry) => entry.level === level)?.name ?? String(level);
}
