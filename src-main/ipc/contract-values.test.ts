/**
 * The contract's tables and the schema-free tables the renderer uses (contract-values.ts)
 * name the same requests and events on the same channels. The compiler holds this already
 * (contract.ts's `satisfies`); this holds it for the values as they run.
 */
import { describe, expect, it } from 'vitest';
import { events, requests } from './contract.js';
import { EVENT_CHANNELS, eventMethodName, REQUEST_CHANNELS } from './contract-values.js';

describe('the channels', () => {
  it('are one per request and per event, the same in both tables, and never repeated', () => {
    expect(Object.keys(REQUEST_CHANNELS)).toEqual(Object.keys(requests));
    expect(Object.keys(EVENT_CHANNELS)).toEqual(Object.keys(events));
    for (const [name, spec] of Object.entries(requests)) {
      expect(spec.channel).toBe(REQUEST_CHANNELS[name as keyof typeof REQUEST_CHANNELS]);
    }
    for (const [name, spec] of Object.entries(events)) {
      expect(spec.channel).toBe(EVENT_CHANNELS[name as keyof typeof EVENT_CHANNELS]);
    }
    const all = [...Object.values(REQUEST_CHANNELS), ...Object.values(EVENT_CHANNELS)];
    expect(new Set(all).size).toBe(all.length);
  });

  it('name event methods onX', () => {
    expect(eventMethodName('sessions')).toBe('onSessions');
    expect(eventMethodName('stats')).toBe('onStats');
  });
});
