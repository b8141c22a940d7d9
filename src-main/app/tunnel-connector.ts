/**
 * Connects the app to an AWS tunnel, given what it knows of the tunnel and a source token:
 * a session on the tunnel's data plane, a record to reconnect after a restart (AWS tunnels
 * only: the sandbox does not outlive the app), and a watch on the device. A tunnel opened
 * with OpenTunnel, a saved tunnel reconnected and a new source token all come here.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/log/logger.js';
import { AppError, type ServiceMapping } from '../ipc/contract.js';
import type { AwsAccess } from './aws-access.js';
import { DeviceWatch } from './device-watch.js';
import type { SavedTunnelRecords } from './saved-tunnels.js';
import type {
  AwsTunnel,
  SessionRecord,
  SessionRegistry,
  TunnelFacts,
  TunnelRecord,
} from './session-registry.js';
import type { StartSessionOptions } from './session-start.js';

export interface TunnelConnectorOptions {
  readonly registry: SessionRegistry;
  readonly aws: AwsAccess;
  readonly records: SavedTunnelRecords;
  readonly logger: Logger;
  /** How often the device's side is looked at (DescribeTunnel), ms. */
  readonly deviceWatchIntervalMs: number;
  /** Opens a session and gives it its record (the app refuses while it quits). */
  readonly startSession: (options: StartSessionOptions) => Promise<SessionRecord>;
}

export class TunnelConnector {
  constructor(private readonly options: TunnelConnectorOptions) {}

  /**
   * A session on the tunnel with the token and client token, its record saved and its
   * device watched. A session that cannot start leaves nothing behind here (the caller
   * decides about the tunnel).
   */
  async connect(facts: TunnelFacts, token: string, clientToken: string): Promise<SessionRecord> {
    const clients = await this.options.aws.clientsOf(facts.target);
    const { tunnels } = await this.options.aws.controlPlane();
    const tunnel: AwsTunnel = {
      ...facts,
      ...(await this.options.aws.dataPlaneOf(facts.source)),
      watch: new DeviceWatch({
        intervalMs: this.options.deviceWatchIntervalMs,
        describe: () => tunnels.describeTunnel(clients, facts.tunnelId),
        onChange: () => this.watchChanged(tunnel),
        log: this.options.logger.child(`tunnel ${facts.name}`),
      }),
      replacing: false,
    };
    const id = randomUUID().slice(0, 8);
    const record = await this.start(id, tunnel, token, clientToken, facts.mappings);
    await this.store(tunnel, token, clientToken);
    tunnel.watch.start();
    return record;
  }

  /**
   * The session reconnects with a new source token in one step: the same id, and the same
   * local ports where it can (a port taken meanwhile: the mappings as asked for).
   */
  async replaceToken(record: TunnelRecord, token: string): Promise<SessionRecord> {
    const { tunnel } = record;
    const clientToken = randomUUID();
    const lastPorts = record.session.lastPorts();
    const samePorts = tunnel.mappings.map((mapping) => ({
      ...mapping,
      port: lastPorts.get(mapping.serviceId) ?? mapping.port,
    }));
    tunnel.replacing = true;
    let replaced: SessionRecord;
    try {
      await record.session.close('token-replaced');
      replaced = await this.start(record.id, tunnel, token, clientToken, samePorts).catch(
        (error: unknown) => {
          if (error instanceof AppError && error.code === 'port-in-use') {
            return this.start(record.id, tunnel, token, clientToken, tunnel.mappings);
          }
          throw error;
        },
      );
    } finally {
      tunnel.replacing = false;
    }
    await this.store(tunnel, token, clientToken);
    tunnel.watch.start();
    return replaced;
  }

  /** The session was forgotten: so is its tunnel's saved token (the tunnel itself stays). */
  async forget(record: SessionRecord): Promise<void> {
    if (!record.tunnel) return;
    record.tunnel.watch.stop();
    await this.options.records.forget(record.tunnel.tunnelId, 'its session was forgotten');
  }

  /** Stops every device watch (the app quits). */
  stopWatches(): void {
    for (const { tunnel } of this.options.registry.all()) tunnel?.watch.stop();
  }

  private start(
    id: string,
    tunnel: AwsTunnel,
    accessToken: string,
    clientToken: string,
    mappings: ServiceMapping[],
  ): Promise<SessionRecord> {
    return this.options.startSession({
      id,
      kind: tunnel.source.kind,
      name: tunnel.name,
      mappings,
      endpoint: tunnel.endpoint,
      accessToken,
      clientToken,
      verifyTls: tunnel.verifyTls,
      peerVersion: tunnel.peerVersion,
      tunnel,
      afterClose: () => this.afterSessionClose(id, tunnel),
      // The device usually joins within a second of the source: look then, not 5 s later.
      onConnected: () => setTimeout(() => tunnel.watch.refresh(), 300).unref(),
    });
  }

  /**
   * The session ended: stop watching; a token the service refused is not kept (it will not
   * work after a restart either); the sandbox's own tunnels close with their session.
   */
  private async afterSessionClose(sessionId: string, tunnel: AwsTunnel): Promise<void> {
    const record = this.options.registry.get(sessionId);
    // A session that failed to open has no record yet (its opener decides about the
    // tunnel); one replaced by a new token is not the tunnel's end.
    if (record?.tunnel !== tunnel || tunnel.replacing) return;
    tunnel.watch.stop();
    const { state } = record.session.view();
    if (state.kind === 'closed' && state.fatal && state.cause.kind === 'token-refused') {
      await this.options.records.forget(tunnel.tunnelId, 'the tunnel service refused its token');
    }
    if (!tunnel.closeWithSession || tunnel.watch.status === 'CLOSED') return;
    tunnel.watch.markClosed();
    try {
      const { tunnels } = await this.options.aws.controlPlane();
      await tunnels.closeTunnel(await this.options.aws.clientsOf(tunnel.target), tunnel.tunnelId);
    } catch (error) {
      this.options.logger.debug(`closing tunnel ${tunnel.tunnelId}: ${String(error)}`);
    }
  }

  /** The device or the tunnel's status changed; a tunnel found CLOSED has nothing to keep. */
  private watchChanged(tunnel: AwsTunnel): void {
    if (tunnel.watch.status === 'CLOSED') {
      void this.options.records.forget(tunnel.tunnelId, 'the tunnel is closed');
    }
    this.options.registry.changed();
  }

  /** Keeps what reconnecting an AWS tunnel needs (the sandbox does not outlive the app). */
  private async store(tunnel: AwsTunnel, token: string, clientToken: string): Promise<void> {
    if (tunnel.source.kind !== 'aws') return;
    await this.options.records.save({
      version: 1,
      source: tunnel.source,
      tunnelId: tunnel.tunnelId,
      tunnelArn: tunnel.tunnelArn,
      thingName: tunnel.thingName,
      mappings: tunnel.mappings,
      peerVersion: tunnel.peerVersion,
      sourceAccessToken: token,
      clientToken,
      expiresAt: tunnel.expiresAt,
      savedAt: Date.now(),
    });
  }
}
