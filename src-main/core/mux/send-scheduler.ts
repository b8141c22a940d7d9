/**
 * The order in which queued frames leave for the tunnel: a pure data structure with no
 * timers and no sockets, so its fairness is tested by draining it.
 *
 * Fair order (the default) is deficit round robin over flows (one flow per local
 * connection), with two refinements taken from FQ-CoDel (RFC 8290):
 * - a control lane served before every flow: starts and resets, which are tiny and which a
 *   peer needs before the data that follows;
 * - a "new flows" list served before the "old flows" list. A flow whose queue was empty
 *   joins the new list with a full quantum; once it has spent that quantum it moves to the
 *   old list, where backlogged flows share what is left in turn. A connection that sends a
 *   little now and then (a keystroke, an SSH echo) therefore goes out at the next send
 *   opportunity rather than after every bulk flow's next quantum.
 *
 * Each flow also has its own byte limit: `push` says when the flow's queue is full, which
 * is the caller's cue to stop reading that one local socket (never all of them); `onResume`
 * says when it has drained below the low-water mark.
 *
 * Arrival order (`fifo`) puts everything, control and data, in the one lane as it comes:
 * the behaviour before this scheduler existed, kept so that the difference can be measured.
 */

/** What the scheduler needs of a flow: the group it belongs to (its service channel). */
export interface Flow {
  readonly channel: object;
}

export interface SendSchedulerOptions {
  /** `fair`: per-flow queues in deficit round robin; `fifo`: one queue in arrival order. */
  order: 'fair' | 'fifo';
  /** Bytes a flow may send per round before the next flow's turn. */
  quantumBytes: number;
  /** A flow's queue above this many bytes is full: stop reading its socket. */
  flowHighWaterBytes: number;
  /** And it may read again once its queue is at or below this. */
  flowLowWaterBytes: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SendSchedulerOptions = {
  order: 'fair',
  quantumBytes: 16 * 1024,
  flowHighWaterBytes: 256 * 1024,
  flowLowWaterBytes: 128 * 1024,
};

/** A first-in first-out queue with O(1) shift (Array#shift copies once arrays get long). */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes every item, handing each to `each` in order. */
  drain(each: (item: T) => void): void {
    for (let item = this.shift(); item !== undefined; item = this.shift()) each(item);
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
  }
}

interface FlowState<F extends Flow> {
  readonly flow: F;
  readonly pieces: Fifo<Buffer>;
  bytes: number;
  deficit: number;
  /** Which list the flow is on; a flow with an empty queue is on none and forgotten. */
  list: 'new' | 'old';
  /** push() said the queue was full; onResume is owed once it drains. */
  full: boolean;
}

export class SendScheduler<F extends Flow> {
  private readonly control = new Fifo<Buffer>();
  private controlBytes = 0;
  private readonly flows = new Map<F, FlowState<F>>();
  private readonly newFlows = new Fifo<FlowState<F>>();
  private readonly oldFlows = new Fifo<FlowState<F>>();
  private flowBytes = 0;
  /** The flow whose head piece peek() returned, or undefined for the control lane. */
  private peeked: FlowState<F> | undefined;
  /** A flow that was full has drained to its low-water mark: read its socket again. */
  onResume: (flow: F) => void = () => {};

  constructor(readonly options: SendSchedulerOptions = DEFAULT_SCHEDULER_OPTIONS) {}

  /** Bytes queued and not yet taken. */
  get queuedBytes(): number {
    return this.controlBytes + this.flowBytes;
  }

  /** Bytes queued for one flow (0 when it has none). */
  queuedFor(flow: F): number {
    return this.flows.get(flow)?.bytes ?? 0;
  }

  /** Queues a control frame ahead of every flow's data (in arrival order: behind everything). */
  pushControl(frame: Buffer): void {
    this.control.push(frame);
    this.controlBytes += frame.length;
  }

  /**
   * Queues a piece (whole frames) of a flow. Returns false when the flow's queue is now
   * over its high-water mark: the caller should stop reading that flow's socket until
   * onResume. In arrival order every piece goes in the one lane and the answer is true.
   */
  push(flow: F, piece: Buffer): boolean {
    if (this.options.order === 'fifo') {
      this.pushControl(piece);
      return true;
    }
    let state = this.flows.get(flow);
    if (!state) {
      // A flow that had nothing queued is "new": it gets a quantum ahead of the backlog.
      state = {
        flow,
        pieces: new Fifo(),
        bytes: 0,
        deficit: this.options.quantumBytes,
        list: 'new',
        full: false,
      };
      this.flows.set(flow, state);
      this.newFlows.push(state);
    }
    state.pieces.push(piece);
    state.bytes += piece.length;
    this.flowBytes += piece.length;
    if (state.bytes > this.options.flowHighWaterBytes) state.full = true;
    return !state.full;
  }

