import { describe, expect, it } from 'vitest';
import { decodeFrameBody } from '../protocol/message.js';
import { FrameArena, WEBSOCKET_HEADROOM_BYTES } from './frame-arena.js';

const header = { streamId: 1, connectionId: 1, serviceId: Buffer.from('SSH') };
const payloadOf = (frame: Buffer): Buffer => {
  const decoded = decodeFrameBody(frame.subarray(2));
  if (decoded.kind !== 'message') throw new Error('not a message');
  return Buffer.from(decoded.message.payload);
};

describe('FrameArena', () => {
  it('leaves room for a WebSocket header before the first frame of each read', () => {
    const arena = new FrameArena();
    const frames: Buffer[] = [];
    arena.encode(header, Buffer.alloc(40_000, 1), 16_384, frames);
    expect(frames).toHaveLength(3);
    expect(arena.hasHeadroom(frames[0]!)).toBe(true);
    expect(frames[0]!.byteOffset).toBeGreaterThanOrEqual(WEBSOCKET_HEADROOM_BYTES);
    // The rest of the read lies right behind it, to leave as one message.
    expect(frames[1]!.byteOffset).toBe(frames[0]!.byteOffset + frames[0]!.length);
    expect(arena.hasHeadroom(frames[1]!)).toBe(false);
    const next: Buffer[] = [];
    arena.encode(header, Buffer.alloc(10_000, 2), 16_384, next);
    expect(next[0]!.byteOffset).toBe(
      frames[2]!.byteOffset + frames[2]!.length + WEBSOCKET_HEADROOM_BYTES,
    );
  });

  it('reuses a slab once every frame cut from it is released, and never one still in use', () => {
    const arena = new FrameArena();
    const held: Buffer[] = [];
    // Fill more than one slab; keep the first slab's frames unreleased.
    for (let i = 0; i < 4; i++) arena.encode(header, Buffer.alloc(60_000, i), 64_512, held);
    const firstSlab = held[0]!.buffer;
    const laterSlabs = new Set(held.filter((f) => f.buffer !== firstSlab).map((f) => f.buffer));
    expect(laterSlabs.size).toBeGreaterThan(0);
    const snapshot = held.map((f) => Buffer.from(f));
    // Release everything but the first slab's frames.
    for (const frame of held) if (frame.buffer !== firstSlab) arena.release(frame);
    const fresh: Buffer[] = [];
    for (let i = 0; i < 6; i++) arena.encode(header, Buffer.alloc(60_000, 9), 64_512, fresh);
    // The first slab's frames are untouched: nothing was written over them.
    held.forEach((frame, i) => {
      if (frame.buffer === firstSlab) expect(frame.equals(snapshot[i]!)).toBe(true);
    });
    expect(fresh.some((f) => f.buffer === firstSlab)).toBe(false);
    expect(fresh.some((f) => laterSlabs.has(f.buffer))).toBe(true);
    for (const frame of fresh) expect(payloadOf(frame).equals(Buffer.alloc(60_000, 9))).toBe(true);
  });

  it('ignores buffers it did not make', () => {
    const arena = new FrameArena();
    const frames: Buffer[] = [];
    arena.encode(header, Buffer.alloc(20_000, 3), 64_512, frames);
    arena.release(Buffer.alloc(100));
    const before = Buffer.from(frames[0]!);
    arena.encode(header, Buffer.alloc(20_000, 4), 64_512, []);
    expect(frames[0]!.equals(before)).toBe(true);
  });
});
