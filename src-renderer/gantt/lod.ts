import { SPAN_STATES } from '@protocol/events';
import type { RunModel } from '@shared/run-model';
import type { IndexList, SpanStore } from '@shared/span-store';

/** How many states a mark can mix. */
export const STATE_COUNT = SPAN_STATES.length;

/** Spans summed per block: a block wholly inside one pixel column is added at once, not span by span. */
export const BLOCK = 32;

/**
 * Per-lane summaries for level of detail: for every BLOCK consecutive spans of a lane's row, the time
 * spent in each state, and where the block starts and ends. Built once per closed span, extended as a
 * live run grows (rows only append), so a frame never sums a dense stretch span by span.
 */
export class LaneSummary {
  /** Complete blocks summarised so far. */
  blocks = 0;
  /** STATE_COUNT sums per block. */
  sums = new Float64Array(STATE_COUNT * 16);
  starts = new Float64Array(16);
  ends = new Float64Array(16);

  /** Summarises the row's complete, closed blocks not yet summarised. */
  update(store: SpanStore, row: IndexList): void {
    const items = row.items;
    while ((this.blocks + 1) * BLOCK <= row.length) {
      const first = this.blocks * BLOCK;
      const lastSpan = items[first + BLOCK - 1];
      if (Number.isNaN(store.end[lastSpan])) return;
      if (this.blocks === this.starts.length) this.grow();
      const base = this.blocks * STATE_COUNT;
      for (let k = first; k < first + BLOCK; k++) {
        const i = items[k];
        this.sums[base + store.state[i]] += store.end[i] - store.start[i];
      }
      this.starts[this.blocks] = store.start[items[first]];
      this.ends[this.blocks] = store.end[lastSpan];
      this.blocks++;
    }
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const sums = new Float64Array(size * STATE_COUNT);
    sums.set(this.sums);
    this.sums = sums;
    const starts = new Float64Array(size);
    starts.set(this.starts);
    this.starts = starts;
    const ends = new Float64Array(size);
    ends.set(this.ends);
    this.ends = ends;
  }
}

/** Receives the marks of one lane, left to right, in pixels from the plot's left edge. */
export interface MarkSink {
  /** A stretch of whole pixels in one state (spans of one state that touch are merged). */
  run(x0: number, x1: number, state: number, span: number): void;
  /**
   * One pixel column holding more than one span, or a sliver: `mix[s]` is the share of the column's
   * width spent in state s (the rest, up to 1, is not covered by any span).
   */
  column(x: number, mix: Float64Array): void;
}

/** The visible window of time, and the width it maps onto: taken from the chart's one d3 scale. */
export interface Window {
  readonly t0Us: number;
  readonly t1Us: number;
  readonly widthPx: number;
}

