import { describe, expect, it } from 'vitest';
import { createClient } from '../../../src-main/ipc/bridge.js';
import { AppError } from '../../../src-main/ipc/contract.js';
import { defaultIpcUrl, webBridge, type TransportStatus } from './web-bridge';

/** A WebSocket stand-in the test drives by hand: what the page sends, what the server says. */
class FakeSocket extends EventTarget {
  readyState = 0;
  readonly sent: unknown[] = [];
  constructor(readonly url: string) {
    super();
  }
  send(text: string) {
    if (this.readyState !== 1) throw new Error('send before open');
    this.sent.push(JSON.parse(text));
  }
  open() {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  receive(frame: unknown) {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(frame) }));
  }
  drop(reason = '') {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { reason, wasClean: false }));
  }
}

/**
 * A bridge over a FakeSocket; `before` runs on the socket before the bridge takes it (one
 * that opened, or closed, first: early-socket.ts).
 */
function setup(before?: (socket: FakeSocket) => void) {
  let socket: FakeSocket | undefined;
  const statuses: TransportStatus[] = [];
  const bridge = webBridge({
    url: 'ws://127.0.0.1:9/ipc',
    createSocket: (url) => {
      socket = new FakeSocket(url);
      before?.(socket);
      return socket as unknown as WebSocket;
    },
    onStatus: (status) => statuses.push(status),
  });
  return { api: createClient(bridge), socket: socket!, statuses };
}

const appInfo = { version: '1.2.3', runtime: 'web', platform: 'linux', secretStorage: 'memory' };

