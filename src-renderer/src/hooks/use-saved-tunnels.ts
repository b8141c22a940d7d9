/**
 * The tunnels saved before a restart (listSavedTunnels), asked again whenever the app's
 * sessions change: a reconnect makes one a session again, and main forgets a record when
 * its tunnel is found closed or its token refused, each of which changes a session.
 */
import { useCallback, useEffect, useState } from 'react';
import type { SavedTunnel } from '../../../src-main/ipc/contract.js';
import { useApi } from '../api/api-context';
import { useSessionsStore } from '../stores/sessions-store';

/** What the sessions say that could change the saved list. */
function useSessionsSignature(): string {
  return useSessionsStore((state) =>
    state.sessions
      .map((s) => `${s.id}:${s.state.kind}:${s.tunnel?.tunnelId ?? ''}:${s.tunnel?.status ?? ''}`)
      .join(' '),
  );
}

/** null until main has answered; asked only when `enabled` (the OS keychain keeps tokens). */
export function useSavedTunnels(enabled: boolean): {
  readonly saved: readonly SavedTunnel[] | null;
  readonly refresh: () => void;
} {
  const api = useApi();
  const sessions = useSessionsSignature();
  const [nonce, setNonce] = useState(0);
  const [saved, setSaved] = useState<readonly SavedTunnel[] | null>(null);
  const refresh = useCallback(() => setNonce((n) => n + 1), []);

  useEffect(() => {
    if (!enabled) return;
    let current = true;
    // A failed list needs no message of its own: a dropped transport shows its banner.
    api.listSavedTunnels().then(
      (list) => current && setSaved(list),
      () => {},
    );
    return () => {
      current = false;
    };
    // `sessions` and `nonce` are not read: they are reasons to ask again.
  }, [api, enabled, sessions, nonce]);

  return { saved: enabled ? saved : null, refresh };
}
