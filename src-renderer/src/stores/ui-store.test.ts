import { describe, expect, it } from 'vitest';
import { hashFromRoute, routeFromHash } from './ui-store';

describe('routes in the URL hash', () => {
  it('round-trips every view', () => {
    for (const route of [
      { view: 'tunnels', sessionId: null },
      { view: 'tunnels', sessionId: 'ab12cd34' },
      { view: 'devices' },
      { view: 'logs' },
    ] as const) {
      expect(routeFromHash(hashFromRoute(route))).toEqual(route);
    }
  });

  it('falls back to the list of tunnels for anything else', () => {
    expect(routeFromHash('')).toEqual({ view: 'tunnels', sessionId: null });
    expect(routeFromHash('#main')).toEqual({ view: 'tunnels', sessionId: null });
  });
});
