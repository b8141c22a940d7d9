/**
 * The application facade: everything the renderer can ask for, written against the IPC
 * contract and not against Electron, so that the Electron shell and browser mode drive the
 * very same object. It owns the sessions (one per tunnel), the sandbox, the settings and
 * the log, and pushes batched events to whoever subscribes.
 */
import { parseRegionEndpoint, parseServiceEndpoint } from '../core/config/endpoint.js';
import { readExtraCertificates } from '../core/tunnel/tls-trust.js';
import { formatSourceMappingText, parseSourceMappingText } from '../core/config/mapping-files.js';
import { existsSync } from 'node:fs';
import { ConfigError, type ServiceEndpoint } from '../core/config/proxy-config.js';
import {
  createLogger,
  LogLevel,
  SecretRedactor,
  type Logger,
  type LogSink,
} from '../core/log/logger.js';
import {
  AppError,
  type AppInfo,
  type EventName,
  type EventPayload,
  type HandlerInput,
  type MappingCheck,
  type RequestHandlers,
  type RequestInput,
  type ServiceMapping,
  type SessionView,
} from '../ipc/contract.js';
import {
  browserUrl,
  checkLocalUrl,
  checkSshUser,
  hostKeyAlias,
  launchTerminal,
  sshArgs,
  type LaunchDeps,
} from './launchers.js';
import { LogBuffer } from './log-buffer.js';
import {
  addressesOverlap,
  firstNonLocalAddress,
  notLocalMessage,
  probePort,
} from './port-probe.js';
import {
  appErrorFrom,
  checkMappingRow,
  checkMappings,
  DEFAULT_BIND_ADDRESS,
} from './mapping-rules.js';
import type { RetryOptions } from '../aws/retry.js';
import { AwsAccess } from './aws-access.js';
import type { AwsEndpoints } from './aws-endpoints.js';
import { DEVICE_WATCH_INTERVAL_MS } from './device-watch.js';
import { Sandbox } from './sandbox.js';
import { SavedTunnelRequests } from './saved-tunnel-requests.js';
import { SavedTunnelRecords } from './saved-tunnels.js';
import { MemorySecretStore, type SecretStore } from './secret-store.js';
import type { Session } from './session.js';
import { SessionRegistry, sessionView } from './session-registry.js';
import { SessionOpener } from './session-opener.js';
import { SettingsStore } from './settings-store.js';
import { TunnelConnector } from './tunnel-connector.js';
import { keepServices, serviceDefaults } from './tunnel-defaults.js';
import { TunnelRequests } from './tunnel-requests.js';
import { sshConfigBlock } from './ssh-config-block.js';

export interface AppEnvironment {
  readonly runtime: 'electron' | 'web';
  readonly version: string;
  /** Where settings are kept; undefined keeps them in memory. */
  readonly settingsFile?: string;
  readonly launch: LaunchDeps;
  readonly logLevel?: LogLevel;
  /** Also print log records (browser mode prints them to stderr). */
  readonly logTee?: LogSink;
  /** How often live figures are pushed, ms (a few times a second). */
  readonly statsIntervalMs?: number;
  /** Tunnel keep-alive ping period (tests shorten it). */
  readonly pingIntervalMs?: number;
  /**
   * Makes the store of tokens to reconnect later (given the app's log, where it reports a
   * damaged file): safeStorage in Electron where the OS keychain protects it; memory when
   * absent. Tunnels saved in a persistent store are offered again after a restart.
   */
  readonly secretStore?: (log: Logger) => SecretStore;
  /**
   * The system's dialog to pick a CA file or folder (Electron); absent in browser mode,
   * whose form takes the path as text.
   */
  readonly pickPath?: (kind: 'file' | 'folder') => Promise<string | null>;
  /** Sends every AWS source to one stand-in instead of AWS (tests: the local tunnel service). */
  readonly awsEndpoints?: AwsEndpoints;
  /** How often the device side of an opened tunnel is looked at (DescribeTunnel), ms. */
  readonly deviceWatchIntervalMs?: number;
  /** The AWS clients' retries (tests shorten the waits). */
  readonly awsRetry?: RetryOptions;
}

