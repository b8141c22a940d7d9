/**
 * What renderer tests share: the real app (as main's tests build it, launching recorded
 * instead of done) with a client through the in-process bridge, fresh stores, a layout for the
 * virtualizer (jsdom measures every element as 0×0), and a render helper that gives
 * components the client.
 */
import { cleanup, render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { AppEnvironment, TunnelDeskApp } from '../../../src-main/app/app.js';
import { inProcessBridge } from '../../../src-main/app/in-process-bridge.js';
import { testApp } from '../../../src-main/app/test-support/test-environment.js';
import { createClient } from '../../../src-main/ipc/bridge.js';
import type { TunnelDeskApi } from '../../../src-main/ipc/contract.js';
import { ApiContext } from '../api/api-context';
import { useConnectionStore } from '../stores/connection-store';
import { resetConnectionsStore } from '../stores/connections-store';
import { useLogsStore } from '../stores/logs-store';
import { useSessionsStore } from '../stores/sessions-store';
import { useSettingsStore } from '../stores/settings-store';
import { resetSourceStore } from '../stores/source-store';
import { resetStatsStore } from '../stores/stats-store';
import { resetThingsStore } from '../stores/things-store';
import { useUiStore } from '../stores/ui-store';

/** Often enough that live views change within a test, seldom enough not to flood jsdom. */
const STATS_INTERVAL_MS = 100;

/** A real app for a renderer test; `launched` records what it would have opened or run. */
export function newTestApp(overrides: Partial<AppEnvironment> = {}) {
  return testApp({ statsIntervalMs: STATS_INTERVAL_MS, ...overrides });
}

/** Fresh stores, a fresh app and a client of it: the start of most renderer tests. */
export function startTestApp(overrides: Partial<AppEnvironment> = {}) {
  resetStores();
  const { app, launched } = newTestApp(overrides);
  return { app, api: createClient(inProcessBridge(app)), launched };
}

/** Unmounts what the test rendered, then shuts the app down (listeners, timers, tunnels). */
export async function stopTestApp(app: TunnelDeskApp): Promise<void> {
  cleanup();
  await app.shutdown();
}

export function resetStores(): void {
  const reset = <T,>(store: { setState(state: T, replace: true): void; getInitialState(): T }) =>
    store.setState(store.getInitialState(), true);
  reset(useConnectionStore);
  reset(useLogsStore);
  reset(useSessionsStore);
  reset(useSettingsStore);
  reset(useUiStore);
  resetStatsStore();
  resetConnectionsStore();
  resetSourceStore();
  resetThingsStore();
}

/** Gives every element a size, so virtualised lists render rows under jsdom. */
export function stubLayout(width = 1200, height = 800): () => void {
  const originals = {
    clientHeight: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight'),
    clientWidth: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth'),
    offsetHeight: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight'),
  };
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get: () => height,
  });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get: () => width,
  });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
    configurable: true,
    get: () => 22,
  });
  return () => {
    for (const [name, descriptor] of Object.entries(originals)) {
      if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
    }
  };
}

export function renderWithApi(api: TunnelDeskApi, ui: ReactElement): RenderResult {
  return render(<ApiContext value={api}>{ui}</ApiContext>);
}

/** Records the requests a component makes, and passes them on to the real client. */
export function spyOn(api: TunnelDeskApi) {
  const calls: { name: string; input: unknown }[] = [];
  const spied = new Proxy(api, {
    get(target, name: string) {
      const value = target[name as keyof TunnelDeskApi] as unknown;
      if (typeof value !== 'function' || name.startsWith('on')) return value;
      return (input: unknown) => {
        calls.push({ name, input: structuredClone(input) });
        return (value as (input: unknown) => unknown)(input);
      };
    },
  });
  return { api: spied, calls };
}
