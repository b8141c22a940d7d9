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
import type { AwsTarget } from '../aws/target.js';
import { getIdentity } from '../aws/identity.js';
import { listProfiles } from '../aws/profiles.js';
import type { RetryOptions } from '../aws/retry.js';
import { describeThing, listThings } from '../aws/things.js';
import * as tunnels from '../aws/tunnels.js';
import type { ServiceEndpoint } from '../core/config/proxy-config.js';
import type { Logger, SecretRedactor } from '../core/log/logger.js';
import {
  AppError,
  type AwsSource,
  type RequestHandlers,
  type RequestOutput,
  type ServiceMapping,
  type SessionView,
  type TunnelSummary,
} from '../ipc/contract.js';
import { asAppErrors } from './aws-app-errors.js';
import { AwsAccess } from './aws-access.js';
import type { AwsEndpoints } from './aws-endpoints.js';
import { DEVICE_WATCH_INTERVAL_MS, DeviceWatch } from './device-watch.js';
import { checkMappings } from './mapping-rules.js';
import type { Sandbox } from './sandbox.js';
import { SavedTunnelRequests } from './saved-tunnel-requests.js';
import { SavedTunnelRecords, tokenRefused, type StoredTunnel } from './saved-tunnels.js';
import type { SecretStore } from './secret-store.js';
import type { Session } from './session.js';
import type { StartSessionOptions } from './session-start.js';

/** What the requests need of the app. */
export interface TunnelHost {
  readonly logger: Logger;
  readonly redactor: SecretRedactor;
  readonly sandbox: Sandbox;
  readonly secrets: SecretStore;
  readonly deviceWatchIntervalMs?: number;
  readonly retry?: RetryOptions;
  readonly userAgent?: string;
  /** Where AWS sources go instead of AWS's regional endpoints (tests: the local service). */
  readonly awsEndpoints?: AwsEndpoints;
  startSession(options: StartSessionOptions): Promise<Session>;
  findSession(id: string): Session | undefined;
  sessionsChanged(): void;
}

/** What the app knows of a tunnel it opened (or reconnects), to make its session. */
interface TunnelFacts {
  readonly source: AwsSource;
  readonly target: AwsTarget;
  readonly name: string;
  readonly thingName: string;
  readonly tunnelId: string;
  readonly tunnelArn: string;
  readonly expiresAt: number | null;
  readonly peerVersion: 'V1' | 'V2' | 'V3';
  readonly mappings: ServiceMapping[];
  /** The sandbox's own "Open sandbox" tunnels end with their session. */
  readonly closeWithSession: boolean;
}

/** A session the app opened with OpenTunnel, and its tunnel. */
interface Managed extends TunnelFacts {
  readonly sessionId: string;
  readonly kind: 'aws' | 'sandbox';
  readonly endpoint: ServiceEndpoint;
  readonly verifyTls: boolean;
  /** The ports last bound, so that a new token brings the same local ports back. */
  boundPorts: Map<string, number>;
  readonly watch: DeviceWatch;
  /** Set while its session is replaced (a new token): that close is not the end. */
  replacing: boolean;
  /** Set until the session is up: a failed start is cleaned up by openTunnel itself. */
  opening: boolean;
}

type Input<K extends keyof RequestHandlers> = Parameters<RequestHandlers[K]>[0];

/** Thing names allow fewer characters than the sandbox's free-form device names. */
export function sandboxThingName(deviceName: string): string {
  return deviceName.replace(/[^a-zA-Z0-9:_-]+/g, '-').slice(0, 128) || 'sandbox-device';
}

export class TunnelRequests {
  private readonly aws: AwsAccess;
  private readonly managed = new Map<string, Managed>();
  private readonly records: SavedTunnelRecords;
  /** listSavedTunnels, reconnectSavedTunnel, forgetSavedTunnel. */
  readonly saved: SavedTunnelRequests;

