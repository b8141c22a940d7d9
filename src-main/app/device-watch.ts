/**
 * Watches the device side of a tunnel the app opened: DescribeTunnel every few seconds
 * while the session is open, so that the session shows "device connected" or "waiting for
 * device". It stops by itself once the tunnel is CLOSED (closed elsewhere, or at the end
 * of its lifetime) or gone.
 */
import { AwsError } from '../aws/errors.js';
import type { TunnelDetails } from '../aws/tunnels.js';
import type { Logger } from '../core/log/logger.js';
import type { DeviceState } from '../ipc/contract.js';

/** How often DescribeTunnel is asked: a few seconds, far below AWS's request rates. */
export const DEVICE_WATCH_INTERVAL_MS = 5_000;

export interface DeviceWatchOptions {
  readonly intervalMs: number;
  readonly describe: () => Promise<TunnelDetails>;
  /** The device state or the tunnel's status changed. */
  readonly onChange: () => void;
  readonly log: Logger;
}

export class DeviceWatch {
  /** null until the first answer. */
  device: DeviceState | null = null;
  status: 'OPEN' | 'CLOSED' = 'OPEN';
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private polling = false;
  private lastProblem: string | undefined;

  constructor(private readonly options: DeviceWatchOptions) {}

  /** Starts (or restarts) watching, with a look at once. */
  start(): void {
    if (this.status === 'CLOSED') return;
    this.running = true;
    this.refresh();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The tunnel is known to be closed (the app closed it): no more looks. */
  markClosed(): void {
    this.status = 'CLOSED';
    this.stop();
  }

  /** Looks now rather than at the next tick. */
  refresh(): void {
    clearTimeout(this.timer);
    void this.poll();
  }

  private async poll(): Promise<void> {
    if (!this.running || this.polling) return;
    this.polling = true;
    try {
      const tunnel = await this.options.describe();
      // Stopped while asking (its session closed, the app quits): the answer is nobody's now.
      if (!this.running) return;
      this.lastProblem = undefined;
      const device: DeviceState = {
        connected: tunnel.destination.connected,
        lastUpdatedAt: tunnel.destination.lastUpdatedAt ?? tunnel.lastUpdatedAt ?? Date.now(),
      };
      const changed =
        device.connected !== this.device?.connected ||
        device.lastUpdatedAt !== this.device.lastUpdatedAt ||
        tunnel.status !== this.status;
      this.device = device;
      this.status = tunnel.status;
      if (tunnel.status === 'CLOSED') this.stop();
      if (changed) this.options.onChange();
    } catch (error) {
      if (!this.running) return;
      if (error instanceof AwsError && error.code === 'not-found') {
        this.status = 'CLOSED';
        this.stop();
        this.options.onChange();
      } else {
        // Said once per kind of problem: a throttled or offline minute is not 12 lines.
        const problem = error instanceof AwsError ? error.code : String(error);
        if (problem !== this.lastProblem) {
          this.options.log.warn(
            `cannot see the device's state: ${error instanceof Error ? error.message : problem}`,
          );
        }
        this.lastProblem = problem;
      }
    } finally {
      this.polling = false;
      if (this.running) {
        this.timer = setTimeout(() => void this.poll(), this.options.intervalMs);
        this.timer.unref();
      }
    }
  }
}
