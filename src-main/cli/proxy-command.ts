/**
 * `tunneldesk proxy`: the headless local proxy, flag-compatible with the reference
 * localproxy. Runs until Ctrl-C (or a fatal error) and then leaves nothing open.
 */
import { createLogger, SecretRedactor, stderrSink } from '../core/log/logger.js';
import { StdioEndpoint } from '../core/source/stdio-endpoint.js';
import { DEFAULT_WEB_PROXY_PORT } from '../core/tunnel/web-proxy.js';
import { destinationProxyFromConfig } from '../lib/destination.js';
import { sourceProxyFromConfig } from '../lib/source.js';
import { versionText } from './version.js';
import { cliWords } from './close-words.js';
import { parseProxyArgs } from './proxy-options.js';
import { exportSettings } from './settings-export.js';
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
  if (parsed.kind === 'export-settings') return exportSettings(parsed, io);
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
    // The library's handles, made from the flags' configuration (not from its options:
    // the reference's forms, V1 and --config-dir mapping files, have no option there).
    const runtime = {
      logger,
      limits: { maxConnectionsPerService: config.maxConnectionsPerService },
    };
    const source = config.mode === 'source' ? sourceProxyFromConfig(config, runtime) : undefined;
    const proxy = source ?? destinationProxyFromConfig(config, runtime);
    proxy.on('ready', (listeners) => {
      for (const listener of listeners)
        if (!stdio) io.out(`${listener.serviceId || 'service'} ${listener.address}`);
    });
    proxy.on('stopped', (cause, fatal) => {
      // One line: why the tunnel failed, or else that the stdio connection was cut off.
      if (fatal) io.err(`tunneldesk proxy: ${cliWords(cause, config.mode)}`);
      else if (stdioCutOff)
        io.err('tunneldesk proxy: the stdio connection was cut off: the tunnel went down');
      finish(fatal || stdioCutOff ? 1 : 0);
    });
    const onSignal = (): void => {
      logger.info('stopping: closing the tunnel and every listener');
      void proxy.close('signal');
    };
    io.onSignals?.(onSignal);
    let stdioCutOff = false;
    const started = proxy.begin();
    if (stdio && source) {
      const endpoint = new StdioEndpoint(io.stdin, io.stdout);
      // One connection is the whole job: its end, either side's, ends the process.
      endpoint.once('close', () => {
        stdioCutOff = endpoint.endedBy === 'aborted';
        void source.close();
      });
      void started.then(
        () => source.attach(endpoint.asSocket()),
        () => endpoint.destroy(),
      );
    }
    // A ConfigError (a port taken) and anything else: main says it and exits non-zero.
    started.catch((error: unknown) => {
      io.offSignals?.(onSignal);
      settled = true;
      reject(error as Error);
    });
  });
}
