/**
 * The app's AWS requests: profiles and identity, the thing picker, and tunnels opened,
 * watched, listed, closed and given a new source token. AWS and the sandbox go through
 * the same code: the AWS SDK clients, pointed at AWS or at the sandbox's management API.
 *
 * A tunnel opened here is connected at once (a session with its source token); its
 * device side is watched with DescribeTunnel; the destination token is handed back once
 * and kept nowhere. For AWS tunnels the source and client tokens are put in the secret
 * store (the OS keychain in Electron, memory elsewhere), and where that store outlives the
 * app they are offered after a restart: listed, reconnected in one click, or forgotten.
 */
import { randomUUID } from 'node:crypto';
import type { AwsClients } from '../aws/clients.js';
import type { ControlPlane } from '../aws/load-control-plane.js';
import { listProfiles } from '../aws/profiles.js';
import type { Logger, SecretRedactor } from '../core/log/logger.js';
import {
  AppError,
  type AwsSource,
  type HandlerInput,
  type RequestOutput,
  type ServiceMapping,
  type SessionView,
  type TunnelSummary,
} from '../ipc/contract.js';
import { asAppErrors } from './aws-app-errors.js';
import type { AwsAccess } from './aws-access.js';
import { checkMappings } from './mapping-rules.js';
import type { Sandbox } from './sandbox.js';
import type { SavedTunnelRecords } from './saved-tunnels.js';
import {
  hasTunnel,
  sessionView,
  type SessionRecord,
  type SessionRegistry,
} from './session-registry.js';
import type { TunnelConnector } from './tunnel-connector.js';

export interface TunnelRequestsOptions {
  /** The app's sessions: which one is on a tunnel, and its view. */
  readonly registry: SessionRegistry;
  /** Connects a tunnel once opened, and again with a new token. */
  readonly connector: TunnelConnector;
  readonly aws: AwsAccess;
  /** The saved tokens: a closed tunnel's is forgotten. */
  readonly records: SavedTunnelRecords;
  /** Makes the sandbox things "Open sandbox" opens tunnels to. */
  readonly sandbox: Sandbox;
  readonly logger: Logger;
  /** Learns the tokens AWS hands out, so that no log line shows them. */
  readonly redactor: SecretRedactor;
}

/** Thing names allow fewer characters than the sandbox's free-form device names. */
export function sandboxThingName(deviceName: string): string {
  return deviceName.replace(/[^a-zA-Z0-9:_-]+/g, '-').slice(0, 128) || 'sandbox-device';
}

export class TunnelRequests {
  constructor(private readonly options: TunnelRequestsOptions) {}

  // ---- profiles, identity, things -------------------------------------------------------

  listProfiles(): Promise<RequestOutput<'listProfiles'>> {
    return asAppErrors(() => listProfiles());
  }

  getIdentity({ source }: HandlerInput<'getIdentity'>): Promise<RequestOutput<'getIdentity'>> {
    return this.withClients(source, (clients, { getIdentity }) => getIdentity(clients));
  }

  listThings(input: HandlerInput<'listThings'>): Promise<RequestOutput<'listThings'>> {
    return this.withClients(input.source, (clients, { listThings }) =>
      listThings(clients, {
        ...(input.namePrefix === undefined ? {} : { namePrefix: input.namePrefix }),
        ...(input.thingType === undefined ? {} : { thingType: input.thingType }),
        ...(input.attribute === undefined ? {} : { attribute: input.attribute }),
        ...(input.nextToken === undefined ? {} : { nextToken: input.nextToken }),
        ...(input.maxResults === undefined ? {} : { maxResults: input.maxResults }),
      }),
    );
  }

  describeThing(input: HandlerInput<'describeThing'>): Promise<RequestOutput<'describeThing'>> {
    return this.withClients(input.source, (clients, { describeThing }) =>
      describeThing(clients, input.thingName),
    );
  }

