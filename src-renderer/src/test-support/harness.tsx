/**
 * What renderer tests share: a launcher that records instead of launching, fresh stores,
 * a layout for the virtualizer (jsdom measures every element as 0×0), and a render helper
 * that gives components the client. Tests build the real app themselves (see *.test.tsx).
 */
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { TunnelDeskApi } from '../../../src-main/ipc/contract.js';
import { ApiContext } from '../api/api-context';
import { useConnectionStore } from '../stores/connection-store';
import { useLogsStore } from '../stores/logs-store';
import { useSessionsStore } from '../stores/sessions-store';
import { useSettingsStore } from '../stores/settings-store';
import { resetSourceStore } from '../stores/source-store';
import { resetStatsStore } from '../stores/stats-store';
import { resetThingsStore } from '../stores/things-store';
import { useUiStore } from '../stores/ui-store';

export interface RecordedLaunches {
  readonly opened: string[];
  readonly spawned: { program: string; args: readonly string[] }[];
}

/**
 * The app's `launch` dependency for tests: launching a browser or a terminal cannot happen
 * in a test (no display, and it would escape the test), so each call is recorded instead,
 * and every program "exists" at a fake path.
 */
export function recordingLauncher() {
  const launches: RecordedLaunches = { opened: [], spawned: [] };
  const launch = {
    platform: 'linux' as const,
    openExternal: async (url: string) => {
      launches.opened.push(url);
    },
    spawnDetached: async (program: string, args: readonly string[]) => {
      launches.spawned.push({ program, args });
    },
    findProgram: (name: string) => `/fake/bin/${name}`,
  };
  return { launch, launches };
}

/** The options every test app is built with. */
export function testAppOptions(launch: ReturnType<typeof recordingLauncher>['launch']) {
  return {
    runtime: 'web' as const,
    version: 'test',
    launch,
    statsIntervalMs: 100,
  };
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
