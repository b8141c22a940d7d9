/**
 * The library's destination proxy: the device's side of a tunnel, connecting each stream
 * of a service to a local target (a port, `host:port`, or a Unix socket path).
 */
import { parseDestinationTarget, validateServiceId } from '../core/config/port-mapping.js';
import type { DestinationTarget } from '../core/config/proxy-config.js';
import { DestinationAgent } from '../core/destination/destination-agent.js';
import { commonSettings, ProxyHandle, type CommonProxyOptions } from './proxy-handle.js';

export interface DestinationProxyOptions extends CommonProxyOptions {
  /** Service id to target: a port (localhost), `host:port`, or a Unix socket path. */
  readonly services: Readonly<Record<string, number | string>>;
  /** The local address to connect from. */
  readonly bindAddress?: string;
}

/** A running destination proxy. */
export class DestinationProxyHandle extends ProxyHandle<DestinationAgent> {}

/** Connects the device's side; resolves once it has started (`ready` when the tunnel is up). */
export async function startDestinationProxy(
  options: DestinationProxyOptions,
): Promise<DestinationProxyHandle> {
  const settings = commonSettings(options);
  const targets = new Map<string, DestinationTarget>();
  for (const [serviceId, target] of Object.entries(options.services ?? {})) {
    validateServiceId(serviceId, `"${serviceId}"`, 'services');
    targets.set(serviceId, parseDestinationTarget(String(target), `"${serviceId}"`, 'services'));
  }
  const handle = new DestinationProxyHandle(
    (events) =>
      new DestinationAgent(
        {
          mode: 'destination',
          accessToken: options.accessToken,
          clientToken: settings.clientToken,
          clientTokenGenerated: settings.clientTokenGenerated,
          endpoint: settings.endpoint,
          tls: settings.tls,
          ...(options.bindAddress === undefined ? {} : { bindAddress: options.bindAddress }),
          mappings: { mode: 'destination', targets },
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
