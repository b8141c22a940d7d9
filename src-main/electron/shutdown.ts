/**
 * Quitting closes every tunnel and listener first. The first 'before-quit' is held back
 * (preventDefault) while TunnelDeskApp.shutdown() runs; once it is done, or has taken too
 * long, the app quits for real. SIGINT and SIGTERM go the same way, so a terminal's
 * Ctrl+C or a service manager's stop leave no port listening behind.
 */
import type { Logger } from '../core/log/logger.js';

/** The parts of Electron's `app` this uses. */
export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/** The parts of `process` this uses. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** What the quit sequence needs. */
export interface GracefulShutdownOptions {
  readonly app: QuittingApp;
  readonly shutdown: () => Promise<void>;
  readonly signals: SignalSource;
  readonly log: Logger;
  /** A stuck tunnel close must not keep the app from quitting. */
  readonly timeoutMs?: number;
}

/** Installs the quit sequence; call once, after the app facade exists. */
export function installGracefulShutdown(options: GracefulShutdownOptions): void {
  const { app, log } = options;
  let state: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    // Held back while closing too: a second Quit must not cut the shutdown short.
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    void closeWithin(options.shutdown, options.timeoutMs ?? 10_000)
      .catch((error: unknown) =>
        log.error(`shutdown failed, quitting anyway: ${(error as Error).message}`),
      )
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    options.signals.on(signal, () => {
      log.info(`${signal}: quitting`);
      app.quit();
    });
  }
}

async function closeWithin(shutdown: () => Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`tunnels still closing after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([shutdown(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
