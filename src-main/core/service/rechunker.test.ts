/**
 * The re-chunker on its own: it keeps every byte in order, cuts at seeded random sizes
 * within the WebSocket message limit, joins what arrives in one event-loop turn, and cuts
 * the same way for the same seed.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MAX_WEBSOCKET_MESSAGE_BYTES } from '../protocol/wire.js';
import { Rechunker, seededRandom } from './rechunker.js';

function stream(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >>> 8)) & 0xff;
  return bytes;
}

/** Pushes the chunks in one turn and returns the messages the re-chunker emits. */
async function cut(seed: number, chunks: Buffer[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const rechunker = new Rechunker(seed, (message) => out.push(Buffer.from(message)));
  for (const chunk of chunks) rechunker.push(chunk);
  expect(out).toEqual([]); // nothing leaves before the turn ends
  await nextTurn();
  return out;
}

describe('seededRandom', () => {
  it('repeats its sequence for a seed, stays in [0, 1) and differs between seeds', () => {
    const take = (seed: number): number[] => {
      const random = seededRandom(seed);
      return Array.from({ length: 1000 }, () => random());
    };
    const a = take(1);
    expect(take(1)).toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(take(2)).not.toEqual(a);
  });
});

describe('Rechunker', () => {
  it('emits every byte in order, in messages of 1 to 131,076 bytes', async () => {
    const bytes = stream(1_000_000);
    const out = await cut(5, [bytes.subarray(0, 400_000), bytes.subarray(400_000)]);
    expect(Buffer.concat(out).equals(bytes)).toBe(true);
    expect(out.length).toBeGreaterThan(10);
    expect(Math.min(...out.map((m) => m.length))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...out.map((m) => m.length))).toBeLessThanOrEqual(MAX_WEBSOCKET_MESSAGE_BYTES);
    // Some cuts are tiny (they split length prefixes), some are large.
    expect(out.some((m) => m.length <= 96)).toBe(true);
    expect(out.some((m) => m.length > 1000)).toBe(true);
  });

  it('joins small pushes of one turn before cutting', async () => {
    const bytes = stream(200_000);
    const pieces = Array.from({ length: 2000 }, (_, i) => bytes.subarray(i * 100, i * 100 + 100));
    const out = await cut(11, pieces);
    expect(Buffer.concat(out).equals(bytes)).toBe(true);
    // Without joining there would be at least one message per push.
    expect(out.length).toBeLessThan(pieces.length / 4);
  });

  it('cuts the same way for the same seed, and another way for another', async () => {
    const bytes = stream(600_000);
    const sizes = async (seed: number): Promise<number[]> =>
      (await cut(seed, [bytes])).map((m) => m.length);
    const first = await sizes(42);
    expect(await sizes(42)).toEqual(first);
    expect(await sizes(43)).not.toEqual(first);
  });

  it('flushes at once on demand, and emits nothing for nothing', async () => {
    const out: Buffer[] = [];
    const rechunker = new Rechunker(3, (message) => out.push(message));
    rechunker.flush();
    expect(out).toEqual([]);
    rechunker.push(Buffer.from('now'));
    rechunker.flush();
    expect(Buffer.concat(out).toString()).toBe('now');
    await nextTurn(); // the scheduled flush finds nothing left
    expect(Buffer.concat(out).toString()).toBe('now');
  });
});
