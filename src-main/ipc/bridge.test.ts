/**
 * The renderer's client over a bridge: answers unwrapped into values, error replies into
 * AppErrors with every fact kept, events passed through, each request on its contract
 * channel. It checks nothing itself: main does, before anything leaves (app/dispatch.ts).
 */
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { bridgeFrom, createClient } from './bridge.js';
import { events, requests, type Reply } from './contract.js';

function over(answer: (channel: string, input: unknown) => Reply) {
  const asked: [string, unknown][] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const api = createClient(
    bridgeFrom(
      (channel, input) => {
        asked.push([channel, input]);
        return Promise.resolve(answer(channel, input));
      },
      (channel, listener) => {
        listeners.set(channel, listener);
        return () => listeners.delete(channel);
      },
    ),
  );
  return { api, asked, listeners };
}

describe('the client', () => {
  it("sends every request of the contract on the contract's channel, with its input", async () => {
    const { api, asked } = over(() => ({ ok: true, value: undefined }));
    for (const name of Object.keys(requests) as (keyof typeof requests)[]) {
      await (api[name] as (input: unknown) => Promise<unknown>)({ of: name });
    }
    expect(asked).toEqual(
      Object.entries(requests).map(([name, spec]) => [spec.channel, { of: name }]),
    );
  });

  it('resolves with the value main answered', async () => {
    const sessions = [{ id: 'one' }];
    const { api } = over(() => ({ ok: true, value: sessions }));
    expect(await api.listSessions()).toBe(sessions);
  });

  it('throws an error reply as an AppError with its code, field, command and action', async () => {
    const { api } = over(() => ({
      ok: false,
      error: {
        code: 'sso-expired',
        message: 'the SSO session of profile ops has expired',
        field: 'source',
        command: 'aws sso login --profile ops',
        action: null,
      },
    }));
    const thrown = await api.listThings({ source: { kind: 'sandbox' } }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({
      code: 'sso-expired',
      message: 'the SSO session of profile ops has expired',
      field: 'source',
      command: 'aws sso login --profile ops',
      action: null,
    });
  });

  it("subscribes to each event on the contract's channel, until unsubscribed", () => {
    const { api, listeners } = over(() => ({ ok: true, value: undefined }));
    const heard: unknown[] = [];
    const stop = api.onLogs((entries) => heard.push(entries));
    expect([...listeners.keys()]).toEqual([events.logs.channel]);
    listeners.get(events.logs.channel)!([{ seq: 1 }]);
    expect(heard).toEqual([[{ seq: 1 }]]);
    stop();
    expect(listeners.size).toBe(0);
  });
});