describe('webBridge', () => {
  it('builds the IPC URL from the page: wss for https pages', () => {
    expect(defaultIpcUrl({ protocol: 'https:', host: 'h:1' })).toBe('wss://h:1/ipc');
    expect(defaultIpcUrl({ protocol: 'http:', host: '127.0.0.1:5' })).toBe('ws://127.0.0.1:5/ipc');
  });

  it('queues requests until the socket opens, then sends them in order', async () => {
    const { api, socket, statuses } = setup();
    const info = api.getAppInfo();
    const sessions = api.listSessions();
    expect(socket.sent).toEqual([]);
    socket.open();
    expect(socket.sent).toEqual([
      { kind: 'request', id: 1, channel: 'renderer:get-app-info' },
      { kind: 'request', id: 2, channel: 'renderer:list-sessions' },
    ]);
    socket.receive({ kind: 'reply', id: 2, reply: { ok: true, value: [] } });
    socket.receive({ kind: 'reply', id: 1, reply: { ok: true, value: appInfo } });
    await expect(info).resolves.toEqual(appInfo);
    await expect(sessions).resolves.toEqual([]);
    expect(statuses.map((s) => s.kind)).toEqual(['connecting', 'open']);
  });

  it('takes over a socket that opened before it (early-socket.ts) and sends at once', async () => {
    const { api, socket: early, statuses } = setup((socket) => socket.open());
    expect(statuses.map((s) => s.kind)).toEqual(['connecting', 'open']);
    const info = api.getAppInfo();
    expect(early.sent).toEqual([{ kind: 'request', id: 1, channel: 'renderer:get-app-info' }]);
    early.receive({ kind: 'reply', id: 1, reply: { ok: true, value: appInfo } });
    await expect(info).resolves.toEqual(appInfo);
  });

  it('says the connection dropped when the socket it takes over has closed already', async () => {
    const { api, statuses } = setup((socket) => socket.drop());
    expect(statuses.at(-1)).toEqual({ kind: 'disconnected', reason: 'the connection dropped' });
    await expect(api.getAppInfo()).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('resolves a request with no output, whose answer JSON carries without a value', async () => {
    const { api, socket } = setup();
    socket.open();
    const closing = api.closeSession({ sessionId: 's1' });
    // What the server's JSON.stringify makes of { ok: true, value: undefined }.
    socket.receive({ kind: 'reply', id: 1, reply: { ok: true } });
    await expect(closing).resolves.toBeUndefined();
  });

  it('turns an error reply into an AppError with its field', async () => {
    const { api, socket } = setup();
    socket.open();
    const reply = api.reconnectNow({ sessionId: 'nope' });
    socket.receive({
      kind: 'reply',
      id: 1,
      reply: {
        ok: false,
        error: {
          code: 'not-found',
          message: 'no tunnel',
          field: 'sessionId',
          command: null,
          action: null,
        },
      },
    });
    await expect(reply).rejects.toMatchObject({ code: 'not-found', field: 'sessionId' });
  });

  it('delivers events to every subscriber until it unsubscribes', () => {
    const { api, socket } = setup();
    socket.open();
    const seen: number[] = [];
    const stop = api.onLogs((entries) => seen.push(entries.length));
    const entry = { seq: 1, time: 1, level: 4, scope: 'app', message: 'hi' };
    socket.receive({ kind: 'event', channel: 'main:logs', payload: [entry] });
    stop();
    socket.receive({ kind: 'event', channel: 'main:logs', payload: [entry, entry] });
    expect(seen).toEqual([1]);
  });

  it('ignores frames that are not JSON or not in the protocol', () => {
    const { api, socket } = setup();
    socket.open();
    const seen: unknown[] = [];
    api.onSettings((settings) => seen.push(settings));
    socket.dispatchEvent(new MessageEvent('message', { data: '{not json' }));
    socket.receive({ kind: 'surprise' });
    expect(seen).toEqual([]);
  });

  it('on close rejects pending requests, refuses new ones and reports disconnected', async () => {
    const { api, socket, statuses } = setup();
    socket.open();
    const pending = api.listSessions();
    socket.drop('server stopped');
    await expect(pending).rejects.toBeInstanceOf(AppError);
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    await expect(api.getLogs()).rejects.toThrow(/disconnected from TunnelDesk/);
    expect(statuses.at(-1)).toEqual({ kind: 'disconnected', reason: 'server stopped' });
  });

  it('rejects requests queued before a socket that never opened closed', async () => {
    const { api, socket } = setup();
    const queued = api.getSettings();
    socket.drop();
    await expect(queued).rejects.toMatchObject({ code: 'disconnected' });
    expect(socket.sent).toEqual([]);
  });
});

describe('webBridge taking over what early-socket.ts started', () => {
  const info = { kind: 'request', id: 1, channel: 'renderer:get-app-info' } as const;
  const list = { kind: 'request', id: 2, channel: 'renderer:list-sessions' } as const;
  const entry = { seq: 1, time: 1, level: 4, scope: 'app', message: 'hi' };

  /** An early start whose socket opened and sent its two requests; `messages` came since. */
  function takeOver(messages: unknown[]) {
    const socket = new FakeSocket('ws://127.0.0.1:9/ipc');
    socket.open();
    socket.send(JSON.stringify(info));
    socket.send(JSON.stringify(list));
    let stopped = false;
    const bridge = webBridge({
      early: {
        socket: socket as unknown as WebSocket,
        requests: [info, list].map(({ id, channel }) => ({ id, channel })),
        messages: messages.map((m) => JSON.stringify(m)),
        stop: () => (stopped = true),
      },
    });
    return { api: createClient(bridge), socket, stopped: () => stopped };
  }

  it("answers the app's first requests on those channels with what main said meanwhile, without asking again", async () => {
    const { api, socket, stopped } = takeOver([
      { kind: 'reply', id: 2, reply: { ok: true, value: [] } },
      { kind: 'reply', id: 1, reply: { ok: true, value: appInfo } },
    ]);
    expect(stopped()).toBe(true);
    await expect(api.getAppInfo()).resolves.toEqual(appInfo);
    await expect(api.listSessions()).resolves.toEqual([]);
    expect(socket.sent).toEqual([info, list]);
    // Once taken, an answer is not given twice: the next request asks, with an id of its own.
    const again = api.getAppInfo();
    expect(socket.sent.at(-1)).toEqual({ ...info, id: 3 });
    socket.receive({
      kind: 'reply',
      id: 3,
      reply: { ok: true, value: { ...appInfo, version: '2' } },
    });
    await expect(again).resolves.toMatchObject({ version: '2' });
  });

  it('settles them with an answer that comes after the takeover', async () => {
    const { api, socket } = takeOver([]);
    const sessions = api.listSessions();
    socket.receive({ kind: 'reply', id: 2, reply: { ok: true, value: [] } });
    await expect(sessions).resolves.toEqual([]);
    expect(socket.sent).toEqual([info, list]);
  });

  it('fails them as any request when the socket drops before main answered', async () => {
    const { api, socket } = takeOver([]);
    socket.drop('server stopped');
    await expect(api.getAppInfo()).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('gives the events that came before anyone listened, in order, to the first listener of their channel', async () => {
    const { api, socket } = takeOver([
      { kind: 'event', channel: 'main:logs', payload: [entry] },
      { kind: 'event', channel: 'main:logs', payload: [entry, entry] },
    ]);
    const first: number[] = [];
    const second: number[] = [];
    api.onLogs((entries) => first.push(entries.length));
    api.onLogs((entries) => second.push(entries.length));
    expect(first).toEqual([]); // after the subscription returns, as a later event would come
    await Promise.resolve();
    socket.receive({ kind: 'event', channel: 'main:logs', payload: [entry, entry, entry] });
    expect(first).toEqual([1, 2, 3]);
    expect(second).toEqual([3]);
  });
});
