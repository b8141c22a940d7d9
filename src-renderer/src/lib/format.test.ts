import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatLatency, formatRate } from './format';

describe('formatBytes', () => {
  it('prints small counts as whole bytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
  });

  it('uses binary units with three significant digits', () => {
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(10 * 1024 * 1.234)).toBe('12.3 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.00 MiB');
    expect(formatBytes(300 * 1024 ** 3)).toBe('300 GiB');
  });

  it('carries 1023.9 KiB into MiB rather than printing 1024 KiB', () => {
    expect(formatBytes(1024 * 1023.9)).toBe('1.00 MiB');
  });

  it('treats negative and non-finite values as nothing', () => {
    expect(formatBytes(-5)).toBe('0 B');
    expect(formatBytes(Number.NaN)).toBe('0 B');
  });
});

describe('formatRate', () => {
  it('appends per second', () => {
    expect(formatRate(2048)).toBe('2.00 KiB/s');
  });
});

describe('formatDuration', () => {
  it('reads at a glance at every scale', () => {
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(2 * 3600_000 + 4 * 60_000)).toBe('2 h 04 min');
    expect(formatDuration(26 * 3600_000)).toBe('1 d 2 h');
    expect(formatDuration(-1)).toBe('0 s');
  });
});

describe('formatLatency', () => {
  it('shows a dash when unknown', () => {
    expect(formatLatency(null)).toBe('—');
    expect(formatLatency(3.25)).toBe('3.3 ms');
    expect(formatLatency(42.4)).toBe('42 ms');
  });
});

describe('formatCount', () => {
  it('prints an exact count with thousands separators, every time', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(999.6)).toBe('1,000');
  });
});
