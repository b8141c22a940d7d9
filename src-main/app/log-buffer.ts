/**
 * The app's log: the last few thousand records of every logger (already redacted by the
 * logger's SecretRedactor), kept for the Logs view and pushed to the renderer in batches.
 */
import type { LogEntry } from '../ipc/contract.js';
import type { LogRecord, LogSink } from '../core/log/logger.js';

export class LogBuffer {
  private readonly entries: LogEntry[] = [];
  private pending: LogEntry[] = [];
  private seq = 0;

  constructor(
    private readonly capacity = 5_000,
    /** Also print records (to stderr in browser mode, for example). */
    private readonly tee?: LogSink,
  ) {}

  /** The sink to give createLogger. */
  readonly sink: LogSink = (record: LogRecord) => {
    this.tee?.(record);
    const entry: LogEntry = {
      seq: ++this.seq,
      time: record.time.getTime(),
      level: record.level,
      scope: record.scope,
      message: record.message,
    };
    this.entries.push(entry);
    if (this.entries.length > this.capacity)
      this.entries.splice(0, this.entries.length - this.capacity);
    this.pending.push(entry);
    if (this.pending.length > this.capacity)
      this.pending.splice(0, this.pending.length - this.capacity);
  };

  all(): LogEntry[] {
    return [...this.entries];
  }

  /** Entries since the last call, for a batched push. */
  takePending(): LogEntry[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