  constructor(private readonly host: TunnelHost) {
    this.aws = new AwsAccess({
      sandbox: host.sandbox,
      ...(host.awsEndpoints === undefined ? {} : { awsEndpoints: host.awsEndpoints }),
      ...(host.retry === undefined ? {} : { retry: host.retry }),
      ...(host.userAgent === undefined ? {} : { userAgent: host.userAgent }),
    });
    this.records = new SavedTunnelRecords(host.secrets, host.logger, host.redactor);
    this.saved = new SavedTunnelRequests({
      records: this.records,
      logger: host.logger,
      hasSession: (tunnelId) => this.managedOf(tunnelId) !== undefined,
      sessionView: (tunnelId) => {
        const managed = this.managedOf(tunnelId);
        const session = managed && host.findSession(managed.sessionId);
        return session && this.decorate(session.view());
      },
      describe: async (source, tunnelId) =>
        tunnels.describeTunnel(this.aws.clientsOf(await this.aws.targetOf(source)), tunnelId),
      adopt: (record) => this.adoptSaved(record),
    });
  }

  // ---- profiles, identity, things -------------------------------------------------------

  listProfiles(): Promise<RequestOutput<'listProfiles'>> {
    return asAppErrors(() => listProfiles());
  }

  getIdentity({ source }: Input<'getIdentity'>): Promise<RequestOutput<'getIdentity'>> {
    return this.withClients(source, (clients) => getIdentity(clients));
  }

  listThings(input: Input<'listThings'>): Promise<RequestOutput<'listThings'>> {
    return this.withClients(input.source, (clients) =>
      listThings(clients, {
        ...(input.namePrefix === undefined ? {} : { namePrefix: input.namePrefix }),
        ...(input.thingType === undefined ? {} : { thingType: input.thingType }),
        ...(input.attribute === undefined ? {} : { attribute: input.attribute }),
        ...(input.nextToken === undefined ? {} : { nextToken: input.nextToken }),
        ...(input.maxResults === undefined ? {} : { maxResults: input.maxResults }),
      }),
    );
  }

  describeThing(input: Input<'describeThing'>): Promise<RequestOutput<'describeThing'>> {
    return this.withClients(input.source, (clients) => describeThing(clients, input.thingName));
  }

  // ---- tunnels --------------------------------------------------------------------------

