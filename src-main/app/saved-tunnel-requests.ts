/**
 * Tunnels saved across a restart, as requests: listed (without their tokens), reconnected
 * in one click with the saved token and client token, or forgotten.
 *
 * Nothing reconnects by itself at start: reconnecting opens local ports and uses a token,
 * and the operator may be elsewhere now (another network, those ports taken, the device in
 * someone else's hands). The list says what can be reconnected; one click does it.
 */
import { AwsError } from '../aws/errors.js';
import type { Logger } from '../core/log/logger.js';
import { AppError, type SavedTunnel, type SessionView } from '../ipc/contract.js';
import type { AwsAccess } from './aws-access.js';
import { savedTunnelView, type SavedTunnelRecords, type StoredTunnel } from './saved-tunnels.js';
import { sessionView, type SessionRecord, type SessionRegistry } from './session-registry.js';
import type { TunnelConnector } from './tunnel-connector.js';

export interface SavedTunnelRequestsOptions {
  readonly records: SavedTunnelRecords;
  /** Whether the app has a session on a tunnel in this run (then that session is the answer). */
  readonly registry: SessionRegistry;
  /** Connects a saved tunnel, watched like any tunnel the app opened. */
  readonly connector: TunnelConnector;
  /** DescribeTunnel, to see whether a saved tunnel is still open. */
  readonly aws: AwsAccess;
  readonly logger: Logger;
}

export class SavedTunnelRequests {
  constructor(private readonly options: SavedTunnelRequestsOptions) {}

  /** At start: the saved tunnels' tokens become secrets of this run; the log says how many. */
  async load(): Promise<void> {
    const saved = await this.list();
    if (saved.length > 0) {
      this.options.logger.info(
        `${saved.length} tunnel(s) saved before the restart can be reconnected from the Tunnels view`,
      );
    }
  }

  /**
   * The saved tunnels without a session in this run, newest first. Only a persistent store
   * has any worth offering; records past the tunnel's lifetime are forgotten on the way.
   */
  async list(): Promise<SavedTunnel[]> {
    const { records } = this.options;
    if (!records.persistent) return [];
    const saved: SavedTunnel[] = [];
    for (const record of await records.all()) {
      if (this.options.registry.byTunnel(record.tunnelId)) continue;
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
    const current = this.options.registry.byTunnel(tunnelId);
    if (current) return sessionView(current);
    const { records } = this.options;
    const record = records.persistent ? await records.read(tunnelId) : undefined;
    if (!record) throw new AppError('not-found', `no saved tunnel ${tunnelId}`, 'tunnelId');
    await this.refuseClosed(record);
    const view = sessionView(await this.connect(record));
    this.options.logger.info(
      `reconnecting tunnel ${tunnelId} to "${record.thingName}" with its saved token`,
    );
    return view;
  }

  forget(tunnelId: string): Promise<void> {
    return this.options.records.forget(tunnelId, 'the operator forgot it');
  }

  /** A session on the saved tunnel with its saved tokens (a failed start leaves the record). */
  private async connect(record: StoredTunnel): Promise<SessionRecord> {
    return this.options.connector.connect(
      {
        source: record.source,
        target: await this.options.aws.targetOf(record.source),
        name: record.thingName,
        thingName: record.thingName,
        tunnelId: record.tunnelId,
        tunnelArn: record.tunnelArn,
        expiresAt: record.expiresAt,
        peerVersion: record.peerVersion,
        mappings: record.mappings,
        closeWithSession: false,
      },
      record.sourceAccessToken,
      record.clientToken,
    );
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
        const clients = await this.options.aws.clientsOf(
          await this.options.aws.targetOf(record.source),
        );
        const { tunnels } = await this.options.aws.controlPlane();
        closed = (await tunnels.describeTunnel(clients, record.tunnelId)).status === 'CLOSED';
      } catch (error) {
        if (error instanceof AwsError && error.code === 'not-found') closed = true;
        else {
          this.options.logger.warn(
            `cannot see whether tunnel ${record.tunnelId} is still open (${(error as Error).message}); trying its saved token`,
          );
        }
      }
    }
    if (!closed) return;
    await this.options.records.forget(record.tunnelId, 'the tunnel is closed');
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
