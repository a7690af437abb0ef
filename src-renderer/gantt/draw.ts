import type { RunModel } from '@shared/run-model';
import { reduceLane, STATE_COUNT, type LaneSummary, type Window } from './lod';
import { coreShare } from '@shared/core-share';

export { coreShare };

/** The part of a canvas 2D context the draw functions use (a fake one in tests). */
export type Ctx = Pick<
  CanvasRenderingContext2D,
  | 'fillRect'
  | 'fillText'
  | 'measureText'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'closePath'
  | 'fill'
  | 'stroke'
  | 'save'
  | 'restore'
  | 'rect'
  | 'clip'
  | 'strokeRect'
> & {
  fillStyle: CanvasRenderingContext2D['fillStyle'];
  strokeStyle: CanvasRenderingContext2D['strokeStyle'];
  lineWidth: number;
  font: string;
  textBaseline: CanvasTextBaseline;
};

/**
 * The chart's one time scale (the d3 scale of the axis): drawing and hit-testing read their mapping
 * from it, so there is one time→x mapping per chart.
 */
export interface TimeScale {
  (tUs: number): number;
  domain(): number[];
  range(): number[];
  invert(x: number): number;
}

/** The visible window of a scale, for the LOD reducer. */
export function windowOf(x: TimeScale): Window {
  const [t0Us, t1Us] = x.domain();
  const [r0, r1] = x.range();
  return { t0Us, t1Us, widthPx: r1 - r0 };
}

/** Vertical placement of bars inside a row. */
export interface BarMetrics {
  readonly rowPx: number;
  readonly padPx: number;
}

/** How spans look: colour by state index, and the overlay for running spans that shared a core. */
export interface SpanStyle {
  readonly colors: readonly string[];
  /** State indices that execute on a CPU (running, blocking). */
  readonly executing: ReadonlySet<number>;
  readonly shared: string | CanvasPattern;
  /**
   * A pattern over each state's colour (null: plain), so the states that sit side by side in lessons
   * differ without colour too (lib/states.ts says which); by state index.
   */
  readonly marks?: readonly (string | CanvasPattern | null)[];
  /** States drawn with an outline (starting: light and outlined, running: dark and plain). */
  readonly outlined?: ReadonlySet<number>;
  readonly paint?: Paint;
}

/** The chart's colours that are not a state's: they follow the theme. */
export interface Paint {
  /** Text, markers, the live edge. */
  readonly ink: string;
  /** Behind printed lines' text. */
  readonly paper: string;
  readonly grid: string;
  readonly band: string;
}

export const LIGHT_PAINT: Paint = {
  ink: '#1d1d1f',
  paper: 'rgba(255,255,255,0.85)',
  grid: 'rgba(29, 29, 31, 0.08)',
  band: 'rgba(29, 29, 31, 0.05)',
};

/** Marks narrower than this are left plain: a pattern needs room to be seen. */
const MARK_MIN_PX = 4;

/**
 * Draws one lane's row through the level-of-detail reducer: spans a pixel or wider as bars (a running
 * span whose CPU time was well below its length gets the `shared` overlay: it was runnable, but the
 * OS gave its core to someone else part of the time), and pixel columns holding thinner spans as
 * coverage marks, stacked by the share of each state. Open spans reach `nowUs`. Returns spans visited.
 */
