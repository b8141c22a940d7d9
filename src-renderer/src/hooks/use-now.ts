/**
 * A shared clock for countdowns and ages: one timer per period for the whole window, not
 * one per row, and none at all while nothing shows a time.
 */
import { useSyncExternalStore } from 'react';

interface Ticker {
  readonly subscribe: (onChange: () => void) => () => void;
  readonly now: () => number;
}

const tickers = new Map<number, Ticker>();

function createTicker(periodMs: number): Ticker {
  const listeners = new Set<() => void>();
  let now = Date.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    now: () => now,
    subscribe: (onChange) => {
      listeners.add(onChange);
      if (timer === undefined) {
        now = Date.now();
        timer = setInterval(() => {
          now = Date.now();
          for (const listener of listeners) listener();
        }, periodMs);
      }
      return () => {
        listeners.delete(onChange);
        if (listeners.size === 0) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
  };
}

function tickerFor(periodMs: number): Ticker {
  let ticker = tickers.get(periodMs);
  if (!ticker) tickers.set(periodMs, (ticker = createTicker(periodMs)));
  return ticker;
}

export function useNow(periodMs = 1_000): number {
  const ticker = tickerFor(periodMs);
  return useSyncExternalStore(ticker.subscribe, ticker.now);
}
