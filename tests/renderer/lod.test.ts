import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { IndexList, SpanStore } from '../../src-shared/span-store';
import { BLOCK, LaneSummary, reduceLane, STATE_COUNT, type MarkSink } from '../../src-renderer/gantt/lod';
import { placeTooltip } from '../../src-renderer/gantt/tooltip';

/** A lane's row from lengths and states: spans tile from 0 (gaps where `gap` says). */
function row(spans: readonly { len: number; state: number; gap?: number }[]): { store: SpanStore; list: IndexList } {
  const store = new SpanStore();
  const list = new IndexList();
  let t = 0;
  for (const s of spans) {
    t += s.gap ?? 0;
    list.push(store.push(0, t, t + s.len, s.state, -1));
    t += s.len;
  }
  return { store, list };
}

/** Everything a reduction drew: runs, columns, and the pixel-width per state they add up to. */
function collect(): MarkSink & { runs: [number, number, number][]; columns: [number, number[]][]; perState: number[] } {
  const perState = new Array<number>(STATE_COUNT).fill(0);
  const runs: [number, number, number][] = [];
  const columns: [number, number[]][] = [];
  return {
    runs,
    columns,
    perState,
    run(x0, x1, state) {
      runs.push([x0, x1, state]);
      perState[state] += x1 - x0;
    },
    column(x, mix) {
      columns.push([x, Array.from(mix)]);
      for (let s = 0; s < STATE_COUNT; s++) perState[s] += mix[s];
    },
  };
}

describe('the LOD reducer', () => {
  test('a span wider than a pixel is a run; touching spans of one state merge', () => {
    const { store, list } = row([
      { len: 100, state: 1 },
      { len: 100, state: 1 },
      { len: 50, state: 2 },
    ]);
    const sink = collect();
    reduceLane(store, list, null, { t0Us: 0, t1Us: 250, widthPx: 250 }, 0, sink);
    expect(sink.runs).toEqual([
      [0, 200, 1],
      [200, 250, 2],
    ]);
    expect(sink.columns).toEqual([]);
  });

  test('spans thinner than a pixel become one coverage mark with the mix of states, not whichever came last', () => {
    // In 1 µs of a 1 px column: 0.7 running, 0.2 waiting, then 0.1 of gil-wait last.
    const { store, list } = row([
      { len: 0.35, state: 1 },
      { len: 0.2, state: 2 },
      { len: 0.35, state: 1 },
      { len: 0.1, state: 4 },
    ]);
    const sink = collect();
    reduceLane(store, list, null, { t0Us: 0, t1Us: 10, widthPx: 10 }, 0, sink);
    expect(sink.runs).toEqual([]);
    expect(sink.columns).toHaveLength(1);
    const [x, mix] = sink.columns[0];
    expect(x).toBe(0);
    expect(mix[1]).toBeCloseTo(0.7);
    expect(mix[2]).toBeCloseTo(0.2);
    expect(mix[4]).toBeCloseTo(0.1);
  });

  test('marks keep every state’s share of the window, at any zoom (property)', () => {
    const spans = fc.array(
      fc.record({
        len: fc.double({ min: 0.01, max: 50, noNaN: true }),
        state: fc.nat({ max: STATE_COUNT - 1 }),
        gap: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 20, noNaN: true })),
      }),
      { minLength: 1, maxLength: 300 },
    );
    fc.assert(
      fc.property(
        spans,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 400 }),
        (list, from, size, width) => {
          const { store, list: r } = row(list);
          const total = store.end[r.last()];
          const t0Us = from * total;
          const t1Us = Math.min(total, t0Us + size * total) + 1e-9;
          const scale = width / (t1Us - t0Us);
          const exact = new Array<number>(STATE_COUNT).fill(0);
          for (let i = 0; i < store.count; i++) {
            const a = Math.max(store.start[i], t0Us);
            const b = Math.min(store.end[i], t1Us);
            if (b > a) exact[store.state[i]] += (b - a) * scale;
          }
          for (const summary of [
            null,
            (() => {
              const s = new LaneSummary();
              s.update(store, r);
              return s;
            })(),
          ]) {
            const sink = collect();
            reduceLane(store, r, summary, { t0Us, t1Us, widthPx: width }, 0, sink);
            for (let s = 0; s < STATE_COUNT; s++) expect(sink.perState[s]).toBeCloseTo(exact[s], 3);
            // At most one coverage mark per pixel column.
            const xs = sink.columns.map(([x]) => x);
            expect(new Set(xs).size).toBe(xs.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a frame visits about pixels × BLOCK spans, not every span: 1M spans in 500 px', () => {
    const n = 1_000_000;
    const store = new SpanStore(n);
    const list = new IndexList();
    for (let i = 0; i < n; i++) list.push(store.push(0, i, i + 1, i % 3 === 0 ? 1 : 2, -1));
    const summary = new LaneSummary();
    summary.update(store, list);
    expect(summary.blocks).toBe(n / BLOCK);
    const sink = collect();
    const visited = reduceLane(store, list, summary, { t0Us: 0, t1Us: n, widthPx: 500 }, 0, sink);
    // Per column: up to BLOCK spans to reach a block boundary at each end, and the whole blocks between.
    expect(visited).toBeLessThan(500 * 4 * BLOCK);
    expect(visited).toBeLessThan(n / 20);
    expect(sink.columns).toHaveLength(500);
    expect(sink.perState[1] / 500).toBeCloseTo(1 / 3, 3);
  });
});

describe('tooltip placement (measured, not magic offsets)', () => {
  const bounds = { width: 800, height: 400 };
  const size = { width: 200, height: 100 };
  test('below right of the pointer where it fits; flipped left near the right edge, above near the bottom', () => {
    expect(placeTooltip({ x: 100, y: 100 }, size, bounds)).toEqual({ left: 114, top: 114 });
    expect(placeTooltip({ x: 700, y: 100 }, size, bounds)).toEqual({ left: 486, top: 114 });
    expect(placeTooltip({ x: 100, y: 350 }, size, bounds)).toEqual({ left: 114, top: 236 });
  });
  test('a tooltip bigger than the room is kept inside it', () => {
    const { left, top } = placeTooltip({ x: 50, y: 50 }, { width: 790, height: 390 }, bounds);
    expect(left).toBeGreaterThanOrEqual(0);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(left + 790).toBeLessThanOrEqual(800);
  });
});
