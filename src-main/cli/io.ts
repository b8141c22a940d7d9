/** What a command needs from its process, injected so that tests run commands in-process. */
import type { Readable, Writable } from 'node:stream';
import type { LogSink } from '../core/log/logger.js';

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  version: string;
  logSink?: LogSink;
  /** The process's stdin and stdout as streams, for a stdio binding (default: process's). */
  stdin?: Readable;
  stdout?: Writable;
  onSignals?(handler: () => void): void;
  offSignals?(handler: () => void): void;
}
