import { describe, expect, it } from 'vitest';
import { SendScheduler, type SendSchedulerOptions } from './send-scheduler.js';

/** A flow named for the assertions; `channel` groups flows as a service channel does. */
interface TestFlow {
  readonly name: string;
  readonly channel: object;
}

const ssh = {};
const http = {};
const flow = (name: string, channel: object = http): TestFlow => ({ name, channel });

/** A piece of `size` bytes whose first byte names it in the drained order. */
function piece(label: string, size: number): Buffer {
  const buffer = Buffer.alloc(size, 0);
  buffer.write(label.padEnd(Math.min(size, 8)), 'latin1');
  return buffer;
}

const labelOf = (buffer: Buffer): string => buffer.toString('latin1', 0, 8).trim();

function scheduler(options: Partial<SendSchedulerOptions> = {}) {
  return new SendScheduler<TestFlow>({
    order: 'fair',
    quantumBytes: 16 * 1024,
    flowHighWaterBytes: 64 * 1024,
    flowLowWaterBytes: 32 * 1024,
    ...options,
  });
}

/** Takes up to `count` pieces in the scheduler's order and returns their labels. */
function drain(queue: SendScheduler<TestFlow>, count = Infinity): string[] {
  const order: string[] = [];
  while (order.length < count && queue.peek()) order.push(labelOf(queue.take()));
  return order;
}

const K = 1024;

