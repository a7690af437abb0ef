import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src-main/protocol/events';
import { scaleLinear } from 'd3-scale';
import { drawCores, drawInstants, drawLane, type Ctx, type SpanStyle } from '../../src-renderer/gantt/draw';
import { layoutRows, rowAt, visibleRange } from '../../src-renderer/gantt/rows';
import { niceCeil, tickLabel } from '../../src-renderer/lib/format';
import type { RunModel } from '../../src-shared/run-model';
import { EXECUTING_INDICES, STATE_COLORS } from '../../src-renderer/lib/states';
import { id, lane, modelOf } from './fixtures';

/** A canvas context that records what was drawn. */
function recorder(): Ctx & { rects: { x: number; y: number; w: number; h: number; fill: unknown }[]; texts: string[] } {
  const rects: { x: number; y: number; w: number; h: number; fill: unknown }[] = [];
  const texts: string[] = [];
  const ctx = {
    rects,
    texts,
    fillStyle: '' as unknown,
    strokeStyle: '',
    lineWidth: 1,
    font: '',
    textBaseline: 'alphabetic',
    fillRect(x: number, y: number, w: number, h: number) {
      rects.push({ x, y, w, h, fill: ctx.fillStyle });
    },
    fillText(text: string) {
      texts.push(text);
    },
    measureText: (text: string) => ({ width: text.length * 7 }),
    beginPath() {},
    moveTo() {},
    lineTo() {},
    closePath() {},
    fill() {},
    stroke() {},
    save() {},
    restore() {},
    rect() {},
    clip() {},
  };
  return ctx as unknown as Ctx & typeof ctx;
}

function model(): RunModel {
  const events: EngineEvent[] = [
    { type: 'lane-added', lane: lane(0, 'A', 'thread') },
    { type: 'lane-added', lane: lane(1, 'B', 'thread') },
    { type: 'lane-ready', laneId: id(0), tsUs: 10_000, pid: 7, tid: 2, closedCpuUs: null },
    { type: 'lane-ready', laneId: id(1), tsUs: 10_000, pid: 7, tid: 3, closedCpuUs: null },
    // A ran 90 ms with 88 ms on a CPU; B ran 90 ms but got only 30 ms of CPU.
    {
      type: 'state',
      laneId: id(0),
      tsUs: 100_000,
      state: 'waiting',
      detail: null,
      mayWaitForGil: false,
      closedCpuUs: 88_000,
    },
    {
      type: 'state',
      laneId: id(1),
      tsUs: 100_000,
      state: 'waiting',
      detail: null,
      mayWaitForGil: false,
      closedCpuUs: 30_000,
    },
    { type: 'output', laneId: id(0), tsUs: 100_000, stream: 'stdout', text: 'Task 1 is running' },
  ];
  return modelOf(events, 's');
}

const style: SpanStyle = { colors: STATE_COLORS, executing: EXECUTING_INDICES, shared: 'HATCH' };

const opts = { cores: false, filter: '', collapsed: new Set<string>() };
const scale = (t0: number, t1: number, width: number) => scaleLinear().domain([t0, t1]).range([0, width]);

describe('rows', () => {
  test('stacks a title row, then a row per lane, for each run; finds rows by y', () => {
    const m = model();
    const layout = layoutRows(
      [
        { model: m, title: 'one' },
        { model: m, title: 'two' },
      ],
      { rowPx: 40, headerPx: 30 },
      opts,
    );
    expect(layout.rows.map((r) => [r.kind, r.topPx])).toEqual([
      ['run', 0],
      ['lane', 30],
      ['lane', 70],
      ['run', 110],
      ['lane', 140],
      ['lane', 180],
    ]);
    expect(layout.heightPx).toBe(220);
    expect(rowAt(layout, 150)).toMatchObject({ kind: 'lane', laneIndex: 0, group: 1 });
    expect(rowAt(layout, 15)).toMatchObject({ kind: 'run' });
    expect(rowAt(layout, 500)).toBeNull();
    expect(visibleRange(layout, 100, 50)).toEqual([2, 5]);
  });

  test('many lanes in several processes get a header per process, which collapses; the filter keeps matching lanes', () => {
    const events: EngineEvent[] = [];
    for (let i = 0; i < 20; i++) {
      events.push({ type: 'lane-added', lane: { ...lane(i, `worker ${i}`, 'thread'), spawnedUs: i } });
      events.push({ type: 'lane-ready', laneId: id(i), tsUs: 100 + i, pid: 100 + (i % 2), tid: i, closedCpuUs: null });
    }
    const m = modelOf(events);
    const grouped = layoutRows([{ model: m, title: 't' }], { rowPx: 40, headerPx: 30 }, opts);
    expect(grouped.rows.filter((r) => r.kind === 'process')).toHaveLength(2);
    expect(grouped.rows.filter((r) => r.kind === 'lane')).toHaveLength(20);
    const key = `${m.runId}:100`;
    const folded = layoutRows(
      [{ model: m, title: 't' }],
      { rowPx: 40, headerPx: 30 },
      { ...opts, collapsed: new Set([key]) },
    );
    expect(folded.rows.filter((r) => r.kind === 'lane')).toHaveLength(10);
    expect(folded.rows.find((r) => r.kind === 'process' && r.key === key)).toMatchObject({
      collapsed: true,
      lanes: expect.any(Array),
    });
    const found = layoutRows([{ model: m, title: 't' }], { rowPx: 40, headerPx: 30 }, { ...opts, filter: 'WORKER 1' });
    const names = found.rows.flatMap((r) => (r.kind === 'lane' ? [m.lanes[r.laneIndex].info.name] : []));
    expect(names.sort()).toEqual(
      [
        'worker 1',
        'worker 10',
        'worker 11',
        'worker 12',
        'worker 13',
        'worker 14',
        'worker 15',
        'worker 16',
        'worker 17',
        'worker 18',
        'worker 19',
      ].sort(),
    );
  });

  test('lanes sit in the order they were spawned, whatever order their records arrived in', () => {
    const m = modelOf([
      { type: 'lane-added', lane: { ...lane(0, 'script', 'process'), spawnedUs: 0 } },
      { type: 'lane-added', lane: { ...lane(1, 'Worker-2', 'process'), spawnedUs: 20_000 } },
      { type: 'lane-added', lane: { ...lane(2, 'Worker-1', 'process'), spawnedUs: 10_000 } },
    ]);
    const layout = layoutRows([{ model: m, title: 't' }], { rowPx: 40, headerPx: 30 }, opts);
    const names = layout.rows.flatMap((r) => (r.kind === 'lane' ? [m.lanes[r.laneIndex].info.name] : []));
    expect(names).toEqual(['script', 'Worker-1', 'Worker-2']);
  });
});

