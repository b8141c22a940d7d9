/**
 * The thing picker's state: the filters as typed, the things listed for them (page after
 * page, "load more" appends AWS's next page), and the thing picked. Kept in a store so that
 * leaving the Devices view and coming back finds the same list and the same device.
 *
 * Every answer carries the key of the query it answers (source and filters); an answer to a
 * query that is no longer the current one is dropped, so a slow page cannot overwrite a
 * newer search.
 */
import { create } from 'zustand';
import type { ThingInfo } from '../../../src-main/ipc/contract.js';
import type { ShownError } from '../lib/app-error';

export interface ThingFilters {
  readonly namePrefix: string;
  readonly thingType: string;
  /** `name=value`, as typed. */
  readonly attribute: string;
}

export type ListStatus = 'idle' | 'loading' | 'loading-more' | 'ready' | 'error';

interface ThingsState {
  readonly filters: ThingFilters;
  /** The query (source and filters) the list below answers, or is being loaded for. */
  readonly queryKey: string | null;
  readonly things: readonly ThingInfo[];
  readonly nextToken: string | null;
  readonly status: ListStatus;
  readonly error: ShownError | null;
  /** The thing picked (kept whole: it may scroll out of a newer list). */
  readonly selected: ThingInfo | null;
  /** The source the pick belongs to; another source's list does not hold it. */
  readonly selectedSourceKey: string | null;
  setFilters(change: Partial<ThingFilters>): void;
  /** A new search begins: the list empties unless it is the same query again. */
  begin(queryKey: string, more: boolean): void;
  /** A page arrived for `queryKey`; ignored if that is no longer the query. */
  receive(
    queryKey: string,
    page: { things: readonly ThingInfo[]; nextToken: string | null },
    more: boolean,
  ): void;
  fail(queryKey: string, error: ShownError): void;
  select(thing: ThingInfo | null, sourceKey: string | null): void;
}

const INITIAL = {
  filters: { namePrefix: '', thingType: '', attribute: '' },
  queryKey: null,
  things: [],
  nextToken: null,
  status: 'idle',
  error: null,
  selected: null,
  selectedSourceKey: null,
} as const satisfies Partial<ThingsState>;

export const useThingsStore = create<ThingsState>()((set) => ({
  ...INITIAL,
  setFilters: (change) => set((state) => ({ filters: { ...state.filters, ...change } })),
  begin: (queryKey, more) =>
    set((state) =>
      more
        ? { status: 'loading-more', error: null }
        : {
            queryKey,
            status: 'loading',
            error: null,
            // The same query again (a refresh) keeps its rows on screen until the answer.
            ...(state.queryKey === queryKey ? {} : { things: [], nextToken: null }),
          },
    ),
  receive: (queryKey, page, more) =>
    set((state) => {
      if (state.queryKey !== queryKey) return {};
      if (!more) return { things: page.things, nextToken: page.nextToken, status: 'ready' };
      // A page may repeat a thing the previous one ended with (AWS gives no such promise
      // either way): the list shows each thing once.
      const seen = new Set(state.things.map((t) => t.thingName));
      return {
        things: state.things.concat(page.things.filter((t) => !seen.has(t.thingName))),
        nextToken: page.nextToken,
        status: 'ready',
      };
    }),
  fail: (queryKey, error) =>
    set((state) => (state.queryKey === queryKey ? { status: 'error', error } : {})),
  select: (selected, selectedSourceKey) => set({ selected, selectedSourceKey }),
}));

export function resetThingsStore(): void {
  useThingsStore.setState(INITIAL);
}
