/**
 * The one place where what main pushes meets the stores: every event maps to a store
 * action here, and the initial requests seed the same stores. Subscribing comes before
 * seeding so nothing said in between is missed; a seed that answers after a push does not
 * overwrite the newer push.
 */
import { useEffect } from 'react';
import type { SessionView, TunnelDeskApi } from '../../../src-main/ipc/contract.js';
import { useConnectionStore } from '../stores/connection-store';
import { useLogsStore } from '../stores/logs-store';
import { useSessionsStore } from '../stores/sessions-store';
import { useSettingsStore } from '../stores/settings-store';
import { useStatsStore } from '../stores/stats-store';

function applySessions(sessions: readonly SessionView[]): void {
  useSessionsStore.getState().replace(sessions);
  useStatsStore.getState().retainSessions(sessions);
}

/** Wires pushes to stores and seeds them; returns the function that unwires. */
export function connectStores(api: TunnelDeskApi): () => void {
  let sessionsPushed = false;
  let settingsPushed = false;
  let stopped = false;
  const unsubscribe = [
    api.onSessions((sessions) => {
      sessionsPushed = true;
      applySessions(sessions);
    }),
    api.onStats((snapshot) => useStatsStore.getState().applySnapshot(snapshot)),
    api.onLogs((entries) => useLogsStore.getState().append(entries)),
    api.onSettings((settings) => {
      settingsPushed = true;
      useSettingsStore.getState().replace(settings);
    }),
  ];

  // A failed seed needs no message of its own: a dropped transport shows its own banner.
  const ignore = () => {};
  api
    .getAppInfo()
    .then((info) => !stopped && useConnectionStore.getState().setAppInfo(info))
    .catch(ignore);
  api
    .listSessions()
    .then((sessions) => !stopped && !sessionsPushed && applySessions(sessions))
    .catch(ignore);
  api
    .getSettings()
    .then(
      (settings) => !stopped && !settingsPushed && useSettingsStore.getState().replace(settings),
    )
    .catch(ignore);
  api
    .getLogs()
    .then((entries) => !stopped && useLogsStore.getState().append(entries))
    .catch(ignore);

  return () => {
    stopped = true;
    for (const stop of unsubscribe) stop();
  };
}

export function usePushEvents(api: TunnelDeskApi): void {
  useEffect(() => connectStores(api), [api]);
}
