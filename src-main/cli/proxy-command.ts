/**
 * `tunneldesk proxy`: the headless local proxy, flag-compatible with the reference
 * localproxy. Runs until Ctrl-C (or a fatal error) and then leaves nothing open.
 */
import { ConfigError } from '../core/config/proxy-config.js';
import { createLogger, SecretRedactor, stderrSink } from '../core/log/logger.js';
import { DestinationAgent } from '../core/destination/destination-agent.js';
import { SourceProxy } from '../core/source/source-proxy.js';
import { StdioEndpoint } from '../core/source/stdio-endpoint.js';
import type { CloseCause } from '../core/tunnel/close-cause.js';
import { DEFAULT_WEB_PROXY_PORT } from '../core/tunnel/web-proxy.js';
import { versionText } from './version.js';
import { cliWords } from './close-words.js';
import { parseProxyArgs } from './proxy-options.js';
import type { CommandIo } from './io.js';

/** Runs the proxy; resolves with the exit code once it has stopped. */
export async function runProxyCommand(argv: string[], io: CommandIo): Promise<number> {
  const parsed = parseProxyArgs(argv, io.env, io.cwd);
  if (parsed.kind === 'help') {
    io.out(parsed.text);
    return 0;
  }
  if (parsed.kind === 'version') {
    io.out(versionText(io.version));
    return 0;
  }
  const { config } = parsed;
  // With a stdio binding stdout carries the protocol's bytes: nothing else may go there.
  const stdio = config.mappings.mode === 'source' && config.mappings.stdio !== undefined;
  const redactor = new SecretRedactor();
  redactor.add(config.accessToken);
  redactor.add(config.clientToken);
  const logger = createLogger({ level: config.logLevel, sink: io.logSink ?? stderrSink, redactor });
  for (const warning of parsed.warnings) logger.warn(warning);
  const webProxy = parsed.webProxy;
  if (webProxy) {
    logger.info(
      `the tunnel goes through the web proxy ${webProxy.shown}, port ${webProxy.port}` +
        (webProxy.portDefaulted
          ? ` (the URL names no port: ${DEFAULT_WEB_PROXY_PORT} by default)`
          : '') +
        ' (unless NO_PROXY exempts the endpoint)',
    );
  }
  if (config.clientTokenGenerated) {
    logger.info(
      'no client token given: generated one for this run, so the proxy can reconnect with the same access token',
    );
  }
  if (config.endpoint.secure !== false && !config.tls.verify) {
    logger.warn(
      'TLS verification is OFF (-k): use this only with a local test service, never in production',
    );
  }

  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      io.offSignals?.(onSignal);
      resolve(code);
    };
    const events = {
      onReady: (listeners: readonly { serviceId: string; address: string }[]) => {
        for (const listener of listeners)
          if (!stdio) io.out(`${listener.serviceId || 'service'} ${listener.address}`);
      },
      onStopped: (cause: CloseCause, fatal: boolean) => {
        if (fatal) io.err(`tunneldesk proxy: ${cliWords(cause, config.mode)}`);
        finish(fatal || stdioCutOff ? 1 : 0);
      },
    };
    const runtime = {
      logger,
      events,
      limits: { maxConnectionsPerService: config.maxConnectionsPerService },
    };
    const proxy =
      config.mode === 'source'
        ? new SourceProxy(config, runtime)
        : new DestinationAgent(config, runtime);
    const onSignal = (): void => {
      logger.info('stopping: closing the tunnel and every listener');
      void proxy.close('signal');
    };
    io.onSignals?.(onSignal);
    let stdioCutOff = false;
    const started = proxy.start();
    if (stdio && proxy instanceof SourceProxy) {
      const endpoint = new StdioEndpoint(io.stdin, io.stdout);
      // One connection is the whole job: its end, either side's, ends the process.
      endpoint.once('close', () => {
        stdioCutOff = endpoint.endedBy === 'aborted';
        if (stdioCutOff)
          io.err('tunneldesk proxy: the stdio connection was cut off: the tunnel went down');
        void proxy.close();
      });
      void started.then(
        () => proxy.attach(endpoint.asSocket()),
        () => endpoint.destroy(),
      );
    }
    started.catch((error: unknown) => {
      io.offSignals?.(onSignal);
      if (error instanceof ConfigError) {
        settled = true;
        reject(error);
      } else {
        settled = true;
        reject(error as Error);
      }
    });
  });
}
