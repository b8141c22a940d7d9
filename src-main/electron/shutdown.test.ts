/**
 * Quitting closes every tunnel first: the first before-quit is held back until shutdown()
 * has finished (or timed out), then the app quits for real; signals take the same road.
 * Plain objects stand in for Electron's `app` and Node's `process`.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/log/logger.js';
import { installGracefulShutdown } from './shutdown.js';

/** Stands in for Electron's app: quit() emits before-quit unless a listener prevents it. */
function standInApp() {
  const listeners: ((event: { preventDefault(): void }) => void)[] = [];
  const record = { quitCalls: 0, prevented: 0, quitted: false };
  const app = {
    on: (_event: 'before-quit', listener: (event: { preventDefault(): void }) => void) => {
      listeners.push(listener);
    },
    quit: () => {
      record.quitCalls += 1;
      let prevented = false;
      for (const listener of listeners) listener({ preventDefault: () => (prevented = true) });
      if (prevented) record.prevented += 1;
      else record.quitted = true;
    },
  };
  return { app, record };
}

function standInSignals() {
  const handlers = new Map<string, () => void>();
  return {
    signals: { on: (signal: 'SIGINT' | 'SIGTERM', h: () => void) => handlers.set(signal, h) },
    raise: (signal: string) => handlers.get(signal)!(),
  };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('installGracefulShutdown', () => {
  it('holds the quit back until shutdown has finished, then quits', async () => {
    const { app, record } = standInApp();
    const done = deferred();
    let shutdowns = 0;
    installGracefulShutdown({
      app,
      shutdown: () => {
        shutdowns += 1;
        return done.promise;
      },
      signals: standInSignals().signals,
      log: silentLogger,
    });
    app.quit();
    await tick();
    expect(record).toMatchObject({ prevented: 1, quitted: false });
    app.quit(); // the operator presses Quit again while tunnels close
    await tick();
    expect(record).toMatchObject({ prevented: 2, quitted: false });
    expect(shutdowns).toBe(1);
    done.resolve();
    await tick();
    expect(record.quitted).toBe(true);
    expect(shutdowns).toBe(1);
  });

  it.each(['SIGINT', 'SIGTERM'])('quits the same way on %s', async (signal) => {
    const { app, record } = standInApp();
    const { signals, raise } = standInSignals();
    let shutdowns = 0;
    installGracefulShutdown({
      app,
      shutdown: async () => {
        shutdowns += 1;
      },
      signals,
      log: silentLogger,
    });
    raise(signal);
    await tick();
    expect(shutdowns).toBe(1);
    expect(record.quitted).toBe(true);
  });

  it('quits anyway when shutdown fails or hangs', async () => {
    const failing = standInApp();
    installGracefulShutdown({
      app: failing.app,
      shutdown: () => Promise.reject(new Error('boom')),
      signals: standInSignals().signals,
      log: silentLogger,
    });
    failing.app.quit();
    await tick();
    expect(failing.record.quitted).toBe(true);

    const hanging = standInApp();
    installGracefulShutdown({
      app: hanging.app,
      shutdown: () => new Promise(() => {}),
      signals: standInSignals().signals,
      log: silentLogger,
      timeoutMs: 20,
    });
    hanging.app.quit();
    await new Promise((r) => setTimeout(r, 60));
    expect(hanging.record.quitted).toBe(true);
  });
});
