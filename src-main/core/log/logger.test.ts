import { describe, expect, it } from 'vitest';
import {
  addLogObserver,
  createLogger,
  LogLevel,
  SecretRedactor,
  toLogLevel,
  type LogRecord,
} from './logger.js';

describe('logger', () => {
  it('prints only records at or below its level', () => {
    const records: LogRecord[] = [];
    const log = createLogger({ level: LogLevel.Warn, sink: (r) => records.push(r) });
    log.error('e');
    log.warn('w');
    log.info('i');
    log.trace('t');
    expect(records.map((r) => r.message)).toEqual(['e', 'w']);
    expect(log.enabled(LogLevel.Debug)).toBe(false);
  });

  it('never prints a registered secret, also through child loggers', () => {
    const records: LogRecord[] = [];
    const redactor = new SecretRedactor();
    const token = 'AQGAAXiVzSmRL1VaJ22G7eRb_CrPABsAAgABQQAMOTAw';
    redactor.add(token);
    const log = createLogger({
      level: LogLevel.Trace,
      sink: (r) => records.push(r),
      redactor,
    }).child('tunnel');
    log.info(`header access-token: ${token} sent`);
    expect(records[0]!.message).toBe('header access-token: <redacted> sent');
    expect(records[0]!.scope).toBe('tunnel');
  });

  it('tells its observers every printed line, redacted, and every secret, until removed', () => {
    const lines: string[] = [];
    const secrets: string[] = [];
    const remove = addLogObserver({
      line: (text) => lines.push(text),
      secret: (value) => secrets.push(value),
    });
    const redactor = new SecretRedactor();
    const token = 'AQGAAXiVzSmRL1VaJ22G7eRb_observer';
    redactor.add(token);
    redactor.add('short');
    // A silent sink: observers still see what the logger prints at its level.
    const log = createLogger({ level: LogLevel.Info, sink: () => {}, redactor, scope: 'web' });
    log.info(`cookie ${token}`);
    log.debug('below the level');
    remove();
    log.warn('after removal');
    redactor.add('another-secret-after-removal');
    expect(secrets).toEqual([token]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d{4}-.*Z\] \[info\] \[web\] cookie <redacted>$/);
  });

  it('maps -v values as the reference does', () => {
    expect(toLogLevel(0)).toBe(LogLevel.Off);
    expect(toLogLevel(4)).toBe(LogLevel.Info);
    expect(toLogLevel(255)).toBe(LogLevel.Trace);
    expect(() => toLogLevel(-1)).toThrow(/0 to 255/);
  });
});
