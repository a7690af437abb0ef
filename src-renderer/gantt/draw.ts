import type { RunModel } from '@shared/run-model';

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
> & {
  fillStyle: CanvasRenderingContext2D['fillStyle'];
  strokeStyle: CanvasRenderingContext2D['strokeStyle'];
  lineWidth: number;
  font: string;
  textBaseline: CanvasTextBaseline;
};

/** The visible time window mapped onto the canvas width. */
export interface Viewport {
  readonly x0Us: number;
  readonly x1Us: number;
  readonly widthPx: number;
}

/** x position of a time. */
export const xOf = (v: Viewport, tUs: number): number => ((tUs - v.x0Us) / (v.x1Us - v.x0Us)) * v.widthPx;

/** Vertical placement of bars inside a row. */
export interface BarMetrics {
  readonly rowPx: number;
  readonly padPx: number;
}

/** Below this share of its time on a CPU, a running span is drawn hatched: it shared a core. */
const SHARED_BELOW = 0.85;
/** Shorter spans are never hatched: the kernel's CPU time is only as fresh as its last tick (a few ms). */
const SHARE_MIN_US = 20_000;

/**
 * What a stretch on a CPU got of its length in CPU time: well under it (`shared`: it waited for its
 * core part of the time), nearly all of it (`alone`: it had a core to itself), or not known (too short
 * to tell, or its CPU time not measured, NaN).
 */
export function coreShare(startUs: number, endUs: number, cpuUs: number): 'shared' | 'alone' | null {
  const length = endUs - startUs;
  if (!(length >= SHARE_MIN_US) || Number.isNaN(cpuUs)) return null;
  return cpuUs / length < SHARED_BELOW ? 'shared' : 'alone';
}

/** How spans look: colour by state index, and the overlay for running spans that shared a core. */
export interface SpanStyle {
  readonly colors: readonly string[];
  /** State indices that execute on a CPU (running, blocking). */
  readonly executing: ReadonlySet<number>;
  readonly shared: string | CanvasPattern;
}

/**
 * Draws one run's spans that fall in the viewport, each at least a pixel
 * wide. Open spans reach `nowUs`. A running span whose measured CPU time is
 * well below its length gets the `shared` overlay: it was runnable, but the
 * OS gave its core to someone else part of the time. Returns how many were drawn.
 */
export function drawSpans(
  ctx: Ctx,
  model: RunModel,
  topByLane: Float64Array,
  view: Viewport,
  bar: BarMetrics,
  nowUs: number,
  style: SpanStyle,
): number {
  const { count, lane, start, end, state, cpu } = model.spans;
  const colors = style.colors;
  const h = bar.rowPx - 2 * bar.padPx;
  let drawn = 0;
  let lastColor = -1;
  for (let i = 0; i < count; i++) {
    const top = topByLane[lane[i]];
    if (Number.isNaN(top)) continue;
    const e = Number.isNaN(end[i]) ? nowUs : end[i];
    if (e < view.x0Us || start[i] > view.x1Us || e <= start[i]) continue;
    const x0 = Math.max(xOf(view, start[i]), -1);
    const x1 = Math.min(xOf(view, e), view.widthPx + 1);
    if (state[i] !== lastColor) {
      ctx.fillStyle = colors[state[i]];
      lastColor = state[i];
    }
    ctx.fillRect(x0, top + bar.padPx, Math.max(1, x1 - x0), h);
    if (style.executing.has(state[i]) && coreShare(start[i], e, cpu[i]) === 'shared') {
      ctx.fillStyle = style.shared;
      ctx.fillRect(x0, top + bar.padPx, Math.max(1, x1 - x0), h);
      lastColor = -1;
    }
    drawn++;
  }
  return drawn;
}

/**
 * Draws printed lines as markers at the top of their lane, with the text
 * beside them when it fits before the next marker.
 */
export function drawInstants(
  ctx: Ctx,
  model: RunModel,
  topByLane: Float64Array,
  view: Viewport,
  bar: BarMetrics,
  font: string,
): void {
  ctx.font = font;
  ctx.textBaseline = 'middle';
  for (const lane of model.lanes) {
    if (!lane) continue;
    const top = topByLane[lane.info.laneId];
    if (Number.isNaN(top)) continue;
    const xs = lane.instants.map((i) => xOf(view, model.instants[i].tsUs));
    lane.instants.forEach((index, k) => {
      const x = xs[k];
      if (x < -200 || x > view.widthPx) return;
      const instant = model.instants[index];
      const y = top + bar.padPx;
      ctx.fillStyle = instant.stream === 'stderr' ? '#b00020' : '#1d1d1f';
      ctx.beginPath();
      ctx.moveTo(x - 5, y - 1);
      ctx.lineTo(x + 5, y - 1);
      ctx.lineTo(x, y + 7);
      ctx.closePath();
      ctx.fill();
      const room = (k + 1 < xs.length ? xs[k + 1] : view.widthPx) - x - 12;
      const text = instant.text;
      const width = ctx.measureText(text).width;
      if (width + 8 > room) return;
      const ty = top + bar.rowPx / 2;
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(x + 6, ty - 9, width + 8, 18);
      ctx.fillStyle = instant.stream === 'stderr' ? '#b00020' : '#1d1d1f';
      ctx.fillText(text, x + 10, ty);
    });
  }
}

/** The live edge: a dashed line at "now". */
export function drawNow(ctx: Ctx, view: Viewport, nowUs: number, heightPx: number): void {
  const x = xOf(view, nowUs);
  if (x < 0 || x > view.widthPx) return;
  ctx.fillStyle = '#1d1d1f';
  for (let y = 0; y < heightPx; y += 8) ctx.fillRect(Math.round(x) - 1, y, 2, 4);
}

/** Faint vertical lines at the axis ticks. */
export function drawGrid(ctx: Ctx, xs: readonly number[], heightPx: number): void {
  ctx.fillStyle = 'rgba(29, 29, 31, 0.08)';
  for (const x of xs) ctx.fillRect(Math.round(x), 0, 1, heightPx);
}

/** A light band behind a group's header row. */
export function drawBand(ctx: Ctx, topPx: number, heightPx: number, widthPx: number): void {
  ctx.fillStyle = 'rgba(29, 29, 31, 0.05)';
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
  view: Viewport,
  bar: BarMetrics,
  laneColor: (lane: number) => string,
  font: string,
  shared: string | CanvasPattern,
): void {
  const topOf = new Map(rows.map((r) => [r.core, r.topPx]));
  ctx.font = font;
  ctx.textBaseline = 'middle';
  // Hatched stretches first: a thread that got the core is drawn over one that waited on it.
  for (const hatched of [true, false]) {
    for (const span of model.coreSpans) {
      const top = topOf.get(span.core);
      if (top === undefined || span.endUs < view.x0Us || span.startUs > view.x1Us) continue;
      if ((coreShare(span.startUs, span.endUs, span.cpuUs) === 'shared') !== hatched) continue;
      const x0 = Math.max(xOf(view, span.startUs), -1);
      const x1 = Math.min(xOf(view, span.endUs), view.widthPx + 1);
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
