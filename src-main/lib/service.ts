/**
 * The library's local tunnel service: a stand-in for the AWS IoT Secure Tunneling data
 * plane (and its management API, for the AWS SDK), for test suites and demos. It listens on
 * 127.0.0.1 and a free port unless told otherwise.
 */
import { TunnelService, type TunnelSpec } from '../core/service/tunnel-service.js';
import { createLogger, SecretRedactor } from '../core/log/logger.js';

export { TunnelService };
export type { TunnelSpec };

export interface TunnelServiceStartOptions {
  /** 0 (the default) picks a free port; `service.port` says which. */
  readonly port?: number;
  /** 127.0.0.1 by default. */
  readonly host?: string;
  /** `self-signed` (the default: proxies need `tls: { verify: false }`) or `plain` (ws://). */
  readonly tls?: 'self-signed' | 'plain';
  /** Tunnels known from the start: id, the two tokens, the services. */
  readonly tunnels?: readonly TunnelSpec[];
}

/** Starts a local tunnel service; resolves once it listens. `close()` stops it. */
export async function startTunnelService(
  options: TunnelServiceStartOptions = {},
): Promise<TunnelService> {
  const redactor = new SecretRedactor();
  for (const tunnel of options.tunnels ?? []) {
    redactor.add(tunnel.sourceToken);
    redactor.add(tunnel.destinationToken);
  }
  const service = new TunnelService({
    tls: options.tls ?? 'self-signed',
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.tunnels === undefined ? {} : { tunnels: options.tunnels }),
    logger: createLogger({ level: 0, redactor }),
  });
  await service.start();
  return service;
}
