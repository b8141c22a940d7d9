/**
 * What the preload exposes is exactly the contract: one function per request channel and
 * one `on...` per event channel, each channel once, nothing else (no generic invoke), and
 * listeners never see the IpcRendererEvent. A plain object stands in for ipcRenderer,
 * which exists only inside an Electron renderer.
 */
import { describe, expect, it } from 'vitest';
import { eventMethodName, events, requests, type EventName } from '../ipc/contract.js';
import { preloadBridge, type RendererIpc } from './preload-bridge.js';

/** Stands in for ipcRenderer: records every call, and can emit like main would. */
function standInIpc() {
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc: RendererIpc = {
    invoke: async (channel, ...args) => {
      invoked.push({ channel, args });
      return { ok: true, value: null };
    },
    on: (channel, listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    removeListener: (channel, listener) => {
      listeners.get(channel)?.delete(listener);
    },
  };
  const ipcEvent = { sender: { send: 'the ipcRenderer itself' }, senderId: 0 };
  const emit = (channel: string, payload: unknown) => {
    for (const listener of listeners.get(channel) ?? []) listener(ipcEvent, payload);
  };
  return { ipc, invoked, listeners, emit };
}

const requestChannels = Object.values(requests).map((spec) => spec.channel);
const eventChannels = Object.values(events).map((spec) => spec.channel);

describe('the preload bridge', () => {
  it('has one function per request and per event of the contract, and nothing else', () => {
    const bridge = preloadBridge(standInIpc().ipc);
    const expected = [
      ...Object.keys(requests),
      ...Object.keys(events).map((name) => eventMethodName(name as EventName)),
    ].sort();
    expect(Object.keys(bridge).sort()).toEqual(expected);
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(bridge).not.toHaveProperty('invoke');
    expect(bridge).not.toHaveProperty('send');
    expect(bridge).not.toHaveProperty('on');
  });

  it('invokes every request channel of the contract exactly once, and no other', async () => {
    const { ipc, invoked } = standInIpc();
    const bridge = preloadBridge(ipc) as unknown as Record<
      string,
      (input: unknown) => Promise<unknown>
    >;
    for (const name of Object.keys(requests)) await bridge[name]!({ probe: name });
    const channels = invoked.map((call) => call.channel);
    expect(new Set(channels).size).toBe(channels.length);
    expect([...channels].sort()).toEqual([...requestChannels].sort());
  });

  it('sends the input as the one argument of its own channel', async () => {
    const { ipc, invoked } = standInIpc();
    await preloadBridge(ipc).closeSession({ sessionId: 'abc' });
    expect(invoked).toEqual([
      { channel: requests.closeSession.channel, args: [{ sessionId: 'abc' }] },
    ]);
  });

  it('listens on every event channel of the contract exactly once, and no other', () => {
    const { ipc, listeners } = standInIpc();
    const bridge = preloadBridge(ipc) as unknown as Record<string, (l: () => void) => () => void>;
    for (const name of Object.keys(events)) bridge[eventMethodName(name as EventName)]!(() => {});
    expect([...listeners.keys()].sort()).toEqual([...eventChannels].sort());
    for (const set of listeners.values()) expect(set.size).toBe(1);
  });

  it('hands a listener the payload alone, never the IPC event', () => {
    const { ipc, emit } = standInIpc();
    const received: unknown[][] = [];
    preloadBridge(ipc).onSettings((...args: unknown[]) => received.push(args));
    emit(events.settings.channel, { theme: 'dark' });
    expect(received).toEqual([[{ theme: 'dark' }]]);
  });

  it('returns an unsubscribe function that removes exactly that listener', () => {
    const { ipc, emit, listeners } = standInIpc();
    const bridge = preloadBridge(ipc);
    const first: unknown[] = [];
    const second: unknown[] = [];
    const stopFirst = bridge.onLogs((p) => first.push(p));
    bridge.onLogs((p) => second.push(p));
    stopFirst();
    emit(events.logs.channel, []);
    expect(first).toEqual([]);
    expect(second).toEqual([[]]);
    expect(listeners.get(events.logs.channel)!.size).toBe(1);
  });
});