export type AppEventListener = <K extends EventName>(name: K, payload: EventPayload<K>) => void;

export class TunnelDeskApp implements RequestHandlers {
  readonly logs: LogBuffer;
  readonly logger: Logger;
  private readonly redactor = new SecretRedactor();
  private readonly registry = new SessionRegistry(() => this.sessionsChanged());
  private readonly opener: SessionOpener;
  private readonly sandbox: Sandbox;
  private readonly aws: AwsAccess;
  private readonly connector: TunnelConnector;
  private readonly tunnels: TunnelRequests;
  /** listSavedTunnels, reconnectSavedTunnel, forgetSavedTunnel. */
  private readonly saved: SavedTunnelRequests;
  private readonly settings: SettingsStore;
  private readonly secrets: SecretStore;
  private readonly subscribers = new Set<AppEventListener>();
  private readonly timer: NodeJS.Timeout;
  private sessionsChangedScheduled = false;
  /** Whether the last tick pushed figures of an open tunnel (see tick()). */
  private statsLive = false;
  private shuttingDown: Promise<void> | undefined;
  private sandboxCount = 0;

  constructor(private readonly env: AppEnvironment) {
    this.logs = new LogBuffer(5_000, env.logTee);
    this.logger = createLogger({
      level: env.logLevel ?? LogLevel.Debug,
      sink: this.logs.sink,
      redactor: this.redactor,
    });
    this.settings = new SettingsStore(env.settingsFile, this.logger.child('settings'));
    this.sandbox = new Sandbox(this.logger.child('sandbox'), this.redactor);
    this.secrets = env.secretStore?.(this.logger.child('secrets')) ?? new MemorySecretStore();
    const { registry, sandbox, redactor } = this;
    this.opener = new SessionOpener({
      registry,
      logger: this.logger,
      redactor,
      pingIntervalMs: env.pingIntervalMs,
    });
    const logger = this.logger.child('aws');
    const records = new SavedTunnelRecords(this.secrets, logger, redactor);
    const aws = (this.aws = new AwsAccess({
      sandbox,
      ...(env.awsEndpoints === undefined ? {} : { awsEndpoints: env.awsEndpoints }),
      ...(env.awsRetry === undefined ? {} : { retry: env.awsRetry }),
      userAgent: `tunneldesk/${env.version}`,
    }));
    const connector = (this.connector = new TunnelConnector({
      registry,
      aws,
      records,
      logger,
      deviceWatchIntervalMs: env.deviceWatchIntervalMs ?? DEVICE_WATCH_INTERVAL_MS,
      startSession: (options) => this.opener.start(options),
    }));
    this.tunnels = new TunnelRequests({
      registry,
      connector,
      aws,
      records,
      sandbox,
      logger,
      redactor,
    });
    this.saved = new SavedTunnelRequests({ registry, connector, aws, records, logger });
    this.timer = setInterval(() => this.tick(), env.statsIntervalMs ?? 250);
    this.timer.unref();
    // Tunnels saved before a restart are read now and offered (listSavedTunnels), not
    // reconnected: see saved-tunnel-requests.ts for why.
    this.saved.load().catch((error: unknown) => {
      this.logger.warn(`cannot read the saved tunnels: ${(error as Error).message}`);
    });
  }