/** The first position in the row whose span ends after `tUs` (open spans end at `nowUs`). */
export function firstEndingAfter(store: SpanStore, row: IndexList, tUs: number, nowUs: number): number {
  let lo = 0;
  let hi = row.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const i = row.items[mid];
    const end = Number.isNaN(store.end[i]) ? nowUs : store.end[i];
    if (end <= tUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Reduces one lane's row to at most a few marks per pixel column: spans a pixel or wider become runs
 * (merged when they touch and share a state and `key`), and every column that holds a span's edge
 * or thinner spans becomes one coverage mark with the mix of states in it, never whichever came
 * last. Whole blocks inside a column are added from `summary` without visiting their spans, so a
 * frame costs about O(pixels × BLOCK) per lane, however many spans it has. Returns the spans visited.
 */
export function reduceLane(
  store: SpanStore,
  row: IndexList,
  summary: LaneSummary | null,
  view: Window,
  nowUs: number,
  sink: MarkSink,
  key: (span: number) => number = () => 0,
): number {
  const { t0Us, t1Us, widthPx } = view;
  if (!(t1Us > t0Us) || widthPx <= 0 || row.length === 0) return 0;
  const scale = widthPx / (t1Us - t0Us);
  const { start, end, state } = store;
  const items = row.items;
  const mix = new Float64Array(STATE_COUNT);
  let col = -1;
  let colHasMix = false;
  // The run being built: [runX0, runX1) in state runState.
  let runX0 = 0;
  let runX1 = 0;
  let runState = -1;
  let runKey = 0;
  let runSpan = -1;
  let visited = 0;
  const flushRun = () => {
    if (runState >= 0 && runX1 > runX0) sink.run(runX0, runX1, runState, runSpan);
    runState = -1;
  };
  const flushColumn = () => {
    if (col >= 0 && colHasMix) sink.column(col, mix);
    mix.fill(0);
    colHasMix = false;
    col = -1;
  };
  /** Adds [x0, x1) of state s (within one column c) to that column's mix. */
  const addToColumn = (c: number, x0: number, x1: number, s: number) => {
    if (c !== col) {
      flushColumn();
      col = c;
    }
    mix[s] += x1 - x0;
    colHasMix = true;
  };

  let k = firstEndingAfter(store, row, t0Us, nowUs);
  while (k < row.length) {
    const i = items[k];
    const s0 = start[i];
    if (s0 >= t1Us) break;
    const e0 = Number.isNaN(end[i]) ? nowUs : end[i];
    visited++;
    const xs = (Math.max(s0, t0Us) - t0Us) * scale;
    const xe = (Math.min(e0, t1Us) - t0Us) * scale;
    const cs = Math.floor(xs);
    const ce = Math.floor(xe);
    if (cs === ce) {
      // Thinner than the rest of its pixel: part of a coverage mark. A run of the same state that
      // reaches this column's left edge would otherwise leave the column blank where it stops.
      if (xe > xs) {
        flushRun();
        addToColumn(cs, xs, xe, state[i]);
      }
      // Whole blocks that start after this span and end inside this column: added at once.
      if (summary && (k + 1) % BLOCK === 0) {
        let b = (k + 1) / BLOCK;
        const colEndUs = t0Us + (cs + 1) / scale;
        while (b < summary.blocks && summary.ends[b] <= colEndUs && summary.starts[b] >= s0) {
          const base = b * STATE_COUNT;
          for (let s = 0; s < STATE_COUNT; s++) mix[s] += summary.sums[base + s] * scale;
          colHasMix = true;
          col = cs;
          b++;
          k += BLOCK;
          visited++;
        }
      }
      k++;
      continue;
    }
    // Wider than its pixel: its sliver in the first column joins that column's mix (if the span
    // starts mid-pixel), whole pixels make a run, and its sliver in the last column starts a new mix.
    let runFrom = xs;
    if (xs > cs) {
      addToColumn(cs, xs, cs + 1, state[i]);
      runFrom = cs + 1;
    }
    if (col >= 0 && col < Math.floor(runFrom)) flushColumn();
    const runTo = ce;
    if (runTo > runFrom) {
      const spanKey = key(i);
      if (col >= 0) flushColumn();
      if (runState === state[i] && runKey === spanKey && runX1 === runFrom) runX1 = runTo;
      else {
        flushRun();
        runX0 = runFrom;
        runX1 = runTo;
        runState = state[i];
        runKey = spanKey;
        runSpan = i;
      }
    }
    if (xe > ce) {
      flushRun();
      addToColumn(ce, ce, xe, state[i]);
    }
    k++;
  }
  flushRun();
  flushColumn();
  return visited;
}

/**
 * A lookup of per-lane summaries, kept per model (weakly) and brought up to date on every lookup, so a
 * live run's summaries grow with it.
 */
export function summaryCache(): (model: RunModel, laneIndex: number) => LaneSummary | null {
  const summaries = new WeakMap<RunModel, Map<number, LaneSummary>>();
  return (model, laneIndex) => {
    const lane = model.lanes[laneIndex];
    if (!lane) return null;
    let byLane = summaries.get(model);
    if (!byLane) summaries.set(model, (byLane = new Map()));
    let summary = byLane.get(laneIndex);
    if (!summary) byLane.set(laneIndex, (summary = new LaneSummary()));
    summary.update(model.spans, lane.spans);
    return summary;
  };
}