describe('drawLane', () => {
  const x = scale(0, 200_000, 1000);

  test('draws spans at their times, open spans up to now, and hatches a running span that shared its core', () => {
    const m = model();
    const bar = { rowPx: 40, padPx: 5 };
    const ctx = recorder();
    drawLane(ctx, m, 0, 30, x, bar, 150_000, style, null);
    drawLane(ctx, m, 1, 70, x, bar, 150_000, style, null);
    const green = ctx.rects.filter((r) => r.fill === STATE_COLORS[1]);
    expect(green.map((r) => [r.x, r.w])).toEqual([
      [50, 450],
      [50, 450],
    ]);
    // Only B's running span (300 of 900 µs on a CPU) is hatched.
    expect(ctx.rects.filter((r) => r.fill === 'HATCH').map((r) => r.y)).toEqual([75]);
    const open = ctx.rects.filter((r) => r.fill === STATE_COLORS[2]);
    expect(open.map((r) => r.x + r.w)).toEqual([750, 750]);
  });

  test('skips what is outside the window', () => {
    const m = model();
    const ctx = recorder();
    expect(drawLane(ctx, m, 0, 0, scale(110_000, 120_000, 100), { rowPx: 40, padPx: 5 }, 150_000, style, null)).toBe(1);
  });

  test('labels a printed line when it fits', () => {
    const m = model();
    const ctx = recorder();
    drawInstants(ctx, m, 0, 30, x, { rowPx: 40, padPx: 5 }, '13px sans-serif');
    expect(ctx.texts).toEqual(['Task 1 is running']);
    const narrow = recorder();
    drawInstants(narrow, m, 0, 30, scale(0, 105_000, 100), { rowPx: 40, padPx: 5 }, '13px sans-serif');
    expect(narrow.texts).toEqual([]);
  });
});

describe('drawCores', () => {
  test('a thread queued on a core is hatched and drawn under the one that ran there', () => {
    const m = model();
    // On core 0 from 10 to 100 ms: A ran there (85 ms of CPU), B was runnable there too, queued (5 ms).
    // On core 1, B before it moved: its CPU time was not measured, so nothing is claimed either way.
    m.apply({ type: 'core-span', core: 0, laneId: id(1), startUs: 10_000, endUs: 100_000, cpuUs: 5_000 });
    m.apply({ type: 'core-span', core: 0, laneId: id(0), startUs: 10_000, endUs: 100_000, cpuUs: 85_000 });
    m.apply({ type: 'core-span', core: 1, laneId: id(1), startUs: 0, endUs: 10_000, cpuUs: null });
    const ctx = recorder();
    const rows = [
      { core: 0, topPx: 0 },
      { core: 1, topPx: 40 },
    ];
    const color = (lane: number) => `lane${lane}`;
    drawCores(ctx, m, rows, scale(0, 200_000, 1000), { rowPx: 40, padPx: 5 }, color, '12px', 'HATCH');
    expect(ctx.rects.map((r) => [r.fill, r.y])).toEqual([
      ['lane1', 5],
      ['HATCH', 5],
      ['lane0', 5],
      ['lane1', 45],
    ]);
  });
});

describe('axis', () => {
  test('steps the live axis end to a nice value at or above it', () => {
    expect(niceCeil(0.9)).toBe(1);
    expect(niceCeil(1234)).toBe(1500);
    expect(niceCeil(2000)).toBe(2000);
    expect(niceCeil(8100)).toBe(10000);
  });

  test('labels ticks in ms or s depending on the span shown', () => {
    expect(tickLabel(1500, 10_000)).toBe('1.5 ms');
    // Zoomed in: enough decimals to tell the ticks apart.
    expect(tickLabel(221_412.5, 5)).toBe('221.4125 ms');
    expect(tickLabel(221_412, 200)).toBe('221.41 ms');
    expect(tickLabel(250_000, 1_000_000)).toBe('250 ms');
    expect(tickLabel(2_500_000, 5_000_000)).toBe('2.5 s');
  });
});