export function drawLane(
  ctx: Ctx,
  model: RunModel,
  laneIndex: number,
  topPx: number,
  x: TimeScale,
  bar: BarMetrics,
  nowUs: number,
  style: SpanStyle,
  summary: LaneSummary | null,
): number {
  const lane = model.lanes[laneIndex];
  if (!lane) return 0;
  const store = model.spans;
  const { start, end, cpu } = store;
  const h = bar.rowPx - 2 * bar.padPx;
  const y = topPx + bar.padPx;
  const hatched = (i: number) => {
    if (!style.executing.has(store.state[i])) return 0;
    const e = Number.isNaN(end[i]) ? nowUs : end[i];
    return coreShare(start[i], e, cpu[i]) === 'shared' ? 1 : 0;
  };
  let columnX = -2;
  let columnW = 0;
  const heights = new Int16Array(STATE_COUNT);
  const pending = new Int16Array(STATE_COUNT);
  const flushColumns = () => {
    if (columnW <= 0) return;
    let yy = y + h;
    for (let s = 0; s < STATE_COUNT; s++) {
      if (pending[s] <= 0) continue;
      yy -= pending[s];
      ctx.fillStyle = style.colors[s];
      ctx.fillRect(columnX, yy, columnW, pending[s]);
    }
    columnW = 0;
  };
  const visited = reduceLane(
    store,
    lane.spans,
    summary,
    windowOf(x),
    nowUs,
    {
      run(x0, x1, state, span) {
        ctx.fillStyle = style.colors[state];
        ctx.fillRect(x0, y, x1 - x0, h);
        if (hatched(span)) {
          ctx.fillStyle = style.shared;
          ctx.fillRect(x0, y, x1 - x0, h);
        }
        if (x1 - x0 < MARK_MIN_PX) return;
        const mark = style.marks?.[state];
        if (mark) {
          ctx.fillStyle = mark;
          ctx.fillRect(x0, y, x1 - x0, h);
        }
        if (style.outlined?.has(state)) {
          ctx.strokeStyle = (style.paint ?? LIGHT_PAINT).ink;
          ctx.lineWidth = 1.5;
          ctx.strokeRect(x0 + 0.75, y + 0.75, x1 - x0 - 1.5, h - 1.5);
        }
      },
      column(cx, mix) {
        // Heights in whole pixels, each state present at least one; identical neighbours merge.
        for (let s = 0; s < STATE_COUNT; s++) heights[s] = mix[s] > 0 ? Math.max(1, Math.round(mix[s] * h)) : 0;
        let same = cx === columnX + columnW;
        for (let s = 0; s < STATE_COUNT && same; s++) same = heights[s] === pending[s];
        if (same) {
          columnW++;
          return;
        }
        flushColumns();
        pending.set(heights);
        columnX = cx;
        columnW = 1;
      },
    },
    hatched,
  );
  flushColumns();
  return visited;
}

/** The colour of stderr lines (the legend's too). */
export const STDERR = '#b00020';

/** Instants of a lane drawn at most: a lane printing thousands of lines gets markers for those in view only. */
const MAX_INSTANT_LABELS = 400;

/**
 * Draws a lane's printed lines in view as markers at the top of its row, with the text beside them
 * when it fits before the next marker.
 */
export function drawInstants(
  ctx: Ctx,
  model: RunModel,
  laneIndex: number,
  topPx: number,
  x: TimeScale,
  bar: BarMetrics,
  font: string,
  paint: Paint = LIGHT_PAINT,
): void {
  const lane = model.lanes[laneIndex];
  if (!lane || lane.instants.length === 0) return;
  const { t0Us, t1Us, widthPx } = windowOf(x);
  ctx.font = font;
  ctx.textBaseline = 'middle';
  // Instants of a lane are in time order: the first in view by binary search.
  const list = lane.instants;
  let lo = 0;
  let hi = list.length;
  const margin = (t1Us - t0Us) * (200 / Math.max(1, widthPx));
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (model.instants[list[mid]].tsUs < t0Us - margin) lo = mid + 1;
    else hi = mid;
  }
  let drawn = 0;
  for (let k = lo; k < list.length && drawn < MAX_INSTANT_LABELS; k++) {
    const instant = model.instants[list[k]];
    if (instant.tsUs > t1Us) break;
    drawn++;
    const at = x(instant.tsUs);
    const y = topPx + bar.padPx;
    ctx.fillStyle = instant.stream === 'stderr' ? STDERR : paint.ink;
    ctx.beginPath();
    ctx.moveTo(at - 5, y - 1);
    ctx.lineTo(at + 5, y - 1);
    ctx.lineTo(at, y + 7);
    ctx.closePath();
    ctx.fill();
    const next = k + 1 < list.length ? x(model.instants[list[k + 1]].tsUs) : widthPx;
    const room = Math.min(next, widthPx) - at - 12;
    const text = instant.text;
    if (text.length * 4 > room) continue;
    const width = ctx.measureText(text).width;
    if (width + 8 > room) continue;
    const ty = topPx + bar.rowPx / 2;
    ctx.fillStyle = paint.paper;
    ctx.fillRect(at + 6, ty - 9, width + 8, 18);
    ctx.fillStyle = instant.stream === 'stderr' ? STDERR : paint.ink;
    ctx.fillText(text, at + 10, ty);
  }
}

/** The live edge: a dashed line at "now". */
export function drawNow(ctx: Ctx, x: TimeScale, nowUs: number, heightPx: number, paint: Paint = LIGHT_PAINT): void {
  const at = x(nowUs);
  if (at < 0 || at > windowOf(x).widthPx) return;
  ctx.fillStyle = paint.ink;
  for (let y = 0; y < heightPx; y += 8) ctx.fillRect(Math.round(at) - 1, y, 2, 4);
}

