/**
 * Fair sharing of a capped tunnel: an interactive connection (64-byte echoes, one at a time)
 * beside two bulk transfers that fill both directions of a service capped at 400 KB/s each
 * way. The source proxy sends the echoes out beside the bulk upload, the destination agent
 * sends them back beside the bulk download, so both senders' schedulers are on trial.
 *
 * Measured in bytes, not time: how many bulk bytes the service delivered between sending
 * an echo and getting it back. Queued behind the bulk transfers in arrival order, an echo
 * waits for megabytes; fairly scheduled, for about one window (tens of kilobytes).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connect,
  startCountingSink,
  startEchoServer,
  waitFor,
  type Closable,
} from './test-support/local-servers.js';
import { startHarness } from './test-support/tunnel-harness.js';

const RATE = 400_000;
const ECHOES = 20;
const KB = 1000;

const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

/** Writes to a socket as fast as it takes them, counting what it accepted. */
function flood(socket: net.Socket): { written: () => number } {
  let written = 0;
  const block = Buffer.alloc(64 * 1024, 0x62);
  const pump = (): void => {
    while (!socket.destroyed) {
      written += block.length;
      if (!socket.write(block)) return;
    }
  };
  socket.on('drain', pump);
  pump();
  return { written: () => written };
}

/** A server that floods every connection (the bulk download's far end). */
async function startFirehose(): Promise<Closable & { port: number; written: () => number }> {
  const sockets = new Set<net.Socket>();
  let total = () => 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    total = flood(socket).written;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    written: () => total(),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('fair sharing of a capped tunnel', () => {
  it(
    'gets every interactive echo through while bulk transfers fill both directions',
    { timeout: 60_000 },
    async () => {
      const echo = await startEchoServer();
      const sink = await startCountingSink();
      const firehose = await startFirehose();
      cleanup.push(echo, sink, firehose);
      const tunnel = await startHarness({
        services: ['ECHO', 'UP', 'DOWN'],
        targets: { ECHO: echo.port, UP: sink.port, DOWN: firehose.port },
        rate: RATE,
      });
      cleanup.push(tunnel);

      const up = await connect(tunnel.port('UP'));
      const uploading = flood(up);
      const down = await connect(tunnel.port('DOWN'));
      let downloaded = 0;
      down.on('data', (chunk: Buffer) => (downloaded += chunk.length));
      cleanup.push({ close: async () => void (up.destroy(), down.destroy()) });
      // Both directions full, with a backlog far bigger than any window behind them.
      await waitFor(() => sink.bytes() > 200 * KB && downloaded > 200 * KB, 20_000, 'bulk');

      const interactive = await connect(tunnel.port('ECHO'));
      cleanup.push({ close: async () => void interactive.destroy() });
      let echoed = 0;
      interactive.on('data', (chunk: Buffer) => (echoed += chunk.length));
      const upBefore = sink.bytes();
      const downBefore = downloaded;
      const behind: { up: number; down: number; upBacklog: number; downBacklog: number }[] = [];
      for (let i = 1; i <= ECHOES; i++) {
        const up0 = sink.bytes();
        const down0 = downloaded;
        interactive.write(Buffer.alloc(64, i));
        await waitFor(() => echoed >= i * 64, 20_000, `echo ${i}`);
        behind.push({
          up: sink.bytes() - up0,
          down: downloaded - down0,
          upBacklog: uploading.written() - sink.bytes(),
          downBacklog: firehose.written() - downloaded,
        });
      }

      expect(echoed).toBe(ECHOES * 64);
      for (const echoWaited of behind) {
        // Each echo crossed both directions behind at most a window's worth of bulk bytes
        // (arrival order puts it behind megabytes) ...
        expect(echoWaited.up).toBeLessThan(256 * KB);
        expect(echoWaited.down).toBeLessThan(256 * KB);
        // ... while the bulk transfers still had far more than that waiting to go.
        expect(echoWaited.upBacklog).toBeGreaterThan(1024 * KB);
        expect(echoWaited.downBacklog).toBeGreaterThan(1024 * KB);
      }
      // And the bulk transfers kept moving meanwhile: the echoes did not stop them.
      expect(sink.bytes() - upBefore).toBeGreaterThan(100 * KB);
      expect(downloaded - downBefore).toBeGreaterThan(100 * KB);
    },
  );
});