  /** Receives every event; returns the unsubscribe function. */
  subscribe(listener: AppEventListener): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  /**
   * Closes every tunnel and listener, and the sandbox. Safe to call more than once, and at
   * any moment: a tunnel being opened meanwhile either never binds a port (the request
   * fails with "the app is quitting") or is closed here before this resolves.
   */
  shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      clearInterval(this.timer);
      // A session being opened gets its record (closed below), or is closed and refused.
      await this.opener.quit();
      await Promise.all(this.registry.all().map((r) => r.session.close('app-quit')));
      this.connector.stopWatches();
      this.aws.destroyAll();
      await this.sandbox.close();
      this.logger.info('shut down: every tunnel and listener closed');
    })();
    return this.shuttingDown;
  }

  // ---- requests ---------------------------------------------------------------------------

  getAppInfo(): AppInfo {
    return {
      version: this.env.version,
      runtime: this.env.runtime,
      platform: this.env.launch.platform,
      secretStorage: this.secrets.kind,
    };
  }

  listSessions(): SessionView[] {
    return this.registry.all().map(sessionView);
  }

  /** A tunnel to a new sandbox device, opened as AWS tunnels are (OpenTunnel via the SDK). */
  async openSandbox(input: HandlerInput<'openSandbox'>): Promise<SessionView> {
    this.refuseWhileQuitting();
    const name = input.deviceName?.trim() || `sandbox-device-${++this.sandboxCount}`;
    return this.whileOpen(this.tunnels.openSandbox(name, input.services));
  }

  async connectWithToken(input: HandlerInput<'connectWithToken'>): Promise<SessionView> {
    this.refuseWhileQuitting();
    const mappings = checkMappings(input.services);
    const endpoint = targetEndpoint(input.target);
    const caPath = input.caPath?.trim() || undefined;
    if (caPath !== undefined) checkCaFolder(caPath);
    if (input.peerVersion === 'V1' && mappings.length > 1) {
      throw new AppError(
        'invalid-mapping',
        'a V1 destination carries one service; map exactly one',
        'services',
      );
    }
    const record = await this.opener.start({
      kind: 'token',
      name: input.name?.trim() || `Tunnel to ${endpoint.host}`,
      mappings,
      endpoint,
      accessToken: input.accessToken.trim(),
      verifyTls: input.verifyTls,
      ...(caPath === undefined ? {} : { caPath }),
      peerVersion: input.peerVersion,
    });
    record.tokenForm = {
      kind: 'token',
      name: input.name?.trim() ?? '',
      target:
        input.target.kind === 'region'
          ? { kind: 'region', region: input.target.region.trim() }
          : { kind: 'endpoint', endpoint: input.target.endpoint.trim() },
      services: mappings,
      peerVersion: input.peerVersion,
      verifyTls: input.verifyTls,
      caPath: caPath ?? null,
    };
    this.registry.changed();
    return sessionView(record);
  }

  async closeSession({ sessionId }: HandlerInput<'closeSession'>): Promise<void> {
    await this.session(sessionId).close();
  }

  async forgetSession({ sessionId }: HandlerInput<'forgetSession'>): Promise<void> {
    const record = this.registry.require(sessionId);
    await record.session.close();
    this.registry.remove(sessionId);
    await this.connector.forget(record);
  }

  /** "Clear closed": forgets every closed session (an open one is left as it is). */
  async forgetClosedSessions(): Promise<{ forgotten: number }> {
    const closed = this.registry.all().filter((record) => record.session.isClosed);
    for (const record of closed) {
      this.registry.remove(record.id);
      await this.connector.forget(record);
    }
    return { forgotten: closed.length };
  }

  reconnectNow({ sessionId }: HandlerInput<'reconnectNow'>): void {
    this.session(sessionId).reconnectNow();
  }

  async checkMapping(input: HandlerInput<'checkMapping'>): Promise<MappingCheck> {
    const check = checkMappingRow(input);
    if (!check.ok || !input.inUse) return check;
    const bindAddress = check.mapping.bindAddress;
    if ((await firstNonLocalAddress([bindAddress])) !== undefined) {
      return { ok: false, field: 'bindAddress', message: notLocalMessage(bindAddress) };
    }
    if (check.mapping.port === 'auto') return check;
    const port = check.mapping.port;
    const taken = (message: string): MappingCheck => ({
      ok: false,
      field: 'port',
      message: `port ${port} on ${bindAddress} is in use by ${message}; choose another port, or auto`,
    });
    for (const record of this.registry.all()) {
      if (record.session.isClosed) continue;
      const owner = record.session
        .listeners()
        .find((l) => l.port === port && addressesOverlap(l.bindAddress, bindAddress));
      if (owner) return taken(`${owner.serviceId} of tunnel "${record.session.name}"`);
    }
    const probe = await probePort(port, bindAddress);
    if (probe === 'in-use') return taken('another program on this machine');
    if (probe === 'not-allowed') {
      return {
        ok: false,
        field: 'port',
        message: `port ${port} needs administrator rights on this machine; use a port above 1023, or auto`,
      };
    }
    return check;
  }

  checkCaPath({ path }: HandlerInput<'checkCaPath'>) {
    try {
      return { ok: true as const, certificates: checkCaFolder(path.trim()) };
    } catch (error) {
      return { ok: false as const, message: (error as AppError).message };
    }
  }

  async pickCaPath({ kind }: HandlerInput<'pickCaPath'>) {
    if (!this.env.pickPath) {
      throw new AppError(
        'unsupported',
        'browser mode has no file dialog here: type the path of the CA file or folder',
      );
    }
    return { path: await this.env.pickPath(kind) };
  }

  checkTarget(input: HandlerInput<'checkTarget'>) {
    try {
      const endpoint = targetEndpoint(input);
      return {
        ok: true as const,
        endpoint: `${endpoint.secure === false ? 'ws' : 'wss'}://${endpoint.host}:${endpoint.port}`,
      };
    } catch (error) {
      return { ok: false as const, message: (error as Error).message };
    }
  }

  async updateMapping({ sessionId, mapping }: HandlerInput<'updateMapping'>) {
    const [checked] = checkMappings([mapping]);
    return this.session(sessionId).remap(checked!);
  }

  parseMappingFile({ fileName, text }: HandlerInput<'parseMappingFile'>): ServiceMapping[] {
    try {
      const ports = parseSourceMappingText(text, fileName || 'mapping file');
      return [...ports].map(([serviceId, port]) => ({
        serviceId,
        port: port === 0 ? 'auto' : port,
        bindAddress: DEFAULT_BIND_ADDRESS,
      }));
    } catch (error) {
      throw appErrorFrom(error, 'text');
    }
  }

  exportMappingFile({ sessionId }: HandlerInput<'exportMappingFile'>) {
    const session = this.session(sessionId);
    return {
      fileName: 'SSHSource.ini',
      text: formatSourceMappingText(
        session.currentPorts(),
        `TunnelDesk: local ports of "${session.name}", exported ${new Date().toISOString()}`,
      ),
    };
  }

  async openInBrowser({ sessionId, serviceId, scheme }: HandlerInput<'openInBrowser'>) {
    const session = this.session(sessionId);
    const { port, bindAddress } = session.servedPort(serviceId);
    const url = checkLocalUrl(browserUrl(scheme, bindAddress, port));
    // Browser mode: the operator's browser is the one showing the page (maybe on another
    // desktop than this process), so the page opens the tab; opening one here would land
    // on whatever screen this process has, or nowhere.
    const openedBy = this.env.runtime === 'web' ? 'renderer' : 'app';
    if (openedBy === 'app') {
      try {
        await this.env.launch.openExternal(url);
      } catch (error) {
        throw new AppError(
          'launch-failed',
          `cannot open ${url}: ${(error as Error).message}`,
          null,
          {
            command: url,
          },
        );
      }
    }
    const key = `${session.name}/${serviceId}`;
    if (this.settings.get().browserSchemes[key] !== scheme) {
      this.updateSettings({
        browserSchemes: { ...this.settings.get().browserSchemes, [key]: scheme },
      });
    }
    this.logger.info(
      openedBy === 'app'
        ? `opened ${url} (${serviceId} of "${session.name}") in the browser`
        : `gave ${url} (${serviceId} of "${session.name}") to the page to open`,
    );
    return { url, openedBy } as const;
  }

  async openSsh(input: HandlerInput<'openSsh'>) {
    const { command, session } = this.sshCommand(input);
    const terminal = await launchTerminal(this.env.launch, command);
    this.rememberSshUser(session.name, input.user);
    this.logger.info(`opened ${terminal} with: ${command.join(' ')}`);
    return { command: command.join(' '), terminal };
  }

  getSshCommand(input: HandlerInput<'getSshCommand'>) {
    const { command, session } = this.sshCommand(input);
    this.rememberSshUser(session.name, input.user);
    return { command: command.join(' ') };
  }

  connections({ sessionId, ...window }: HandlerInput<'connections'>) {
    return this.session(sessionId).connectionsPage(window);
  }

  getHistory({ sessionId }: HandlerInput<'getHistory'>) {
    return this.session(sessionId).historyPoints();
  }

  getLogs() {
    return this.logs.all();
  }

  getSettings() {
    return this.settings.get();
  }

  updateSettings(change: HandlerInput<'updateSettings'>) {
    const settings = this.settings.update(change);
    this.emit('settings', settings);
    return settings;
  }

  // ---- AWS: profiles, things, tunnels (tunnel-requests.ts) ---------------------------------

  listProfiles() {
    return this.tunnels.listProfiles();
  }

  getIdentity(input: HandlerInput<'getIdentity'>) {
    return this.tunnels.getIdentity(input);
  }

  listThings(input: HandlerInput<'listThings'>) {
    return this.tunnels.listThings(input);
  }

  describeThing(input: HandlerInput<'describeThing'>) {
    return this.tunnels.describeThing(input);
  }

  /**
   * The ssh config block for a thing: `tunneldesk` (on PATH: the app's own binary is not a
   * Node one) with the source's control plane as flags; the sandbox's is the CLI's own.
   */
  getSshConfig({ source, thingName }: HandlerInput<'getSshConfig'>) {
    const flags =
      source.kind === 'sandbox'
        ? ['--sandbox']
        : [...(source.profile ? ['--profile', source.profile] : []), '--region', source.region];
    const command = ['tunneldesk', 'connect', thingName, '--stdio', ...flags];
    return { config: sshConfigBlock(thingName, command) };
  }

  getServiceDefaults({ thingName, thingTypeName }: HandlerInput<'getServiceDefaults'>) {
    return serviceDefaults(this.settings.get(), thingName, thingTypeName);
  }

  async openTunnel(input: HandlerInput<'openTunnel'>) {
    this.refuseWhileQuitting();
    const opened = await this.whileOpen(this.tunnels.openTunnel(input));
    // The services used are offered next time for this thing (getServiceDefaults).
    const mappings = checkMappings(input.services);
    this.updateSettings(keepServices(this.settings.get(), input.thingName, mappings));
    return opened;
  }

  describeTunnel(input: HandlerInput<'describeTunnel'>) {
    return this.tunnels.describeTunnel(input);
  }

  listTunnels(input: HandlerInput<'listTunnels'>) {
    return this.tunnels.listTunnels(input);
  }

  closeTunnel(input: HandlerInput<'closeTunnel'>) {
    return this.tunnels.closeTunnel(input);
  }

  rotateSourceToken(input: HandlerInput<'rotateSourceToken'>) {
    this.refuseWhileQuitting();
    return this.whileOpen(this.tunnels.rotateSourceToken(input));
  }

  // ---- tunnels saved across a restart (saved-tunnel-requests.ts) ---------------------------

  listSavedTunnels() {
    return this.saved.list();
  }

  reconnectSavedTunnel({ tunnelId }: HandlerInput<'reconnectSavedTunnel'>) {
    this.refuseWhileQuitting();
    return this.whileOpen(this.saved.reconnect(tunnelId));
  }

  forgetSavedTunnel({ tunnelId }: HandlerInput<'forgetSavedTunnel'>) {
    return this.saved.forget(tunnelId);
  }

  // ---- internals --------------------------------------------------------------------------

  private sshCommand({ sessionId, serviceId, user }: RequestInput<'getSshCommand'>) {
    const session = this.session(sessionId);
    const { port, bindAddress } = session.servedPort(serviceId);
    return {
      session,
      command: sshArgs(port, checkSshUser(user), hostKeyAlias(session.name), bindAddress),
    };
  }

  private rememberSshUser(device: string, user: string): void {
    const users = this.settings.get().sshUsers;
    if (users[device] !== user.trim()) {
      this.updateSettings({ sshUsers: { ...users, [device]: user.trim() } });
    }
  }

  private session(id: string): Session {
    return this.registry.require(id).session;
  }

  private refuseWhileQuitting(): void {
    if (this.shuttingDown) throw new AppError('failed', 'the app is quitting');
  }

  /**
   * A request that opens a tunnel: if it fails because the app began quitting meanwhile
   * (the sandbox stopped under its OpenTunnel, say), that is the reason to give.
   */
  private async whileOpen<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      if (this.shuttingDown) throw new AppError('failed', 'the app is quitting');
      throw error;
    }
  }

  private sessionsChanged(): void {
    if (this.sessionsChangedScheduled) return;
    this.sessionsChangedScheduled = true;
    setImmediate(() => {
      this.sessionsChangedScheduled = false;
      this.emit('sessions', this.listSessions());
    });
  }

  private tick(): void {
    const now = Date.now();
    const stats = this.registry
      .all()
      .filter((r) => !r.session.isClosed)
      .map((r) => r.session.sample(now));
    // One empty batch when the last open tunnel closes: it tells the renderer that nothing
    // is live any more (its rates drop to zero), where silence would leave the last figures.
    if (stats.length > 0 || this.statsLive) this.emit('stats', { at: now, sessions: stats });
    this.statsLive = stats.length > 0;
    const logs = this.logs.takePending();
    if (logs.length > 0) this.emit('logs', logs);
  }

  private emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    for (const listener of this.subscribers) {
      try {
        listener(name, payload);
      } catch (error) {
        this.logger.debug(`an event listener failed: ${(error as Error).message}`);
      }
    }
  }
}

