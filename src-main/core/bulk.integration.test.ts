/**
 * 256 MiB each way through TLS and a service that re-chunks the byte stream at random
 * WebSocket message sizes: every byte must arrive, in order (hash compared end to end).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  connect,
  hashAll,
  sendAndHash,
  startHashServer,
  startSourceOfBytes,
  patternHash,
  type Closable,
} from './test-support/local-servers.js';
import { startHarness } from './test-support/tunnel-harness.js';

const MiB = 1024 * 1024;
const SIZE = 256 * MiB;
const cleanup: Closable[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!.close();
});

describe('bulk transfer', () => {
  it(
    'moves 256 MiB each way byte-exact with the service re-chunking',
    { timeout: 240_000 },
    async () => {
      const upload = await startHashServer();
      const download = await startSourceOfBytes(SIZE);
      cleanup.push(upload, download);
      const tunnel = await startHarness({
        services: ['UP', 'DOWN'],
        targets: { UP: upload.port, DOWN: download.port },
        rechunk: true,
      });
      cleanup.push(tunnel);

      const downloading = connect(tunnel.port('DOWN')).then(hashAll);
      const uploaded = await sendAndHash(tunnel.port('UP'), SIZE);
      const downloaded = await downloading;

      expect(uploaded).toBe(patternHash(SIZE));
      expect(downloaded.bytes).toBe(SIZE);
      expect(downloaded.sha256).toBe(download.sha256);
      // memory stayed bounded: nothing held the whole transfer
      expect(process.memoryUsage().rss).toBeLessThan(1024 * MiB);
    },
  );
});
