/**
 * The library's source proxy: the operator's side of a tunnel, listening on local ports
 * (127.0.0.1 by default) and carrying each accepted connection to the device.
 */
import type net from 'node:net';
import { parseListenPort, validateServiceId } from '../core/config/port-mapping.js';
import { ConfigError, type ProxyConfig } from '../core/config/proxy-config.js';
import type { ListenerInfo } from '../core/proxy/proxy-session.js';
import { SourceProxy } from '../core/source/source-proxy.js';
import {
  commonSettings,
  ProxyHandle,
  type CommonProxyOptions,
  type HandleRuntime,
} from './proxy-handle.js';

export interface SourceProxyOptions extends CommonProxyOptions {
  /**
   * Service id to local port (0 picks a free one), e.g. `{ SSH1: 2222, HTTP1: 0 }`; or
   * `'attach'` for at most one service with no listener, whose connections you hand over
   * with `attach()` (stdin/stdout for ssh's ProxyCommand, a Unix socket's clients).
   */
  readonly services: Readonly<Record<string, number | 'attach'>>;
  /** The listen address; 127.0.0.1 by default. */
  readonly bindAddress?: string;
}

/** A running source proxy. */
export class SourceProxyHandle extends ProxyHandle<SourceProxy> {
  /** The local listeners, by service (empty until they are bound). */
  get ports(): ListenerInfo[] {
    return this.core.listenerInfo;
  }

  /** The services the tunnel carries, from its last SERVICE_IDS (empty before it). */
  get serviceIds(): readonly string[] {
    return this.core.serviceIds;
  }

  /** Round trip of the last WebSocket ping, ms (undefined before the first). */
  get latencyMs(): number | undefined {
    return this.core.latencyMs;
  }

  /**
   * Carries a connection you accepted yourself over the service mapped to `'attach'`: at
   * once when the tunnel is ready, or once it is. Throws a ConfigError (and destroys the
   * socket) when no service is mapped so.
   */
  attach(socket: net.Socket): void {
    this.core.attach(socket);
  }

  /**
   * Moves one service to another local port (0: a free one) or address while the tunnel
   * stays up. The new port is bound first: one in use rejects with a ConfigError and
   * changes nothing; connections open on the old port carry on.
   */
  rebind(serviceId: string, port: number, bindAddress = '127.0.0.1'): Promise<ListenerInfo> {
    return this.core.rebind(serviceId, port, bindAddress);
  }
}

/**
 * @internal The one place a source proxy is made, from a configuration already checked:
 * startSourceProxy's options, the CLI's `proxy` flags, the app's mapping rows, the ssh
 * holder's stdio binding. Not started: add listeners, then `begin()`.
 */
export function sourceProxyFromConfig(
  config: ProxyConfig,
  runtime: HandleRuntime,
): SourceProxyHandle {
  const { statsIntervalMs = 0, ...core } = runtime;
  return new SourceProxyHandle(
    (events) => new SourceProxy(config, { ...core, events }),
    statsIntervalMs,
  );
}

/**
 * Binds the services' ports and connects; resolves once the ports are bound (`ready`
 * follows when the tunnel is up). Rejects with a ConfigError, leaving nothing open, when an
 * option is wrong or a port cannot be bound.
 */
export async function startSourceProxy(options: SourceProxyOptions): Promise<SourceProxyHandle> {
  const settings = commonSettings(options);
  const ports = new Map<string, number>();
  let attached: string | undefined;
  for (const [serviceId, port] of Object.entries(options.services ?? {})) {
    validateServiceId(serviceId, `"${serviceId}"`, 'services');
    if (port === 'attach') {
      if (attached !== undefined) {
        throw new ConfigError(
          `"${attached}" and "${serviceId}" are both 'attach'; map at most one service so`,
          'services',
        );
      }
      attached = serviceId;
    } else {
      ports.set(serviceId, parseListenPort(String(port), `"${serviceId}"`, 'services'));
    }
  }
  const handle = sourceProxyFromConfig(
    {
      mode: 'source',
      accessToken: options.accessToken,
      clientToken: settings.clientToken,
      clientTokenGenerated: settings.clientTokenGenerated,
      endpoint: settings.endpoint,
      tls: settings.tls,
      bindAddress: options.bindAddress ?? '127.0.0.1',
      mappings: {
        mode: 'source',
        ports,
        ...(attached === undefined ? {} : { stdio: attached }),
      },
      mappingFiles: [],
      peerVersion: settings.peerVersion,
      logLevel: settings.level,
    },
    { logger: settings.logger, statsIntervalMs: settings.statsIntervalMs },
  );
  await handle.begin();
  return handle;
}
