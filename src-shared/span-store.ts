import { SPAN_STATES, type SpanState } from '../src-main/protocol/events';

/** The state's index in SPAN_STATES: what the store keeps per span. */
export function stateIndex(state: SpanState): number {
  const i = (SPAN_STATES as readonly string[]).indexOf(state);
  if (i < 0) throw new Error(`unknown state ${state}`);
  return i;
}

/** Bit flags of a span. */
export const FLAG_MAY_WAIT_FOR_GIL = 1;

/**
 * Spans as columns of typed arrays: no object per span, cheap to grow, to draw and to keep a million
 * of. A span is an index; strings (details) are interned once in `strings`.
 */
export class SpanStore {
  count = 0;
  lane: Uint32Array;
  start: Float64Array;
  /** NaN while the span is open. */
  end: Float64Array;
  /** Index into SPAN_STATES. */
  state: Uint8Array;
  /** Index into `strings`, or -1. */
  detail: Int32Array;
  /** CPU time the OS measured over the span; NaN where not measured. */
  cpu: Float64Array;
  /** FLAG_* bits. */
  flags: Uint8Array;
  /** Nesting depth in an imported trace (0: the lane's own row; deeper slices are kept, drawn as their outermost). */
  depth: Uint8Array;
  readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();

  constructor(capacity = 256) {
    const n = Math.max(16, capacity);
    this.lane = new Uint32Array(n);
    this.start = new Float64Array(n);
    this.end = new Float64Array(n);
    this.state = new Uint8Array(n);
    this.detail = new Int32Array(n);
    this.cpu = new Float64Array(n);
    this.flags = new Uint8Array(n);
    this.depth = new Uint8Array(n);
  }

  /** The interned index of a string (-1 for null). */
  intern(text: string | null): number {
    if (text === null) return -1;
    let id = this.stringIndex.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.stringIndex.set(text, id);
    }
    return id;
  }

  /** Appends a span and returns its index. */
  push(lane: number, startUs: number, endUs: number, state: number, detail: number, cpuUs = NaN, flags = 0): number {
    if (this.count === this.lane.length) this.resize(this.count * 2);
    const i = this.count++;
    this.lane[i] = lane;
    this.start[i] = startUs;
    this.end[i] = endUs;
    this.state[i] = state;
    this.detail[i] = detail;
    this.cpu[i] = cpuUs;
    this.flags[i] = flags;
    this.depth[i] = 0;
    return i;
  }

  /** Bytes held by the columns (not the strings). */
  get bytes(): number {
    return this.lane.length * (4 + 8 + 8 + 1 + 4 + 8 + 1 + 1);
  }

  private resize(size: number): void {
    const grow = <T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(a: T): T => {
      const next = new (a.constructor as new (n: number) => T)(size);
      next.set(a.subarray(0, Math.min(a.length, size)));
      return next;
    };
    this.lane = grow(this.lane);
    this.start = grow(this.start);
    this.end = grow(this.end);
    this.state = grow(this.state);
    this.detail = grow(this.detail);
    this.cpu = grow(this.cpu);
    this.flags = grow(this.flags);
    this.depth = grow(this.depth);
  }
}

/** A growable list of span indices (a lane's row), without an array of boxed numbers. */
export class IndexList {
  length = 0;
  items = new Int32Array(8);

  push(i: number): void {
    if (this.length === this.items.length) {
      const next = new Int32Array(this.length * 2);
      next.set(this.items);
      this.items = next;
    }
    this.items[this.length++] = i;
  }

  at(k: number): number {
    return this.items[k];
  }

  /** A copy as a plain array (tests, small lanes). */
  toArray(): number[] {
    return Array.from(this.items.subarray(0, this.length));
  }

  last(): number {
    return this.length > 0 ? this.items[this.length - 1] : -1;
  }
}
