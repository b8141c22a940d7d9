/**
 * The local listening socket of one service on the source side. Binding is explicit and
 * awaited, so that a port already in use is reported by name before anything else starts.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, type ListenRetry } from '../config/proxy-config.js';
import type { Logger } from '../log/logger.js';

export class ServiceListener {
  private readonly server: net.Server;
  private boundPort = 0;

  constructor(
    readonly serviceId: string,
    readonly host: string,
    /** The port asked for; 0 means any free port. */
    readonly requestedPort: number,
    onConnection: (socket: net.Socket) => void,
  ) {
    this.server = net.createServer({ noDelay: true }, onConnection);
  }

  get port(): number {
    return this.boundPort;
  }

  /** host:port as a user would type it. */
  get address(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.boundPort}`;
  }

  /** Binds; a failure is a ConfigError that names the service and port. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        const name = this.serviceId ? `service ${this.serviceId}` : 'the service';
        const what =
          error.code === 'EADDRINUSE'
            ? `port ${this.requestedPort} is already in use on ${this.host}; choose another port for ${name}, or 0 for a free one`
            : error.code === 'EACCES'
              ? `no permission to listen on port ${this.requestedPort} (ports below 1024 need privileges); choose a port from 1024 to 65535`
              : error.code === 'EADDRNOTAVAIL'
                ? `the bind address ${this.host} is not an address of this machine (-b)`
                : `cannot listen on ${this.host}:${this.requestedPort} for ${name}: ${error.message}`;
        reject(
          new ConfigError(what, undefined, error.code === 'EADDRINUSE' ? 'port-in-use' : 'invalid'),
        );
      };
      this.server.once('error', onError);
      this.server.listen({ host: this.host, port: this.requestedPort, exclusive: true }, () => {
        this.server.off('error', onError);
        this.boundPort = (this.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  /**
   * Stops listening: the port is free when this resolves. Connections already accepted are
   * not waited for (the server's own close callback would wait for every one of them, and a
   * browser's keep-alive connection can stay for minutes); they belong to the multiplexer.
   */
  close(): Promise<void> {
    if (this.server.listening) this.server.close();
    return Promise.resolve();
  }
}

/**
 * Binds, and when the port is in use tries again `retry.count` times `retry.delayMs` apart
 * (the reference's tcp.connection_retry_*), saying so once; then the ConfigError names the
 * port. Other failures (no permission, no such address) cannot change, so they end at once.
 */
export async function listenWithRetry(
  listener: ServiceListener,
  retry: ListenRetry | undefined,
  log: Logger,
  stopped: () => boolean,
): Promise<void> {
  const count = retry?.count ?? 0;
  for (let attempt = 0; ; attempt++) {
    try {
      await listener.listen();
      if (attempt > 0) log.info(`port ${listener.requestedPort} is free now: listening on it`);
      return;
    } catch (error) {
      const inUse = error instanceof ConfigError && error.problem === 'port-in-use';
      if (!inUse || attempt >= count || stopped()) {
        if (inUse && attempt > 0) {
          throw new ConfigError(
            `${error.message} (tried ${attempt + 1} times, ${retry!.delayMs} ms apart: tcp.connection_retry_count and tcp.connection_retry_delay_ms)`,
            undefined,
            'port-in-use',
          );
        }
        throw error;
      }
      if (attempt === 0) {
        log.warn(`${error.message}: trying again ${count} times, ${retry!.delayMs} ms apart`);
      }
      await sleep(retry!.delayMs);
    }
  }
}
