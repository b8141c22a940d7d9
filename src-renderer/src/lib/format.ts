/**
 * Human-readable figures for a network tool: binary units (KiB, MiB) because operators
 * compare them with tools that count in powers of two, three significant digits so that
 * columns of live numbers do not jitter in width.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  // 1023.6 KiB would print as "1024 KiB": carry it into the next unit instead.
  if (value >= 999.5 && unit < BYTE_UNITS.length - 1)
    return `${(value / 1024).toFixed(2)} ${BYTE_UNITS[unit + 1]}`;
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/**
 * Made on first use, not when the module loads: building a NumberFormat (ICU's data for the
 * locale) was about 20 ms of the page's start, and the home with no tunnel shows no count.
 */
let integer: Intl.NumberFormat | undefined;

/** An exact count with thousands separators, for tooltips and counters. */
export function formatCount(value: number): string {
  integer ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  return integer.format(value);
}

/** A span of time, coarse enough to read at a glance: "42 s", "3 min 05 s", "2 h 04 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Local wall-clock time, HH:MM:SS. */
export function formatClock(time: number): string {
  const date = new Date(time);
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
}

/** Local wall-clock time with milliseconds, for log lines. */
export function formatLogTime(time: number): string {
  return `${formatClock(time)}.${String(new Date(time).getMilliseconds()).padStart(3, '0')}`;
}

export function formatLatency(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