/** Faint vertical lines at the axis ticks. */
export function drawGrid(ctx: Ctx, xs: readonly number[], heightPx: number, paint: Paint = LIGHT_PAINT): void {
  ctx.fillStyle = paint.grid;
  for (const x of xs) ctx.fillRect(Math.round(x), 0, 1, heightPx);
}

/** A light band behind a group's header row. */
export function drawBand(ctx: Ctx, topPx: number, heightPx: number, widthPx: number, paint: Paint = LIGHT_PAINT): void {
  ctx.fillStyle = paint.band;
  ctx.fillRect(0, topPx, widthPx, heightPx);
}

/**
 * Draws which lane's thread ran on each CPU core (sampled runs): one row per
 * core, bars coloured by lane, named where they are wide enough. A thread is
 * on a core's row while it is runnable there, on it or queued behind others:
 * a stretch where it got well under that core's time is hatched, as a running
 * span that shared its core is.
 */
export function drawCores(
  ctx: Ctx,
  model: RunModel,
  rows: readonly { core: number; topPx: number }[],
  x: TimeScale,
  bar: BarMetrics,
  laneColor: (lane: number) => string,
  font: string,
  shared: string | CanvasPattern,
): void {
  const topOf = new Map(rows.map((r) => [r.core, r.topPx]));
  const view = windowOf(x);
  ctx.font = font;
  ctx.textBaseline = 'middle';
  // Hatched stretches first: a thread that got the core is drawn over one that waited on it.
  for (const hatched of [true, false]) {
    for (const span of model.coreSpans) {
      const top = topOf.get(span.core);
      if (top === undefined || span.endUs < view.t0Us || span.startUs > view.t1Us) continue;
      if ((coreShare(span.startUs, span.endUs, span.cpuUs) === 'shared') !== hatched) continue;
      const x0 = Math.max(x(span.startUs), -1);
      const x1 = Math.min(x(span.endUs), view.widthPx + 1);
      const width = Math.max(1, x1 - x0);
      ctx.fillStyle = laneColor(span.lane);
      ctx.fillRect(x0, top + bar.padPx, width, bar.rowPx - 2 * bar.padPx);
      if (hatched) {
        ctx.fillStyle = shared;
        ctx.fillRect(x0, top + bar.padPx, width, bar.rowPx - 2 * bar.padPx);
      }
      const name = model.lanes[span.lane]?.info.name ?? '';
      if (width > ctx.measureText(name).width + 10) {
        ctx.fillStyle = '#ffffff';
        ctx.fillText(name, x0 + 5, top + bar.rowPx / 2);
      }
    }
  }
}

/** A repeating tile drawn by `paint`, as a fill (or `fallback` where there is no 2D canvas). */
function tilePattern(
  ctx: CanvasRenderingContext2D,
  size: number,
  paint: (t: CanvasRenderingContext2D) => void,
  fallback: string,
): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = size;
  tile.height = size;
  const t = tile.getContext('2d');
  if (!t) return fallback;
  paint(t);
  return ctx.createPattern(tile, 'repeat') ?? fallback;
}

/** Dark dots: waiting for the GIL (beside running, which is plain). */
export function dotsPattern(ctx: CanvasRenderingContext2D): CanvasPattern | string {
  return tilePattern(
    ctx,
    6,
    (t) => {
      t.fillStyle = 'rgba(29, 29, 31, 0.55)';
      t.beginPath();
      t.arc(3, 3, 1.3, 0, Math.PI * 2);
      t.fill();
    },
    'rgba(29, 29, 31, 0.15)',
  );
}

/** Light horizontal stripes: blocked (beside waiting, which is plain). */
export function stripesPattern(ctx: CanvasRenderingContext2D): CanvasPattern | string {
  return tilePattern(
    ctx,
    6,
    (t) => {
      t.fillStyle = 'rgba(255, 255, 255, 0.55)';
      t.fillRect(0, 0, 6, 2);
    },
    'rgba(255, 255, 255, 0.2)',
  );
}

/** White diagonal stripes over a bar: "running, but on a CPU only part of the time" (a shared core). */
export function hatchPattern(ctx: CanvasRenderingContext2D): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const t = tile.getContext('2d');
  if (!t) return 'rgba(255,255,255,0.45)';
  t.strokeStyle = 'rgba(255,255,255,0.75)';
  t.lineWidth = 2.5;
  t.beginPath();
  t.moveTo(-2, 10);
  t.lineTo(10, -2);
  t.stroke();
  return ctx.createPattern(tile, 'repeat') ?? 'rgba(255,255,255,0.45)';
}
