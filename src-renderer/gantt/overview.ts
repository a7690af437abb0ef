import type { RunModel } from '@shared/run-model';
import type { Ctx } from './draw';
import { reduceLane, STATE_COUNT, type LaneSummary, type Window } from './lod';

/** Lanes summed into an overview at most: past this, every k-th lane stands for its neighbours. */
export const OVERVIEW_MAX_LANES = 400;

/**
 * The share of `lanes` in each state per pixel column, over `view`: out[col * STATE_COUNT + s] is the
 * average over the lanes of the share of the column each spent in state s. Built from the same LOD
 * marks the rows are drawn with; many lanes are sampled evenly (OVERVIEW_MAX_LANES).
 */
export function laneMix(
  model: RunModel,
  lanes: readonly number[],
  summaryOf: (laneIndex: number) => LaneSummary | null,
  view: Window,
  nowUs: number,
): Float64Array {
  const width = Math.max(0, Math.floor(view.widthPx));
  const out = new Float64Array(width * STATE_COUNT);
  if (lanes.length === 0 || width === 0) return out;
  const step = Math.max(1, Math.ceil(lanes.length / OVERVIEW_MAX_LANES));
  let counted = 0;
  for (let k = 0; k < lanes.length; k += step) {
    const lane = model.lanes[lanes[k]];
    if (!lane) continue;
    counted++;
    reduceLane(model.spans, lane.spans, summaryOf(lanes[k]), view, nowUs, {
      run(x0, x1, state) {
        for (let c = Math.max(0, Math.floor(x0)); c < Math.min(width, Math.ceil(x1)); c++)
          out[c * STATE_COUNT + state] += 1;
      },
      column(x, mix) {
        if (x < 0 || x >= width) return;
        for (let s = 0; s < STATE_COUNT; s++) out[x * STATE_COUNT + s] += mix[s];
      },
    });
  }
  if (counted > 0) for (let i = 0; i < out.length; i++) out[i] /= counted;
  return out;
}

/** Draws a mix as stacked columns in [top, top + height): each state's share of the lanes, from the bottom. */
export function drawMix(ctx: Ctx, mix: Float64Array, topPx: number, heightPx: number, colors: readonly string[]): void {
  const width = mix.length / STATE_COUNT;
  // Neighbouring columns of equal heights are one rectangle.
  for (let s = 0; s < STATE_COUNT; s++) {
    ctx.fillStyle = colors[s];
    let runStart = -1;
    let runY = 0;
    let runH = 0;
    const flush = (end: number) => {
      if (runStart >= 0 && runH > 0) ctx.fillRect(runStart, runY, end - runStart, runH);
      runStart = -1;
    };
    for (let c = 0; c < width; c++) {
      let below = 0;
      for (let t = 0; t < s; t++) below += mix[c * STATE_COUNT + t];
      const share = mix[c * STATE_COUNT + s];
      const h = share > 0 ? Math.max(1, Math.round(share * heightPx)) : 0;
      const y = topPx + heightPx - Math.round(below * heightPx) - h;
      if (h !== runH || y !== runY || runStart < 0) {
        flush(c);
        if (h > 0) {
          runStart = c;
          runY = y;
          runH = h;
        }
      }
    }
    flush(width);
  }
}