/** AWS region names: two letters, words, a number (us-east-1, us-gov-west-1, eu-isoe-west-1). */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$/;

/**
 * Where a token tunnel connects, from the form's Region or Endpoint: the CLI's rules, and
 * for a region also the shape of AWS's names (the CLI takes any, and a typo would only show
 * later as a DNS failure). An AppError on the field to change.
 */
function targetEndpoint(
  target:
    | { readonly kind: 'region'; readonly region: string }
    | { readonly kind: 'endpoint'; readonly endpoint: string },
): ServiceEndpoint {
  const field = target.kind === 'region' ? 'target.region' : 'target.endpoint';
  try {
    if (target.kind === 'endpoint') {
      return parseServiceEndpoint(target.endpoint, 'endpoint', 'the endpoint field');
    }
    const endpoint = parseRegionEndpoint(target.region, 'region', 'the region field');
    if (!REGION_NAME.test(target.region.trim())) {
      throw new AppError(
        'invalid-input',
        `"${target.region.trim()}" is not a region name; use one such as us-east-1 or eu-west-1`,
        field,
      );
    }
    return endpoint;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('invalid-input', (error as Error).message, field);
  }
}

/**
 * A CA file or folder the form names: how many PEM certificates it holds, or an AppError on
 * the CA field saying what is wrong with it (read here, in main, which reads it to connect).
 */
function checkCaFolder(path: string): number {
  const refuse = (message: string) => new AppError('invalid-input', message, 'caPath');
  if (path === '') throw refuse('give the path of a CA file or folder');
  if (!existsSync(path)) {
    throw refuse(`"${path}" does not exist; give a directory or file of PEM CA certificates`);
  }
  let count: number;
  try {
    count = readExtraCertificates(path).length;
  } catch (error) {
    // The CLI's wording names its flag; the form says it with the field's words.
    if (!(error instanceof ConfigError)) {
      throw refuse(
        `"${path}" cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    count = 0;
  }
  if (count === 0) {
    throw refuse(`no PEM certificate ("-----BEGIN CERTIFICATE-----") found in "${path}"`);
  }
  return count;
}
