import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src-main/protocol/events';
import { drawCores, drawInstants, drawSpans, xOf, type Ctx, type SpanStyle } from '../../src-renderer/gantt/draw';
import { layoutRows, rowAt } from '../../src-renderer/gantt/layout';
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

describe('layout', () => {
  test('stacks a header, then a row per lane, for each group', () => {
    const m = model();
    const layout = layoutRows(
      [
        { model: m, title: 'one' },
        { model: m, title: 'two' },
      ],
      { rowPx: 40, headerPx: 30 },
    );
    expect(layout.groups.map((g) => g.headerTopPx)).toEqual([0, 110]);
    expect(layout.groups[1].lanes.map((l) => l.topPx)).toEqual([140, 180]);
    expect(layout.heightPx).toBe(220);
    expect(rowAt(layout, 150, 40)).toMatchObject({ row: { laneIndex: 0 } });
    expect(rowAt(layout, 15, 40)).toBeNull();
  });
});

describe('row order', () => {
  test('lanes sit in the order they were spawned, whatever order their records arrived in', () => {
    const m = modelOf([
      { type: 'lane-added', lane: { ...lane(0, 'script', 'process'), spawnedUs: 0 } },
      { type: 'lane-added', lane: { ...lane(1, 'Worker-2', 'process'), spawnedUs: 20_000 } },
      { type: 'lane-added', lane: { ...lane(2, 'Worker-1', 'process'), spawnedUs: 10_000 } },
    ]);
    const [group] = layoutRows([{ model: m, title: 't' }], { rowPx: 40, headerPx: 30 }).groups;
    expect(group.lanes.map((l) => m.lanes[l.laneIndex].info.name)).toEqual(['script', 'Worker-1', 'Worker-2']);
    expect([...group.topByLane]).toEqual([30, 110, 70]);
  });
});

describe('drawSpans', () => {
  const view = { x0Us: 0, x1Us: 200_000, widthPx: 1000 };

  test('draws spans at their times, open spans up to now, and hatches a running span that shared its core', () => {
    const m = model();
    const { topByLane } = layoutRows([{ model: m, title: 't' }], { rowPx: 40, headerPx: 30 }).groups[0];
    const ctx = recorder();
    const drawn = drawSpans(ctx, m, topByLane, view, { rowPx: 40, padPx: 5 }, 150_000, style);
    expect(drawn).toBe(6);
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

  test('skips what is outside the viewport', () => {
    const m = model();
    const { topByLane } = layoutRows([{ model: m, title: 't' }], { rowPx: 40, headerPx: 30 }).groups[0];
    const ctx = recorder();
    expect(
      drawSpans(
        ctx,
        m,
        topByLane,
        { x0Us: 110_000, x1Us: 120_000, widthPx: 100 },
        { rowPx: 40, padPx: 5 },
        150_000,
        style,
      ),
    ).toBe(2);
  });

  test('labels a printed line when it fits', () => {
    const m = model();
    const { topByLane } = layoutRows([{ model: m, title: 't' }], { rowPx: 40, headerPx: 30 }).groups[0];
    const ctx = recorder();
    drawInstants(ctx, m, topByLane, view, { rowPx: 40, padPx: 5 }, '13px sans-serif');
    expect(ctx.texts).toEqual(['Task 1 is running']);
    const narrow = recorder();
    drawInstants(
      narrow,
      m,
      topByLane,
      { x0Us: 0, x1Us: 105_000, widthPx: 100 },
      { rowPx: 40, padPx: 5 },
      '13px sans-serif',
    );
    expect(narrow.texts).toEqual([]);
  });

  test('maps time to x linearly', () => {
    expect(xOf(view, 50_000)).toBe(250);
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
    drawCores(ctx, m, rows, { x0Us: 0, x1Us: 200_000, widthPx: 1000 }, { rowPx: 40, padPx: 5 }, color, '12px', 'HATCH');
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
    expect(tickLabel(250_000, 1_000_000)).toBe('250 ms');
    expect(tickLabel(2_500_000, 5_000_000)).toBe('2.5 s');
  });
});
