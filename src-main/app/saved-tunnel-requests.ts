/**
 * Tunnels saved across a restart, as requests: listed (without their tokens), reconnected
 * in one click with the saved token and client token, or forgotten.
 *
 * Nothing reconnects by itself at start: reconnecting opens local ports and uses a token,
 * and the operator may be elsewhere now (another network, those ports taken, the device in
 * someone else's hands). The list says what can be reconnected; one click does it.
 */
import { AwsError } from '../aws/errors.js';
import type { TunnelDetails } from '../aws/tunnels.js';
import type { Logger } from '../core/log/logger.js';
import { AppError, type AwsSource, type SavedTunnel, type SessionView } from '../ipc/contract.js';
import { savedTunnelView, type SavedTunnelRecords, type StoredTunnel } from './saved-tunnels.js';

/** What the saved tunnels need of the app's tunnels. */
export interface SavedTunnelHost {
  readonly records: SavedTunnelRecords;
  readonly logger: Logger;
  /** Whether the app has a session on that tunnel in this run. */
  hasSession(tunnelId: string): boolean;
  /** The session on that tunnel in this run, if it has one. */
  sessionView(tunnelId: string): SessionView | undefined;
  /** DescribeTunnel, failing with the AWS layer's AwsError. */
  describe(source: AwsSource, tunnelId: string): Promise<TunnelDetails>;
  /** A session on the tunnel with the record's tokens, watched like any tunnel the app opened. */
  adopt(record: StoredTunnel): Promise<SessionView>;
}

export class SavedTunnelRequests {
  constructor(private readonly host: SavedTunnelHost) {}

  /** At start: the saved tunnels' tokens become secrets of this run; the log says how many. */
  async load(): Promise<void> {
    const saved = await this.list();
    if (saved.length > 0) {
      this.host.logger.info(
        `${saved.length} tunnel(s) saved before the restart can be reconnected from the Tunnels view`,
      );
    }
  }

  /**
   * The saved tunnels without a session in this run, newest first. Only a persistent store
   * has any worth offering; records past the tunnel's lifetime are forgotten on the way.
   */
  async list(): Promise<SavedTunnel[]> {
    const { records } = this.host;
    if (!records.persistent) return [];
    const saved: SavedTunnel[] = [];
    for (const record of await records.all()) {
      if (this.host.hasSession(record.tunnelId)) continue;
      if (lifetimeOver(record)) {
        await records.forget(record.tunnelId, 'its lifetime is over');
        continue;
      }
      saved.push(savedTunnelView(record));
    }
    return saved.sort((a, b) => b.savedAt - a.savedAt);
  }

  /**
   * Reconnects a saved tunnel on the ports asked for, and watches its device again. A tunnel
   * closed meanwhile is said so and forgotten; a token the service refuses ends the session
   * with the service's reason (the record is then forgotten, and "Get a new token" offered).
   */
  async reconnect(tunnelId: string): Promise<SessionView> {
    // A second click, or another window: the session there is the answer.
    const current = this.host.sessionView(tunnelId);
    if (current) return current;
    const { records } = this.host;
    const record = records.persistent ? await records.read(tunnelId) : undefined;
    if (!record) throw new AppError('not-found', `no saved tunnel ${tunnelId}`, 'tunnelId');
    await this.refuseClosed(record);
    const view = await this.host.adopt(record);
    this.host.logger.info(
      `reconnecting tunnel ${tunnelId} to "${record.thingName}" with its saved token`,
    );
    return view;
  }

  forget(tunnelId: string): Promise<void> {
    return this.host.records.forget(tunnelId, 'the operator forgot it');
  }

  /**
   * Throws `tunnel-closed`, forgetting the record, when the tunnel is closed. Other failures
   * to look (credentials, network) do not stop the attempt: the token alone decides at the
   * data plane, and the device watch keeps looking.
   */
  private async refuseClosed(record: StoredTunnel): Promise<void> {
    let closed = lifetimeOver(record);
    if (!closed) {
      try {
        closed = (await this.host.describe(record.source, record.tunnelId)).status === 'CLOSED';
      } catch (error) {
        if (error instanceof AwsError && error.code === 'not-found') closed = true;
        else {
          this.host.logger.warn(
            `cannot see whether tunnel ${record.tunnelId} is still open (${(error as Error).message}); trying its saved token`,
          );
        }
      }
    }
    if (!closed) return;
    await this.host.records.forget(record.tunnelId, 'the tunnel is closed');
    throw new AppError(
      'tunnel-closed',
      `Tunnel ${record.tunnelId} to "${record.thingName}" has closed since it was saved ` +
        '(closed elsewhere, or its lifetime ended), so it cannot be reconnected; it was removed ' +
        'from the saved tunnels. Open a new tunnel to the device.',
      'tunnelId',
    );
  }
}

/** Past its maximum lifetime, AWS has closed the tunnel: no need to ask. */
function lifetimeOver(record: StoredTunnel): boolean {
  return record.expiresAt !== null && record.expiresAt <= Date.now();
}