  /**
   * Queues a frame that must follow what the flow has queued (its CONNECTION_RESET: the
   * peer must get the connection's last bytes before it closes it). With nothing queued
   * for the flow it goes in the control lane.
   */
  pushAfter(flow: F, frame: Buffer): void {
    const state = this.options.order === 'fair' ? this.flows.get(flow) : undefined;
    if (!state) return this.pushControl(frame);
    state.pieces.push(frame);
    state.bytes += frame.length;
    this.flowBytes += frame.length;
  }

  /**
   * Moves everything queued for the flows of one channel to the control lane, in each
   * flow's order: a stream-level frame (STREAM_START, STREAM_RESET) that follows must not
   * overtake the earlier stream's last bytes and reset, or the peer would drop them as stale.
   */
  promoteChannel(channel: object): void {
    if (this.options.order === 'fifo') return;
    for (const state of [...this.flows.values()]) {
      if (state.flow.channel !== channel) continue;
      state.pieces.drain((piece) => this.control.push(piece));
      this.controlBytes += state.bytes;
      this.forget(state, true);
    }
  }

  /** A flow with bytes queued that matches (a linear search: for resets, which are rare). */
  findFlow(match: (flow: F) => boolean): F | undefined {
    for (const flow of this.flows.keys()) if (match(flow)) return flow;
    return undefined;
  }

  /** Drops what a flow has queued (its connection is gone and the peer would drop it). */
  discard(flow: F): void {
    const state = this.flows.get(flow);
    if (state) this.forget(state, true);
  }

  /**
   * The piece that goes next, without taking it: the control lane first, then the new
   * flows, then the old ones, each flow sending while its deficit lasts. Asking again
   * without a take() returns the same piece.
   */
  peek(): Buffer | undefined {
    this.peeked = undefined;
    const control = this.control.peek();
    if (control) return control;
    for (;;) {
      const list = this.newFlows.length > 0 ? this.newFlows : this.oldFlows;
      const state = list.peek();
      if (!state) return undefined;
      if (state.deficit <= 0) {
        // Its turn is spent: a fresh quantum, and to the back of the old flows.
        list.shift();
        state.deficit += this.options.quantumBytes;
        state.list = 'old';
        this.oldFlows.push(state);
        continue;
      }
      this.peeked = state;
      return state.pieces.peek()!;
    }
  }

  /** Takes the piece peek() returned. */
  take(): Buffer {
    const state = this.peeked;
    this.peeked = undefined;
    if (!state) {
      const piece = this.control.shift()!;
      this.controlBytes -= piece.length;
      return piece;
    }
    const piece = state.pieces.shift()!;
    state.bytes -= piece.length;
    this.flowBytes -= piece.length;
    state.deficit -= piece.length;
    if (state.bytes === 0) {
      // An emptied flow leaves its list; it comes back as a new flow with its next bytes.
      (state.list === 'new' ? this.newFlows : this.oldFlows).shift();
      this.forget(state, false);
    } else if (state.full && state.bytes <= this.options.flowLowWaterBytes) {
      state.full = false;
      this.onResume(state.flow);
    }
    return piece;
  }

  /** Drops everything (the tunnel is gone). */
  clear(): void {
    this.control.clear();
    this.controlBytes = 0;
    this.flows.clear();
    this.newFlows.clear();
    this.oldFlows.clear();
    this.flowBytes = 0;
    this.peeked = undefined;
  }

  /** Removes a flow whose queue was emptied or moved; owes it a resume if it was full. */
  private forget(state: FlowState<F>, onList: boolean): void {
    this.flowBytes -= state.bytes;
    state.bytes = 0;
    state.pieces.clear();
    this.flows.delete(state.flow);
    this.peeked = undefined;
    // A scan, but only for discard and promote, which are rare (resets, restarts).
    if (onList) this.removeFromList(state.list === 'new' ? this.newFlows : this.oldFlows, state);
    if (state.full) {
      state.full = false;
      this.onResume(state.flow);
    }
  }

  private removeFromList(list: Fifo<FlowState<F>>, state: FlowState<F>): void {
    const kept: FlowState<F>[] = [];
    list.drain((item) => {
      if (item !== state) kept.push(item);
    });
    for (const item of kept) list.push(item);
  }
}
