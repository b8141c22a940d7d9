/**
 * Keeps the connections store's window for one tunnel filled while a view shows it: asks
 * main for the rows around the visible ones (`api.connections`) a stats tick after each
 * answer, and at once when the view scrolls past what it holds or the filter changes. One
 * request at a time: a change while one is out is asked for when it answers. Each request
 * says which rows the view holds, and main leaves those out while its figures are the same.
 */
import { useEffect, useRef } from 'react';
import { CONNECTIONS_PAGE_MAX } from '../../../src-main/ipc/contract-values.js';
import { useApi } from '../api/api-context';
import { heldRows, useConnectionsStore, type ConnectionWindow } from '../stores/connections-store';

/** main samples every 250 ms: asking more often would get the same figures. */
export const POLL_MS = 250;
/**
 * Rows asked for above and below the rendered ones (the visible rows and the virtualizer's
 * overscan), so a scroll finds them there while it asks for more. Each row asked for costs
 * about 200 bytes four times a second; a scroll past them asks at once, and that answer
 * carries only the rows it brings in (the held ones come back as null), so a small margin
 * is enough.
 */
export const MARGIN_ROWS = 4;

/** The rows to ask for, to show rows first..last (inclusive) with margins. */
export function windowFor(first: number, last: number): { offset: number; limit: number } {
  const offset = Math.max(0, first - MARGIN_ROWS);
  const limit = Math.min(CONNECTIONS_PAGE_MAX, Math.max(1, last + MARGIN_ROWS + 1 - offset));
  return { offset, limit };
}

/** Whether the held window lacks any of rows first..last for this filter. */
export function needsRows(
  held: ConnectionWindow | undefined,
  filter: string,
  first: number,
  last: number,
): boolean {
  if (!held || held.filter !== filter) return true;
  const end = Math.min(last, held.matching - 1);
  return first < held.offset || end >= held.offset + held.rows.length;
}

export function useConnectionsWindow(
  sessionId: string,
  filter: string,
  first: number,
  last: number,
): void {
  const api = useApi();
  const wanted = useRef({ filter, first, last });
  const fetchNow = useRef<() => void>(() => {});
  // First of the effects: the others read what is wanted now.
  useEffect(() => {
    wanted.current = { filter, first, last };
  });

  useEffect(() => {
    let stopped = false;
    let inFlight = false;
    let again = false;
    let sendHeld = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetch = () => {
      if (stopped) return;
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      // The next refresh is a tick after this answer: a scroll's fetch counts as one.
      clearTimeout(timer);
      const { filter: asked, first: from, last: to } = wanted.current;
      const store = useConnectionsStore.getState();
      // Rows held that main still has as they are come back as null: a scroll between two
      // ticks costs only the rows it brings into view, a refresh only the rows that changed.
      const held = sendHeld ? heldRows(store.windows[sessionId], asked) : undefined;
      api
        .connections({ sessionId, filter: asked || undefined, ...windowFor(from, to), held })
        .then((page) => {
          if (stopped) return;
          if (!useConnectionsStore.getState().applyPage(sessionId, asked, page, held?.at)) {
            // The held rows moved on while the answer was out: ask once more, in full.
            sendHeld = false;
            again = true;
          } else {
            sendHeld = true;
          }
        })
        // A dropped transport shows its own banner; a closed tunnel has no rows to show.
        .catch(() => {})
        .finally(() => {
          inFlight = false;
          if (again) {
            again = false;
            fetch();
          } else if (!stopped) {
            timer = setTimeout(fetch, POLL_MS);
          }
        });
    };
    fetchNow.current = fetch;
    fetch();
    return () => {
      stopped = true;
      clearTimeout(timer);
      fetchNow.current = () => {};
      useConnectionsStore.getState().forget(sessionId);
    };
  }, [api, sessionId]);

  useEffect(() => {
    const held = useConnectionsStore.getState().windows[sessionId];
    if (needsRows(held, filter, first, last)) fetchNow.current();
  }, [sessionId, filter, first, last]);
}
