import { afterEach, describe, expect, it, vi } from 'vitest';
import { requests, type TunnelDeskApi } from '../../../src-main/ipc/contract.js';
import { connectStores } from '../hooks/use-push-events';
import { defaultIpcUrl } from './ipc-url';

/** Records the sockets the script opens, and what it sends, instead of connecting. */
class RecordingSocket extends EventTarget {
  static opened: RecordingSocket[] = [];
  readonly sent: unknown[] = [];
  constructor(readonly url: string) {
    super();
    RecordingSocket.opened.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  receive(data: string) {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
  delete window.tunneldeskEarly;
  RecordingSocket.opened = [];
});

async function runScript() {
  vi.stubGlobal('WebSocket', RecordingSocket);
  return import('./early-socket');
}

describe('early-socket', () => {
  it("opens one socket to the app's IPC URL and leaves it for the app", async () => {
    await runScript();
    expect(RecordingSocket.opened.map((s) => s.url)).toEqual([defaultIpcUrl(window.location)]);
    expect(window.tunneldeskEarly?.socket).toBe(RecordingSocket.opened[0]);
  });

  it("asks, once the socket opens, for what connectStores asks at boot, on the contract's channels", async () => {
    const { SEED_CHANNELS } = await runScript();
    const socket = RecordingSocket.opened[0]!;
    expect(socket.sent).toEqual([]);
    socket.dispatchEvent(new Event('open'));
    expect(socket.sent).toEqual(
      SEED_CHANNELS.map((channel, i) => ({ kind: 'request', id: i + 1, channel })),
    );
    expect(window.tunneldeskEarly?.requests).toEqual(
      SEED_CHANNELS.map((channel, i) => ({ id: i + 1, channel })),
    );
    // The app's own first requests, made without input: the same channels, in the same order.
    const asked: string[] = [];
    const api = new Proxy({} as TunnelDeskApi, {
      get: (_target, name: string) =>
        name.startsWith('on')
          ? () => () => {}
          : () => {
              asked.push(requests[name as keyof typeof requests].channel);
              return new Promise(() => {});
            },
    });
    connectStores(api)();
    expect(asked).toEqual([...SEED_CHANNELS]);
  });

  it('keeps what main sends until the app takes over, and nothing after', async () => {
    await runScript();
    const socket = RecordingSocket.opened[0]!;
    socket.receive('{"kind":"event","channel":"main:stats","payload":1}');
    socket.receive('{"kind":"reply","id":1,"reply":{"ok":true}}');
    window.tunneldeskEarly!.stop();
    socket.receive('{"kind":"event","channel":"main:stats","payload":2}');
    expect(window.tunneldeskEarly!.messages).toEqual([
      '{"kind":"event","channel":"main:stats","payload":1}',
      '{"kind":"reply","id":1,"reply":{"ok":true}}',
    ]);
  });

  it('opens none once the app has opened its own (the slot is taken)', async () => {
    window.tunneldeskEarly = null;
    await runScript();
    expect(RecordingSocket.opened).toEqual([]);
  });

  it("opens none in Electron, where the preload's bridge is there first", async () => {
    vi.stubGlobal('tunneldeskBridge', {});
    await runScript();
    expect(RecordingSocket.opened).toEqual([]);
    expect(window.tunneldeskEarly).toBeUndefined();
  });
});
