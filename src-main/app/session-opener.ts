/**
 * Opens the app's sessions. Every path that opens a tunnel comes here (after AWS calls that
 * may have taken a while): the last moment to refuse before a port is bound. Once the app
 * quits nothing opens: `quit()` waits for a session being opened, and such a session closes
 * itself if the quit began meanwhile, so that no port outlives the app.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError, type ProxyConfig } from '../core/config/proxy-config.js';
import { LogLevel, type Logger, type SecretRedactor } from '../core/log/logger.js';
import { AppError } from '../ipc/contract.js';
import { appErrorFrom, DEFAULT_BIND_ADDRESS } from './mapping-rules.js';
import { Session } from './session.js';
import type { SessionRecord, SessionRegistry } from './session-registry.js';
import type { StartSessionOptions } from './session-start.js';

export interface SessionOpenerOptions {
  /** Where an opened session gets its record. */
  readonly registry: SessionRegistry;
  readonly logger: Logger;
  /** Learns each session's tokens, so that no log line shows them. */
  readonly redactor: SecretRedactor;
  /** Tunnel keep-alive ping period (tests shorten it). */
  readonly pingIntervalMs?: number;
}

export class SessionOpener {
  /** Sessions being opened now: `quit()` waits for them. */
  private readonly opening = new Set<Promise<unknown>>();
  private quitting = false;

  constructor(private readonly options: SessionOpenerOptions) {}

  /** Binds the ports and connects; resolves with the session's record. */
  start(options: StartSessionOptions): Promise<SessionRecord> {
    if (this.quitting) return Promise.reject(new AppError('failed', 'the app is quitting'));
    const started = this.open(options);
    this.opening.add(started);
    const forget = (): void => {
      this.opening.delete(started);
    };
    started.then(forget, forget);
    return started;
  }

  /**
   * Refuses every session from now on; resolves once those being opened have their record
   * (to be closed with the others) or were closed and refused.
   */
  async quit(): Promise<void> {
    this.quitting = true;
    await Promise.allSettled([...this.opening]);
  }

  private async open(options: StartSessionOptions): Promise<SessionRecord> {
    const id = options.id ?? randomUUID().slice(0, 8);
    const clientToken = options.clientToken ?? randomUUID();
    const { registry, logger, redactor } = this.options;
    redactor.add(options.accessToken);
    redactor.add(clientToken);
    let session: Session;
    try {
      session = await Session.open({
        id,
        kind: options.kind,
        name: options.name,
        config: sourceConfigOf(options, clientToken),
        mappings: options.mappings,
        logger: logger.child(`tunnel ${options.name}`),
        onChange: () => registry.changed(),
        afterClose: options.afterClose,
        onConnected: options.onConnected,
        pingIntervalMs: this.options.pingIntervalMs,
      });
    } catch (error) {
      if (error instanceof ConfigError) throw appErrorFrom(error);
      throw error;
    }
    if (this.quitting) {
      // The quit began while the ports were being bound: they close before it is done.
      await session.close('app-quit');
      throw new AppError('failed', 'the app is quitting');
    }
    const record = registry.put(session, options.tunnel);
    logger.info(
      `opened tunnel "${options.name}" to ${options.endpoint.host}:${options.endpoint.port}`,
    );
    return record;
  }
}

/** A session's source proxy: its mappings, each on its own bind address. */
function sourceConfigOf(options: StartSessionOptions, clientToken: string): ProxyConfig {
  return {
    mode: 'source',
    accessToken: options.accessToken,
    clientToken,
    clientTokenGenerated: true,
    endpoint: options.endpoint,
    tls: {
      verify: options.verifyTls,
      ...(options.caPath === undefined ? {} : { caPath: options.caPath }),
    },
    bindAddress: DEFAULT_BIND_ADDRESS,
    mappings: {
      mode: 'source',
      ports: new Map(options.mappings.map((m) => [m.serviceId, m.port === 'auto' ? 0 : m.port])),
      bindAddresses: new Map(options.mappings.map((m) => [m.serviceId, m.bindAddress])),
    },
    mappingFiles: [],
    peerVersion: options.peerVersion,
    logLevel: LogLevel.Debug,
  };
}
