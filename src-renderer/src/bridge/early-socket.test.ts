import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultIpcUrl } from './ipc-url';

/** Records the sockets the script opens instead of connecting. */
class RecordingSocket {
  static opened: string[] = [];
  constructor(readonly url: string) {
    RecordingSocket.opened.push(url);
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
  delete window.tunneldeskEarlySocket;
  RecordingSocket.opened = [];
});

describe('early-socket', () => {
  it("opens one socket to the app's IPC URL and leaves it for the app", async () => {
    vi.stubGlobal('WebSocket', RecordingSocket);
    await import('./early-socket');
    expect(RecordingSocket.opened).toEqual([defaultIpcUrl(window.location)]);
    expect(window.tunneldeskEarlySocket).toBeInstanceOf(RecordingSocket);
  });

  it('opens none once the app has opened its own (the slot is taken)', async () => {
    vi.stubGlobal('WebSocket', RecordingSocket);
    window.tunneldeskEarlySocket = null;
    await import('./early-socket');
    expect(RecordingSocket.opened).toEqual([]);
  });

  it("opens none in Electron, where the preload's bridge is there first", async () => {
    vi.stubGlobal('WebSocket', RecordingSocket);
    vi.stubGlobal('tunneldeskBridge', {});
    await import('./early-socket');
    expect(RecordingSocket.opened).toEqual([]);
    expect(window.tunneldeskEarlySocket).toBeUndefined();
  });
});
