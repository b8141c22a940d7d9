/**
 * `tunneldesk service`: runs the local tunnel service until Ctrl-C. It prints where it
 * listens and which tunnels it serves; the tokens it was given are never printed.
 */
import { createLogger, SecretRedactor, stderrSink } from '../core/log/logger.js';
import { TunnelService } from '../lib/service.js';
import type { CommandIo } from './io.js';
import { parseServiceArgs } from './service-options.js';

export interface RunningService {
  stop(): Promise<void>;
}

/** Starts the service; resolves once it listens (undefined after --help). */
export async function runServiceCommand(
  argv: string[],
  io: Pick<CommandIo, 'out' | 'err' | 'logSink'>,
): Promise<RunningService | undefined> {
  const parsed = parseServiceArgs(argv);
  if (parsed.kind === 'help') {
    io.out(parsed.text);
    return undefined;
  }
  const { service: options, logLevel } = parsed.settings;
  const redactor = new SecretRedactor();
  for (const tunnel of options.tunnels ?? []) {
    redactor.add(tunnel.sourceToken);
    redactor.add(tunnel.destinationToken);
  }
  const logger = createLogger({ level: logLevel, sink: io.logSink ?? stderrSink, redactor });
  const service = new TunnelService({ ...options, logger: logger.child('service') });
  await service.start();
  io.out(`listening on ${service.url}`);
  io.out(
    `management API (AWS SDK endpoint for IoT Secure Tunneling, IoT, STS): ${service.managementUrl}`,
  );
  if (options.tls === 'self-signed') {
    io.out(
      'TLS with a self-signed certificate: connect local proxies with -k (local testing only)',
    );
  }
  for (const tunnel of service.listTunnels()) {
    io.out(
      `tunnel ${tunnel.id}: services ${tunnel.services.length ? tunnel.services.join(', ') : '(one unnamed V1 service)'}`,
    );
  }
  if (options.rechunk)
    io.out(`re-chunking relayed bytes at random sizes (seed ${options.rechunk.seed})`);
  return { stop: () => service.close() };
}
