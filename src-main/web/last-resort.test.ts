import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger, LogLevel, type LogRecord } from '../core/log/logger.js';
import { keepRunningOnUncaught } from './last-resort.js';

describe('keepRunningOnUncaught', () => {
  it('logs uncaught exceptions and unhandled rejections as errors until released', () => {
    const records: LogRecord[] = [];
    const log = createLogger({ level: LogLevel.Info, sink: (r) => records.push(r) });
    const target = new EventEmitter();
    const release = keepRunningOnUncaught(log, target);
    target.emit('uncaughtException', new Error('a timer broke'));
    target.emit('unhandledRejection', 'nobody waited');
    expect(records.map((r) => [r.level, r.message.split('\n')[0]])).toEqual([
      [LogLevel.Error, 'uncaught exception (browser mode keeps running): Error: a timer broke'],
      [LogLevel.Error, 'unhandled promise rejection (browser mode keeps running): nobody waited'],
    ]);
    release();
    expect(target.listenerCount('uncaughtException')).toBe(0);
    expect(target.listenerCount('unhandledRejection')).toBe(0);
  });
});
