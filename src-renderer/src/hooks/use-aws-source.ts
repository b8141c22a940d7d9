/**
 * The source picker's requests: the profiles main reads from ~/.aws (and the environment),
 * and the identity of the source picked (GetCallerIdentity), asked again whenever the
 * source changes. A region being typed is waited for (debounced), and an answer about a
 * source that is no longer picked is dropped.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '../api/api-context';
import { toShownError } from '../lib/app-error';
import type { ResolvedSource } from '../lib/aws-source';
import { resolveSource } from '../lib/resolve-source';
import { useSourceStore } from '../stores/source-store';

export const IDENTITY_DELAY_MS = 400;

/** Codes that say the source's credentials do not work (not that one request failed). */
export { CREDENTIAL_ERROR_CODES as CREDENTIAL_ERRORS } from '../../../src-main/ipc/app-error.js';

/** The picked source as the contract's AwsSource, or what is missing. */
export function useResolvedSource(): ResolvedSource {
  const choice = useSourceStore((state) => state.choice);
  const profiles = useSourceStore((state) => state.profiles);
  return useMemo(() => resolveSource(choice, profiles), [choice, profiles]);
}

/** Loads the profiles once per mount; `reload` reads ~/.aws again (after `aws configure`). */
export function useProfiles(): { readonly reload: () => void } {
  const api = useApi();
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let current = true;
    api.listProfiles().then(
      (profiles) => current && useSourceStore.getState().setProfiles(profiles),
      (error: unknown) =>
        current && useSourceStore.getState().setProfilesError(toShownError(error)),
    );
    return () => {
      current = false;
    };
  }, [api, nonce]);
  return { reload: useCallback(() => setNonce((n) => n + 1), []) };
}

/** Asks who the picked source's credentials are, each time the source changes. */
export function useIdentity(resolved: ResolvedSource): { readonly retry: () => void } {
  const api = useApi();
  const [nonce, setNonce] = useState(0);
  const lastNonce = useRef(nonce);
  const key = resolved.ok ? resolved.key : null;
  const source = resolved.ok ? resolved.source : null;
  useEffect(() => {
    const store = useSourceStore.getState();
    if (key === null || source === null) {
      store.setIdentity({ status: 'idle' });
      return;
    }
    let current = true;
    const retrying = lastNonce.current !== nonce;
    lastNonce.current = nonce;
    // Asked again on each visit (an SSO session may have ended meanwhile), but what is known
    // of this very source stays on screen until the answer, unless the operator retries.
    const known = store.identity.status !== 'idle' && store.identity.key === key;
    if (retrying || !known) store.setIdentity({ status: 'loading', key });
    // The sandbox answers at once; an AWS region may still be being typed.
    const timer = setTimeout(
      () => {
        api.getIdentity({ source }).then(
          (identity) =>
            current && useSourceStore.getState().setIdentity({ status: 'ok', key, identity }),
          (error: unknown) =>
            current &&
            useSourceStore
              .getState()
              .setIdentity({ status: 'error', key, error: toShownError(error) }),
        );
      },
      source.kind === 'sandbox' ? 0 : IDENTITY_DELAY_MS,
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `source` is described by `key`: a new object with the same key is the same source.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, nonce]);
  return { retry: useCallback(() => setNonce((n) => n + 1), []) };
}
