/**
 * The thing picker's requests: listThings for the picked source and the filters as typed
 * (debounced, so a burst of keystrokes is one search), and "load more" with AWS's page
 * token. Answers land in the things store under the key of the query they answer, so a
 * late answer to an older search is dropped there.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RequestInput } from '../../../src-main/ipc/contract.js';
import { useApi } from '../api/api-context';
import { toShownError } from '../lib/app-error';
import type { ResolvedSource } from '../lib/aws-source';
import { parseThingQuery, type ParsedThingQuery } from '../lib/thing-query';
import { useThingsStore } from '../stores/things-store';

export const SEARCH_DELAY_MS = 300;
/** Things per page: a screenful or two, well under ListThings' 250. */
export const THINGS_PER_PAGE = 50;

export interface ThingSearch {
  readonly parsed: ParsedThingQuery;
  /** The key of the query the picker should show, or null while none can be asked. */
  readonly queryKey: string | null;
  loadMore(): void;
  refresh(): void;
}

export function useThingSearch(resolved: ResolvedSource): ThingSearch {
  const api = useApi();
  const filters = useThingsStore((state) => state.filters);
  const parsed = useMemo(() => parseThingQuery(filters), [filters]);
  const queryKey = resolved.ok && parsed.ok ? `${resolved.key} ${parsed.key}` : null;
  const [nonce, setNonce] = useState(0);
  const lastNonce = useRef(nonce);
  const input = useMemo<RequestInput<'listThings'> | null>(
    () =>
      resolved.ok && parsed.ok
        ? { source: resolved.source, ...parsed.query, maxResults: THINGS_PER_PAGE }
        : null,
    [resolved, parsed],
  );

  useEffect(() => {
    if (queryKey === null || input === null) return;
    const store = useThingsStore.getState();
    const refreshing = lastNonce.current !== nonce;
    lastNonce.current = nonce;
    // Coming back to the view finds the list as it was; only a new query or a refresh asks.
    // ('loading' is asked again: the view may have left before its request went out.)
    const settled = store.status === 'ready' || store.status === 'loading-more';
    if (!refreshing && store.queryKey === queryKey && settled) return;
    store.begin(queryKey, false);
    const timer = setTimeout(
      () => {
        api.listThings(input).then(
          (page) => useThingsStore.getState().receive(queryKey, page, false),
          (error: unknown) => useThingsStore.getState().fail(queryKey, toShownError(error)),
        );
      },
      refreshing ? 0 : SEARCH_DELAY_MS,
    );
    return () => clearTimeout(timer);
  }, [api, input, queryKey, nonce]);

  const loadMore = useCallback(() => {
    const store = useThingsStore.getState();
    if (input === null || store.nextToken === null || store.queryKey === null) return;
    if (store.status === 'loading' || store.status === 'loading-more') return;
    const key = store.queryKey;
    store.begin(key, true);
    api.listThings({ ...input, nextToken: store.nextToken }).then(
      (page) => useThingsStore.getState().receive(key, page, true),
      (error: unknown) => useThingsStore.getState().fail(key, toShownError(error)),
    );
  }, [api, input]);

  const refresh = useCallback(() => setNonce((n) => n + 1), []);
  return { parsed, queryKey, loadMore, refresh };
}
