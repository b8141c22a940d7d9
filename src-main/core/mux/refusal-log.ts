/**
 * Says in the log that something was refused, without one line per refusal in a flood: the
 * first line at once, then at most one line per interval, counting those left unsaid.
 */
import type { Logger } from '../log/logger.js';

export class RefusalLog {
  private lastAt = -Infinity;
  private unsaid = 0;

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  refused(message: string): void {
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) {
      this.unsaid++;
      return;
    }
    this.log.warn(this.unsaid > 0 ? `${message} (${this.unsaid} more refused before)` : message);
    this.lastAt = now;
    this.unsaid = 0;
  }
}
