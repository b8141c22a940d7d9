import { beforeEach, describe, expect, it } from 'vitest';
import type { ThingInfo } from '../../../src-main/ipc/contract.js';
import { resetThingsStore, useThingsStore } from './things-store';

const thing = (thingName: string): ThingInfo => ({
  thingName,
  thingTypeName: null,
  thingArn: null,
  attributes: {},
});
const state = () => useThingsStore.getState();

describe('the things store', () => {
  beforeEach(resetThingsStore);

  it('drops an answer to a query that is no longer the current one', () => {
    state().begin('sandbox {"namePrefix":"g"}', false);
    state().begin('sandbox {"namePrefix":"gw"}', false);
    state().receive(
      'sandbox {"namePrefix":"g"}',
      { things: [thing('g1')], nextToken: null },
      false,
    );
    expect(state().things).toEqual([]);
    expect(state().status).toBe('loading');
    state().receive(
      'sandbox {"namePrefix":"gw"}',
      { things: [thing('gw1')], nextToken: 't' },
      false,
    );
    expect(state().things.map((t) => t.thingName)).toEqual(['gw1']);
    expect(state().nextToken).toBe('t');
    state().fail('sandbox {"namePrefix":"g"}', { code: 'throttled', message: 'late', field: null });
    expect(state().status).toBe('ready');
  });

  it('appends the next page once per thing, and keeps rows while the same query refreshes', () => {
    state().begin('q', false);
    state().receive('q', { things: [thing('a'), thing('b')], nextToken: 't' }, false);
    state().begin('q', true);
    expect(state().status).toBe('loading-more');
    state().receive('q', { things: [thing('b'), thing('c')], nextToken: null }, true);
    expect(state().things.map((t) => t.thingName)).toEqual(['a', 'b', 'c']);
    state().begin('q', false);
    expect(state().things).toHaveLength(3);
    state().begin('other', false);
    expect(state().things).toEqual([]);
  });
});
