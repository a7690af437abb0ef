import { scaleLinear } from 'd3-scale';
import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src-main/protocol/events';
import { drawLane, type SpanStyle } from '../../src-renderer/gantt/draw';
import { moveFocus } from '../../src-renderer/gantt/explore';
import { fitLabels } from '../../src-renderer/gantt/label-width';
import { layoutRows } from '../../src-renderer/gantt/rows';
import { SvgRecorder } from '../../src-renderer/gantt/svg-recorder';
import { imageName } from '../../src-renderer/lib/save-image';
import { EXECUTING_INDICES, OUTLINED_INDICES, STATE_COLORS, STATE_STYLES } from '../../src-renderer/lib/states';
import { id, lane, modelOf } from './fixtures';

/** Two lanes: lane 0 starts, runs, waits; lane 1 waits for the GIL, then runs. */
function model() {
  const at = (laneId: number, tsUs: number, state: 'running' | 'waiting' | 'gil-wait'): EngineEvent => ({
    type: 'state',
    laneId: id(laneId),
    tsUs,
    state,
    detail: null,
    mayWaitForGil: false,
    closedCpuUs: null,
  });
  return modelOf([
    { type: 'lane-added', lane: lane(0, 'Worker-1', 'thread') },
    { type: 'lane-added', lane: lane(1, 'Worker-2', 'thread') },
    { type: 'lane-ready', laneId: id(0), tsUs: 10_000, pid: 7, tid: 8, closedCpuUs: null },
    { type: 'lane-ready', laneId: id(1), tsUs: 10_000, pid: 7, tid: 9, closedCpuUs: null },
    at(0, 10_000, 'running'),
    at(1, 10_000, 'gil-wait'),
    at(0, 50_000, 'waiting'),
    at(1, 50_000, 'running'),
    { type: 'lane-ended', laneId: id(0), tsUs: 90_000, outcome: { kind: 'completed' }, soloUs: null },
    { type: 'lane-ended', laneId: id(1), tsUs: 90_000, outcome: { kind: 'completed' }, soloUs: null },
  ]);
}

describe('labels are never cut', () => {
  const measure = (t: string) => t.length * 10;
  test('the column is as wide as the longest name needs, when the chart can spare it', () => {
    const fit = fitLabels(
      [
        { name: 'ThreadPoolExecutor-0_0', meta: 'thread · pid 1 · tid 2' },
        { name: 'main', meta: 'process · pid 1' },
      ],
      measure,
      measure,
      { minPx: 100, maxPx: 400, padPx: 20 },
    );
    expect(fit).toEqual({ columnPx: 240, lines: 2 });
  });

  test('past its widest share, names wrap onto more lines (and rows grow for them) instead of being cut', () => {
    const fit = fitLabels([{ name: 'x'.repeat(50), meta: 'thread' }], measure, measure, {
      minPx: 100,
      maxPx: 220,
      padPx: 20,
    });
    expect(fit.columnPx).toBe(220);
    expect(fit.lines).toBe(3 + 1);
  });
});

describe('exploring the chart by keyboard', () => {
  test('→ and ← walk a lane’s spans; ↓ goes to the lane below, to its span nearest in time', () => {
    const m = model();
    const layout = layoutRows(
      [{ model: m, title: 'run' }],
      { rowPx: 40, headerPx: 30 },
      {
        cores: false,
        filter: '',
        collapsed: new Set(),
      },
    );
    const stateOf = (f: { span: number } | null) => (f ? m.spans.state[f.span] : null);
    const first = moveFocus(layout.rows, [m], null, 'ArrowRight');
    expect(first).not.toBeNull();
    expect(layout.rows[first!.row]).toMatchObject({ kind: 'lane', laneIndex: 0 });
    const name = (f: { span: number } | null) => STATE_STYLES[stateOf(f)!].state;
    // Starting, then running (the zero-length span a lane's start leaves is not drawn, so not visited).
    expect(name(first)).toBe('starting');
    const next = moveFocus(layout.rows, [m], first, 'ArrowRight');
    expect(name(next)).toBe('running');
    expect(m.spans.end[next!.span] - m.spans.start[next!.span]).toBe(40_000);
    expect(moveFocus(layout.rows, [m], next, 'ArrowLeft')).toEqual(first);
    // Lane 0 is running at 10–50 ms: below it, lane 1 then waits for the GIL.
    const below = moveFocus(layout.rows, [m], next, 'ArrowDown');
    expect(layout.rows[below!.row]).toMatchObject({ laneIndex: 1 });
    expect(STATE_STYLES[stateOf(below)!].state).toBe('gil-wait');
    // Nowhere above the first lane, nothing before its first span.
    expect(moveFocus(layout.rows, [m], first, 'ArrowUp')).toBeNull();
    expect(moveFocus(layout.rows, [m], first, 'ArrowLeft')).toBeNull();
  });
});

describe('the chart as SVG', () => {
  test('the canvas’s own draw functions write it: state colours, patterns and outlines as on screen', () => {
    const m = model();
    const svg = new SvgRecorder((_font, text) => text.length * 7);
    const style: SpanStyle = {
      colors: STATE_COLORS,
      executing: EXECUTING_INDICES,
      shared: 'url(#ck-shared)',
      marks: STATE_STYLES.map((s) => (s.mark === 'dots' ? 'url(#ck-dots)' : null)),
      outlined: OUTLINED_INDICES,
    };
    const x = scaleLinear().domain([0, 100_000]).range([0, 1000]);
    drawLane(svg, m, 1, 0, x, { rowPx: 40, padPx: 6 }, 100_000, style, null);
    const out = svg.markup();
    const color = (state: string) => STATE_STYLES.find((s) => s.state === state)!.color;
    expect(out).toContain(`fill="${color('gil-wait')}"`);
    expect(out).toContain('fill="url(#ck-dots)"');
    expect(out).toContain(`fill="${color('running')}"`);
    svg.fillText('a <b> & "c"', 1, 2);
    expect(svg.markup()).toContain('>a &lt;b&gt; &amp; &quot;c&quot;</text>');
  });

  test('a saved picture is named after the app, the lesson and the time, with nothing a file system minds', () => {
    expect(imageName('Cook and assistant (parallelism) + One cook', 'png', new Date('2026-12-05T06:30:01Z'))).toBe(
      'concurrency-kitchen-cook-and-assistant-parallelism-one-cook-2026-12-05-06-30-01.png',
    );
  });
});
