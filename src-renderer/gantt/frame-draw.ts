import type { RunModel } from '@shared/run-model';
import { tickCount } from '../lib/format';
import {
  drawBand,
  drawCores,
  drawGrid,
  drawInstants,
  drawLane,
  drawNow,
  LIGHT_PAINT,
  type BarMetrics,
  type Ctx,
  type SpanStyle,
  type TimeScale,
} from './draw';
import type { LaneSummary } from './lod';
import { drawMix, laneMix } from './overview';
import type { Row } from './rows';

/** What one frame of the chart's canvas layer draws, and with what. */
export interface ChartFrame {
  readonly models: readonly RunModel[];
  /** The rows in view, in content coordinates (scrolled by `scrollTopPx`). */
  readonly rows: readonly Row[];
  readonly scrollTopPx: number;
  readonly widthPx: number;
  readonly heightPx: number;
  /** The chart's one time scale. */
  readonly x: TimeScale & { ticks(count: number): number[] };
  readonly bar: BarMetrics;
  readonly style: SpanStyle;
  readonly font: string;
  /** performance.now() of the frame: live runs are drawn up to their "now" then. */
  readonly nowMs: number;
  readonly summaryOf: (model: RunModel, laneIndex: number) => LaneSummary | null;
  readonly laneColor: (lane: number) => string;
}

/**
 * The canvas layer of the timeline: grid, bands, every lane in view through the LOD reducer, printed
 * lines, collapsed processes as the mix of their lanes, the cores view and the live edge. Draws only
 * the rows in view. Returns the spans visited (about lanes in view × pixels, whatever the run's size).
 */
export function drawChartFrame(ctx: Ctx, f: ChartFrame): number {
  const { x, bar, style, widthPx: width, heightPx: height } = f;
  const paint = style.paint ?? LIGHT_PAINT;
  drawGrid(
    ctx,
    x.ticks(tickCount(x.domain(), width)).map((t) => x(t)),
    height,
    paint,
  );
  let visited = 0;
  const coreRows: { core: number; topPx: number }[][] = f.models.map(() => []);
  for (const row of f.rows) {
    const model = f.models[row.group];
    const y = row.topPx - f.scrollTopPx;
    const now = model.nowUs(f.nowMs);
    switch (row.kind) {
      case 'run':
      case 'cores':
        drawBand(ctx, y, row.heightPx, width, paint);
        break;
      case 'lane':
        visited += drawLane(ctx, model, row.laneIndex, y, x, bar, now, style, f.summaryOf(model, row.laneIndex));
        drawInstants(ctx, model, row.laneIndex, y, x, bar, f.font, paint);
        break;
      case 'process':
        drawBand(ctx, y, row.heightPx, width, paint);
        if (row.collapsed) {
          const [t0Us, t1Us] = x.domain();
          const mix = laneMix(model, row.lanes, (l) => f.summaryOf(model, l), { t0Us, t1Us, widthPx: width }, now);
          drawMix(ctx, mix, y + bar.padPx, row.heightPx - 2 * bar.padPx, style.colors);
        }
        break;
      case 'core':
        coreRows[row.group].push({ core: row.core, topPx: y });
        break;
      default: {
        const unreachable: never = row;
        return unreachable;
      }
    }
  }
  coreRows.forEach((rows, group) => {
    if (rows.length > 0) drawCores(ctx, f.models[group], rows, x, bar, f.laneColor, f.font, style.shared);
  });
  for (const model of f.models) if (model.running) drawNow(ctx, x, model.nowUs(f.nowMs), height, paint);
  return visited;
}
