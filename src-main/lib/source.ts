/**
 * The library's source proxy: the operator's side of a tunnel, listening on local ports
 * (127.0.0.1 by default) and carrying each accepted connection to the device.
 */
import { parseListenPort, validateServiceId } from '../core/config/port-mapping.js';
import type { ListenerInfo } from '../core/proxy/proxy-session.js';
import { SourceProxy } from '../core/source/source-proxy.js';
import { commonSettings, ProxyHandle, type CommonProxyOptions } from './proxy-handle.js';

export interface SourceProxyOptions extends CommonProxyOptions {
  /** Service id to local port (0 picks a free one), e.g. `{ SSH1: 2222, HTTP1: 0 }`. */
  readonly services: Readonly<Record<string, number>>;
  /** The listen address; 127.0.0.1 by default. */
  readonly bindAddress?: string;
}

/** A running source proxy. */
export class SourceProxyHandle extends ProxyHandle<SourceProxy> {
  /** The local listeners, by service (empty until they are bound). */
  get ports(): ListenerInfo[] {
    return this.core.listenerInfo;
  }
}

/**
 * Binds the services' ports and connects; resolves once the ports are bound (`ready`
 * follows when the tunnel is up). Rejects with a ConfigError, leaving nothing open, when an
 * option is wrong or a port cannot be bound.
 */
export async function startSourceProxy(options: SourceProxyOptions): Promise<SourceProxyHandle> {
  const settings = commonSettings(options);
  const ports = new Map<string, number>();
  for (const [serviceId, port] of Object.entries(options.services ?? {})) {
    validateServiceId(serviceId, `"${serviceId}"`, 'services');
    ports.set(serviceId, parseListenPort(String(port), `"${serviceId}"`, 'services'));
  }
  const handle = new SourceProxyHandle(
    (events) =>
      new SourceProxy(
        {
          mode: 'source',
          accessToken: options.accessToken,
          clientToken: settings.clientToken,
          clientTokenGenerated: settings.clientTokenGenerated,
          endpoint: settings.endpoint,
          tls: settings.tls,
          bindAddress: options.bindAddress ?? '127.0.0.1',
          mappings: { mode: 'source', ports },
          mappingFiles: [],
          peerVersion: settings.peerVersion,
          logLevel: settings.level,
        },
        { logger: settings.logger, events },
      ),
    settings.statsIntervalMs,
  );
  await handle.begin();
  return handle;
}
