import { describe, expect, it } from 'vitest';
import { pushSample } from './ring';

describe('pushSample', () => {
  it('starts a ring and keeps at most capacity samples, oldest first out', () => {
    let ring = pushSample(undefined, 1, 3);
    ring = pushSample(ring, 2, 3);
    ring = pushSample(ring, 3, 3);
    ring = pushSample(ring, 4, 3);
    expect(ring).toEqual([2, 3, 4]);
  });

  it('never mutates the ring it is given', () => {
    const ring = [1, 2];
    const next = pushSample(ring, 3, 3);
    expect(ring).toEqual([1, 2]);
    expect(next).not.toBe(ring);
  });

  it('returns the same array when a full ring of one value gets that value again', () => {
    const idle = [0, 0, 0];
    expect(pushSample(idle, 0, 3)).toBe(idle);
    expect(pushSample(idle, 5, 3)).toEqual([0, 0, 5]);
  });
});