  // ---- tunnels --------------------------------------------------------------------------

  /** OpenTunnel, then the source side connects at once with the source token. */
  async openTunnel(input: HandlerInput<'openTunnel'>): Promise<RequestOutput<'openTunnel'>> {
    const mappings = checkMappings(input.services);
    const peerVersion = input.peerVersion ?? 'V3';
    if (peerVersion === 'V1' && mappings.length > 1) {
      throw new AppError(
        'invalid-mapping',
        'a V1 destination (the IoT Device Client) carries one service; map exactly one',
        'services',
      );
    }
    return this.open({
      source: input.source,
      thingName: input.thingName,
      name: input.thingName,
      mappings,
      peerVersion,
      closeWithSession: false,
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.tags === undefined ? {} : { tags: input.tags }),
      ...(input.maxLifetimeMinutes === undefined
        ? {}
        : { maxLifetimeMinutes: input.maxLifetimeMinutes }),
    });
  }

  /**
   * "Open sandbox": a tunnel to a sandbox device through the same OpenTunnel path, for a
   * device name the operator chose (it becomes a sandbox thing); it ends with its session.
   */
  async openSandbox(name: string, services: ServiceMapping[]): Promise<SessionView> {
    const mappings = checkMappings(services);
    const thingName = sandboxThingName(name);
    await this.options.sandbox.ensureThing(thingName);
    const opened = await this.open({
      source: { kind: 'sandbox' },
      thingName,
      name,
      mappings,
      peerVersion: 'V3',
      closeWithSession: true,
    });
    return opened.session;
  }

  async describeTunnel(
    input: HandlerInput<'describeTunnel'>,
  ): Promise<RequestOutput<'describeTunnel'>> {
    const details = await this.withClients(input.source, (clients, { tunnels }) =>
      tunnels.describeTunnel(clients, input.tunnelId),
    );
    return { ...details, sessionId: this.sessionOf(input.source, details.tunnelId) };
  }

  async listTunnels(input: HandlerInput<'listTunnels'>): Promise<RequestOutput<'listTunnels'>> {
    const page = await this.withClients(input.source, (clients, { tunnels }) =>
      tunnels.listTunnels(clients, {
        ...(input.thingName === undefined ? {} : { thingName: input.thingName }),
        ...(input.includeClosed === undefined ? {} : { includeClosed: input.includeClosed }),
        ...(input.nextToken === undefined ? {} : { nextToken: input.nextToken }),
        ...(input.maxResults === undefined ? {} : { maxResults: input.maxResults }),
      }),
    );
    return {
      nextToken: page.nextToken,
      tunnels: page.tunnels.map((tunnel): TunnelSummary => ({
        ...tunnel,
        sessionId: this.sessionOf(input.source, tunnel.tunnelId),
      })),
    };
  }

  /** CloseTunnel; the app's session on it, if any, closes too. */
  async closeTunnel(input: HandlerInput<'closeTunnel'>): Promise<void> {
    await this.withClients(input.source, (clients, { tunnels }) =>
      tunnels.closeTunnel(clients, input.tunnelId, { delete: input.delete ?? false }),
    );
    await this.options.records.forget(input.tunnelId, 'the tunnel was closed');
    const record = this.options.registry.byTunnel(input.tunnelId, input.source);
    if (!record?.tunnel) return;
    const { tunnel } = record;
    tunnel.watch.markClosed();
    await record.session.close('tunnel-closed');
    this.options.logger.info(`closed tunnel ${tunnel.tunnelId} of "${tunnel.thingName}"`);
    this.options.registry.changed();
  }

  /**
   * RotateTunnelAccessToken for the source side, then the session reconnects with the new
   * token in the same step: same session id, same local ports where it can.
   */
  async rotateSourceToken({ sessionId }: HandlerInput<'rotateSourceToken'>): Promise<SessionView> {
    const record = this.options.registry.require(sessionId);
    if (!hasTunnel(record)) {
      throw new AppError(
        'unsupported',
        'only tunnels opened from the app can get a new token; for a token given by hand, ask for a new one where it came from',
        'sessionId',
      );
    }
    const { tunnel } = record;
    if (tunnel.watch.status === 'CLOSED') {
      throw new AppError('failed', 'the tunnel is closed: open a new one', 'sessionId');
    }
    const token = await this.withClients(tunnel.source, (clients, { tunnels }) =>
      tunnels.rotateSourceToken(clients, tunnel.tunnelId),
    );
    this.options.redactor.add(token);
    const replaced = await this.options.connector.replaceToken(record, token);
    this.options.logger.info(`tunnel ${tunnel.tunnelId}: new source token, reconnecting`);
    return sessionView(replaced);
  }

  // ---- internals -------------------------------------------------------------------------

  private async open(options: {
    source: AwsSource;
    thingName: string;
    name: string;
    mappings: ServiceMapping[];
    peerVersion: 'V1' | 'V2' | 'V3';
    closeWithSession: boolean;
    description?: string;
    tags?: { key: string; value: string }[];
    maxLifetimeMinutes?: number;
  }): Promise<RequestOutput<'openTunnel'>> {
    const { aws, redactor, logger } = this.options;
    const target = await aws.targetOf(options.source);
    const clients = await aws.clientsOf(target);
    const { tunnels } = await aws.controlPlane();
    const opened = await asAppErrors(() =>
      tunnels.openTunnel(clients, {
        thingName: options.thingName,
        services: options.mappings.map((m) => m.serviceId),
        ...(options.description ? { description: options.description } : {}),
        ...(options.tags === undefined ? {} : { tags: options.tags }),
        ...(options.maxLifetimeMinutes === undefined
          ? {}
          : { maxLifetimeMinutes: options.maxLifetimeMinutes }),
      }),
    );
    redactor.add(opened.sourceAccessToken);
    redactor.add(opened.destinationAccessToken);
    const expiresAt = Date.now() + (options.maxLifetimeMinutes ?? 720) * 60_000;
    let record: SessionRecord;
    try {
      record = await this.options.connector.connect(
        {
          source: options.source,
          target,
          name: options.name,
          thingName: options.thingName,
          tunnelId: opened.tunnelId,
          tunnelArn: opened.tunnelArn,
          expiresAt,
          peerVersion: options.peerVersion,
          mappings: options.mappings,
          closeWithSession: options.closeWithSession,
        },
        opened.sourceAccessToken,
        randomUUID(),
      );
    } catch (error) {
      // Nothing of it is left open: not the listeners, nor the tunnel in AWS.
      await tunnels.closeTunnel(clients, opened.tunnelId).catch((closeError: unknown) => {
        logger.warn(
          `could not close tunnel ${opened.tunnelId} after a failed start: ${String(closeError)}`,
        );
      });
      throw error;
    }
    logger.info(
      `opened tunnel ${opened.tunnelId} to "${options.thingName}" (${options.mappings
        .map((m) => m.serviceId)
        .join(
          ', ',
        )}) through ${options.source.kind === 'sandbox' ? 'the sandbox' : `AWS ${options.source.region}`}`,
    );
    return {
      session: sessionView(record),
      tunnelId: opened.tunnelId,
      tunnelArn: opened.tunnelArn,
      destinationAccessToken: opened.destinationAccessToken,
      expiresAt,
    };
  }

  private withClients<T>(
    source: AwsSource,
    run: (clients: AwsClients, plane: ControlPlane) => Promise<T>,
  ): Promise<T> {
    return this.options.aws.withClients(source, run);
  }

  /** The session on a tunnel of that source, if the app has one. */
  private sessionOf(source: AwsSource, tunnelId: string): string | null {
    return this.options.registry.byTunnel(tunnelId, source)?.id ?? null;
  }
}