describe('SendScheduler, fair order', () => {
  it('sends control frames before any queued data', () => {
    const queue = scheduler();
    const bulk = flow('bulk');
    queue.push(bulk, piece('b1', 8 * K));
    queue.push(bulk, piece('b2', 8 * K));
    queue.pushControl(piece('start', 20));
    queue.pushControl(piece('reset', 20));
    expect(drain(queue)).toEqual(['start', 'reset', 'b1', 'b2']);
  });

  it('peek is stable: asking twice without taking names the same piece', () => {
    const queue = scheduler();
    const a = flow('a');
    queue.push(a, piece('a1', 8 * K));
    queue.push(a, piece('a2', 8 * K));
    expect(labelOf(queue.peek()!)).toBe('a1');
    expect(labelOf(queue.peek()!)).toBe('a1');
    expect(labelOf(queue.take())).toBe('a1');
  });

  it('serves backlogged flows in turn, a quantum (16 KiB) each', () => {
    const queue = scheduler({ flowHighWaterBytes: 1 << 20 });
    const a = flow('a');
    const b = flow('b');
    for (let i = 1; i <= 6; i++) queue.push(a, piece(`a${i}`, 8 * K));
    for (let i = 1; i <= 6; i++) queue.push(b, piece(`b${i}`, 8 * K));
    expect(drain(queue)).toEqual([
      ...['a1', 'a2', 'b1', 'b2'],
      ...['a3', 'a4', 'b3', 'b4'],
      ...['a5', 'a6', 'b5', 'b6'],
    ]);
  });

  it('gives a flow with pieces bigger than the quantum its share over several rounds', () => {
    const queue = scheduler({ flowHighWaterBytes: 1 << 20 });
    const big = flow('big');
    const small = flow('small');
    for (let i = 1; i <= 3; i++) queue.push(big, piece(`B${i}`, 32 * K));
    for (let i = 1; i <= 8; i++) queue.push(small, piece(`s${i}`, 8 * K));
    // 32 KiB is two quanta: each big piece is matched by two rounds of the small flow.
    expect(drain(queue)).toEqual([
      ...['B1', 's1', 's2'],
      ...['s3', 's4', 'B2'],
      ...['s5', 's6', 's7', 's8', 'B3'],
    ]);
  });

  it("serves a connection that sends a little before the bulk flow's next quantum", () => {
    const queue = scheduler({ flowHighWaterBytes: 1 << 20 });
    const bulk = flow('bulk');
    const keys = flow('keys', ssh);
    for (let i = 1; i <= 20; i++) queue.push(bulk, piece(`b${i}`, 8 * K));
    expect(drain(queue, 3)).toEqual(['b1', 'b2', 'b3']); // the bulk flow is in its second round
    queue.push(keys, piece('k1', 64));
    expect(drain(queue, 1)).toEqual(['k1']);
    expect(drain(queue, 2)).toEqual(['b4', 'b5']);
    queue.push(keys, piece('k2', 64));
    queue.push(keys, piece('k3', 64));
    expect(drain(queue, 3)).toEqual(['k2', 'k3', 'b6']);
  });

  it('takes the newcomer priority away once the flow has sent its quantum', () => {
    const queue = scheduler({ flowHighWaterBytes: 1 << 20 });
    const bulk = flow('bulk');
    const chatty = flow('chatty');
    for (let i = 1; i <= 10; i++) queue.push(bulk, piece(`b${i}`, 8 * K));
    expect(drain(queue, 2)).toEqual(['b1', 'b2']);
    for (let i = 1; i <= 10; i++) queue.push(chatty, piece(`c${i}`, 8 * K));
    // Two pieces (one quantum) ahead of the backlog, then round robin with it.
    expect(drain(queue, 8)).toEqual(['c1', 'c2', 'b3', 'b4', 'c3', 'c4', 'b5', 'b6']);
  });

  it('forgets a flow whose queue empties: it comes back as a newcomer', () => {
    const queue = scheduler({ flowHighWaterBytes: 1 << 20 });
    const bulk = flow('bulk');
    const web = flow('web');
    for (let i = 1; i <= 10; i++) queue.push(bulk, piece(`b${i}`, 8 * K));
    queue.push(web, piece('w1', 8 * K));
    queue.push(web, piece('w2', 8 * K));
    queue.push(web, piece('w3', 8 * K));
    expect(drain(queue, 6)).toEqual(['b1', 'b2', 'w1', 'w2', 'b3', 'b4']);
    expect(drain(queue, 1)).toEqual(['w3']); // its old round; now empty and forgotten
    expect(queue.queuedFor(web)).toBe(0);
    queue.push(web, piece('w4', 8 * K));
    expect(drain(queue, 1)).toEqual(['w4']);
  });

  it('says full for the flow over its limit only, and resumes it at its low-water mark', () => {
    const queue = scheduler({ flowHighWaterBytes: 64 * K, flowLowWaterBytes: 32 * K });
    const resumed: string[] = [];
    queue.onResume = (f) => resumed.push(f.name);
    const bulk = flow('bulk');
    const keys = flow('keys', ssh);
    const answers: boolean[] = [];
    for (let i = 1; i <= 10; i++) answers.push(queue.push(bulk, piece(`b${i}`, 8 * K)));
    expect(answers).toEqual([true, true, true, true, true, true, true, true, false, false]);
    expect(queue.push(keys, piece('k1', 64))).toBe(true); // the other connection reads on
    // 80 KiB queued for bulk; after five of its pieces it holds 40 KiB, above the mark.
    expect(drain(queue, 6)).toEqual(['b1', 'b2', 'k1', 'b3', 'b4', 'b5']);
    expect(resumed).toEqual([]);
    expect(drain(queue, 1)).toEqual(['b6']); // 32 KiB: at the low-water mark
    expect(resumed).toEqual(['bulk']);
    drain(queue);
    expect(resumed).toEqual(['bulk']);
  });

  it("sends a connection's reset after its queued data, and a lone reset first", () => {
    const queue = scheduler({ flowHighWaterBytes: 1 << 20 });
    const a = flow('a');
    const b = flow('b');
    for (let i = 1; i <= 3; i++) queue.push(a, piece(`a${i}`, 8 * K));
    for (let i = 1; i <= 3; i++) queue.push(b, piece(`b${i}`, 8 * K));
    queue.pushAfter(a, piece('resetA', 20));
    queue.pushAfter(flow('idle'), piece('resetI', 20));
    expect(drain(queue)).toEqual(['resetI', 'a1', 'a2', 'b1', 'b2', 'a3', 'resetA', 'b3']);
  });

  it("lets a stream-level frame wait for its channel's queued bytes, but not for other channels'", () => {
    const queue = scheduler({ flowHighWaterBytes: 1 << 20 });
    const old1 = flow('old1', ssh);
    const old2 = flow('old2', ssh);
    const web = flow('web', http);
    queue.push(web, piece('w1', 8 * K));
    queue.push(web, piece('w2', 8 * K));
    queue.push(old1, piece('o1', 8 * K));
    queue.pushAfter(old1, piece('reset1', 20));
    queue.push(old2, piece('p1', 8 * K));
    queue.promoteChannel(ssh);
    queue.pushControl(piece('start', 20));
    expect(drain(queue)).toEqual(['o1', 'reset1', 'p1', 'start', 'w1', 'w2']);
  });

  it('drops what a flow holds on discard, and owes it a resume if it was full', () => {
    const queue = scheduler({ flowHighWaterBytes: 16 * K, flowLowWaterBytes: 8 * K });
    const resumed: string[] = [];
    queue.onResume = (f) => resumed.push(f.name);
    const a = flow('a');
    const b = flow('b');
    for (let i = 1; i <= 3; i++) queue.push(a, piece(`a${i}`, 8 * K));
    queue.push(b, piece('b1', 8 * K));
    queue.discard(a);
    expect(resumed).toEqual(['a']);
    expect(queue.queuedBytes).toBe(8 * K);
    expect(drain(queue)).toEqual(['b1']);
  });
});

describe('SendScheduler, arrival order', () => {
  it('sends everything, control and data, in the order it came', () => {
    const queue = scheduler({ order: 'fifo', flowHighWaterBytes: 8 * K });
    const bulk = flow('bulk');
    const keys = flow('keys', ssh);
    for (let i = 1; i <= 3; i++) expect(queue.push(bulk, piece(`b${i}`, 8 * K))).toBe(true);
    queue.push(keys, piece('k1', 64));
    queue.pushControl(piece('start', 20));
    queue.pushAfter(bulk, piece('reset', 20));
    queue.promoteChannel(http); // nothing to reorder
    expect(drain(queue)).toEqual(['b1', 'b2', 'b3', 'k1', 'start', 'reset']);
  });
});