  /** OpenTunnel, then the source side connects at once with the source token. */
  async openTunnel(input: Input<'openTunnel'>): Promise<RequestOutput<'openTunnel'>> {
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
    await this.host.sandbox.ensureThing(thingName);
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

  async describeTunnel(input: Input<'describeTunnel'>): Promise<RequestOutput<'describeTunnel'>> {
    const details = await this.withClients(input.source, (clients) =>
      tunnels.describeTunnel(clients, input.tunnelId),
    );
    return { ...details, sessionId: this.sessionOf(input.source, details.tunnelId) };
  }

  async listTunnels(input: Input<'listTunnels'>): Promise<RequestOutput<'listTunnels'>> {
    const page = await this.withClients(input.source, (clients) =>
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
  async closeTunnel(input: Input<'closeTunnel'>): Promise<void> {
    await this.withClients(input.source, (clients) =>
      tunnels.closeTunnel(clients, input.tunnelId, { delete: input.delete ?? false }),
    );
    await this.records.forget(input.tunnelId, 'the tunnel was closed');
    const sessionId = this.sessionOf(input.source, input.tunnelId);
    const managed = sessionId === null ? undefined : this.managed.get(sessionId);
    if (!managed) return;
    managed.watch.markClosed();
    await this.host.findSession(managed.sessionId)?.close('the tunnel was closed');
    this.host.logger.info(`closed tunnel ${managed.tunnelId} of "${managed.thingName}"`);
    this.host.sessionsChanged();
  }

  /**
   * RotateTunnelAccessToken for the source side, then the session reconnects with the new
   * token in the same step: same session id, same local ports where it can.
   */
  async rotateSourceToken({ sessionId }: Input<'rotateSourceToken'>): Promise<SessionView> {
    const managed = this.managed.get(sessionId);
    if (!managed) {
      if (this.host.findSession(sessionId)) {
        throw new AppError(
          'unsupported',
          'only tunnels opened from the app can get a new token; for a token given by hand, ask for a new one where it came from',
          'sessionId',
        );
      }
      throw new AppError('not-found', `no tunnel with id ${sessionId}`, 'sessionId');
    }
    if (managed.watch.status === 'CLOSED') {
      throw new AppError('failed', 'the tunnel is closed: open a new one', 'sessionId');
    }
    const token = await this.withClients(managed.source, (clients) =>
      tunnels.rotateSourceToken(clients, managed.tunnelId),
    );
    this.host.redactor.add(token);
    const clientToken = randomUUID();
    managed.replacing = true;
    let session: Session;
    try {
      await this.host.findSession(sessionId)?.close('the source token was replaced');
      const samePorts = managed.mappings.map((mapping) => ({
        ...mapping,
        port: managed.boundPorts.get(mapping.serviceId) ?? mapping.port,
      }));
      session = await this.startSession(managed, token, clientToken, samePorts).catch(
        (error: unknown) => {
          // A port taken meanwhile: the mappings as asked for.
          if (error instanceof AppError && error.code === 'port-in-use') {
            return this.startSession(managed, token, clientToken, managed.mappings);
          }
          throw error;
        },
      );
    } finally {
      managed.replacing = false;
    }
    await this.store(managed, token, clientToken);
    managed.watch.start();
    this.host.logger.info(`tunnel ${managed.tunnelId}: new source token, reconnecting`);
    return this.decorate(session.view());
  }

  // ---- the app's side --------------------------------------------------------------------

  /** A session's view with its tunnel and device, when the app opened it. */
  decorate(view: SessionView): SessionView {
    const managed = this.managed.get(view.id);
    if (!managed) return view;
    for (const listener of view.listeners) {
      if (listener.port !== null) managed.boundPorts.set(listener.serviceId, listener.port);
    }
    return {
      ...view,
      kind: managed.kind,
      device: managed.watch.device,
      tunnel: {
        source: managed.source,
        tunnelId: managed.tunnelId,
        tunnelArn: managed.tunnelArn,
        thingName: managed.thingName,
        status: managed.watch.status,
        expiresAt: managed.expiresAt,
      },
    };
  }

  /** The session is forgotten: so is its tunnel's record here (the tunnel itself stays). */
  async forget(sessionId: string): Promise<void> {
    const managed = this.managed.get(sessionId);
    if (!managed) return;
    managed.watch.stop();
    this.managed.delete(sessionId);
    await this.records.forget(managed.tunnelId, 'its session was forgotten');
  }

  /** Stops every watch and releases the clients' connections. */
  shutdown(): void {
    for (const managed of this.managed.values()) managed.watch.stop();
    this.aws.destroyAll();
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
    const target = await this.aws.targetOf(options.source);
    const clients = this.aws.clientsOf(target);
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
    this.host.redactor.add(opened.sourceAccessToken);
    this.host.redactor.add(opened.destinationAccessToken);
    let adopted: { managed: Managed; session: Session };
    try {
      adopted = await this.adopt(
        {
          source: options.source,
          target,
          name: options.name,
          thingName: options.thingName,
          tunnelId: opened.tunnelId,
          tunnelArn: opened.tunnelArn,
          expiresAt: Date.now() + (options.maxLifetimeMinutes ?? 720) * 60_000,
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
        this.host.logger.warn(
          `could not close tunnel ${opened.tunnelId} after a failed start: ${String(closeError)}`,
        );
      });
      throw error;
    }
    this.host.logger.info(
      `opened tunnel ${opened.tunnelId} to "${options.thingName}" (${options.mappings
        .map((m) => m.serviceId)
        .join(
          ', ',
        )}) through ${options.source.kind === 'sandbox' ? 'the sandbox' : `AWS ${options.source.region}`}`,
    );
    return {
      session: this.decorate(adopted.session.view()),
      tunnelId: opened.tunnelId,
      tunnelArn: opened.tunnelArn,
      destinationAccessToken: opened.destinationAccessToken,
      expiresAt: adopted.managed.expiresAt,
    };
  }

  /**
   * The app's side of a tunnel: a session with the token and client token, a record to
   * reconnect after a restart, and a watch on the device. A session that cannot start
   * leaves nothing behind here (the caller decides about the tunnel).
   */
  private async adopt(
    facts: TunnelFacts,
    token: string,
    clientToken: string,
  ): Promise<{ managed: Managed; session: Session }> {
    const clients = this.aws.clientsOf(facts.target);
    const managed: Managed = {
      ...facts,
      sessionId: randomUUID().slice(0, 8),
      kind: facts.source.kind,
      ...(await this.aws.dataPlaneOf(facts.source)),
      boundPorts: new Map(),
      watch: new DeviceWatch({
        intervalMs: this.host.deviceWatchIntervalMs ?? DEVICE_WATCH_INTERVAL_MS,
        describe: () => tunnels.describeTunnel(clients, facts.tunnelId),
        onChange: () => this.watchChanged(managed),
        log: this.host.logger.child(`tunnel ${facts.name}`),
      }),
      replacing: false,
      opening: true,
    };
    this.managed.set(managed.sessionId, managed);
    let session: Session;
    try {
      session = await this.startSession(managed, token, clientToken, facts.mappings);
    } catch (error) {
      this.managed.delete(managed.sessionId);
      throw error;
    }
    managed.opening = false;
    await this.store(managed, token, clientToken);
    managed.watch.start();
    return { managed, session };
  }

  /** A session on a saved tunnel, with its saved tokens (a failed start leaves the record). */
  private async adoptSaved(record: StoredTunnel): Promise<SessionView> {
    const { session } = await this.adopt(
      {
        source: record.source,
        target: await this.aws.targetOf(record.source),
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
    return this.decorate(session.view());
  }

  /** The device or the tunnel's status changed; a tunnel found CLOSED has nothing to keep. */
  private watchChanged(managed: Managed): void {
    if (managed.watch.status === 'CLOSED') {
      void this.records.forget(managed.tunnelId, 'the tunnel is closed');
    }
    this.host.sessionsChanged();
  }

  private startSession(
    managed: Managed,
    accessToken: string,
    clientToken: string,
    mappings: ServiceMapping[],
  ): Promise<Session> {
    return this.host.startSession({
      id: managed.sessionId,
      kind: managed.kind,
      name: managed.name,
      mappings,
      endpoint: managed.endpoint,
      accessToken,
      clientToken,
      verifyTls: managed.verifyTls,
      peerVersion: managed.peerVersion,
      afterClose: () => this.afterSessionClose(managed),
      // The device usually joins within a second of the source: look then, not 5 s later.
      onConnected: () => setTimeout(() => managed.watch.refresh(), 300).unref(),
    });
  }

  /**
   * The session ended: stop watching; a token the service refused is not kept (it will not
   * work after a restart either); the sandbox's own tunnels close with their session.
   */
  private async afterSessionClose(managed: Managed): Promise<void> {
    if (managed.opening || managed.replacing) return;
    managed.watch.stop();
    const state = this.host.findSession(managed.sessionId)?.view().state;
    if (state?.kind === 'closed' && state.fatal && tokenRefused(state.reason)) {
      await this.records.forget(managed.tunnelId, 'the tunnel service refused its token');
    }
    if (!managed.closeWithSession || managed.watch.status === 'CLOSED') return;
    managed.watch.markClosed();
    try {
      await tunnels.closeTunnel(this.aws.clientsOf(managed.target), managed.tunnelId);
    } catch (error) {
      this.host.logger.debug(`closing tunnel ${managed.tunnelId}: ${String(error)}`);
    }
  }

  /** Keeps what reconnecting an AWS tunnel needs (the sandbox does not outlive the app). */
  private async store(managed: Managed, token: string, clientToken: string): Promise<void> {
    if (managed.source.kind !== 'aws') return;
    await this.records.save({
      version: 1,
      source: managed.source,
      tunnelId: managed.tunnelId,
      tunnelArn: managed.tunnelArn,
      thingName: managed.thingName,
      mappings: managed.mappings,
      peerVersion: managed.peerVersion,
      sourceAccessToken: token,
      clientToken,
      expiresAt: managed.expiresAt,
      savedAt: Date.now(),
    });
  }

  private withClients<T>(source: AwsSource, run: (clients: AwsClients) => Promise<T>): Promise<T> {
    return this.aws.withClients(source, run);
  }

  /** The app's tunnel of that id in this run, whatever its source. */
  private managedOf(tunnelId: string): Managed | undefined {
    for (const managed of this.managed.values()) {
      if (managed.tunnelId === tunnelId) return managed;
    }
    return undefined;
  }

  /** The session on a tunnel, if the app has one. */
  private sessionOf(source: AwsSource, tunnelId: string): string | null {
    for (const managed of this.managed.values()) {
      if (managed.tunnelId === tunnelId && sameSource(managed.source, source)) {
        return managed.sessionId;
      }
    }
    return null;
  }
}

function sameSource(a: AwsSource, b: AwsSource): boolean {
  if (a.kind === 'sandbox' || b.kind === 'sandbox') return a.kind === b.kind;
  return a.region === b.region && (a.profile ?? null) === (b.profile ?? null);
}
