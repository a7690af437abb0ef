import type { CoreSpan, RunModel } from '@shared/run-model';
import type { TimeScale } from './draw';
import { rowAt, type Row, type RowLayout } from './rows';

/** What is under the pointer. */
export type Hit =
  | {
      readonly kind: 'span';
      readonly model: RunModel;
      readonly laneIndex: number;
      readonly span: number;
      /** Slices nested inside it at the pointer's time (imported traces), outermost first. */
      readonly nested: readonly number[];
    }
  | { readonly kind: 'instant'; readonly model: RunModel; readonly laneIndex: number; readonly instant: number }
  | {
      readonly kind: 'core';
      readonly model: RunModel;
      readonly core: number;
      /** Every thread runnable on the core then, the one that got most of its time first. */
      readonly here: readonly CoreSpan[];
    }
  | { readonly kind: 'process'; readonly model: RunModel; readonly row: Extract<Row, { kind: 'process' }> };

/** A printed line's marker answers the pointer this close to it, in pixels. */
export const INSTANT_HIT_PX = 6;

/** The instant of a lane nearest `px` within INSTANT_HIT_PX, or -1 (binary search: a lane's instants are in time order). */
export function instantNear(model: RunModel, laneIndex: number, x: TimeScale, px: number): number {
  const list = model.lanes[laneIndex]?.instants ?? [];
  const t = x.invert(px);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (model.instants[list[mid]].tsUs < t) lo = mid + 1;
    else hi = mid;
  }
  let best = -1;
  let bestPx = INSTANT_HIT_PX + 1;
  for (const k of [lo - 1, lo]) {
    if (k < 0 || k >= list.length) continue;
    const d = Math.abs(x(model.instants[list[k]].tsUs) - px);
    if (d < bestPx) {
      best = list[k];
      bestPx = d;
    }
  }
  return best;
}

/**
 * What is at (px, yPx), with yPx in the rows' coordinates (scrolled content): a printed line's marker
 * first, then the span under it; on a core's row the threads runnable there; on a process header, the process.
 */
export function hitTest(
  layout: RowLayout,
  models: readonly RunModel[],
  x: TimeScale,
  px: number,
  yPx: number,
): Hit | null {
  const row = rowAt(layout, yPx);
  if (!row) return null;
  const model = models[row.group];
  if (!model) return null;
  const tUs = x.invert(px);
  switch (row.kind) {
    case 'lane': {
      const instant = instantNear(model, row.laneIndex, x, px);
      if (instant >= 0) return { kind: 'instant', model, laneIndex: row.laneIndex, instant };
      const span = model.spanAt(row.laneIndex, tUs);
      if (span < 0) return null;
      return { kind: 'span', model, laneIndex: row.laneIndex, span, nested: model.nestedAt(row.laneIndex, span, tUs) };
    }
    case 'core': {
      const here = model.coreSpans
        .filter((c) => c.core === row.core && c.startUs <= tUs && tUs < c.endUs)
        .sort((a, b) => b.cpuUs / (b.endUs - b.startUs) - a.cpuUs / (a.endUs - a.startUs));
      return { kind: 'core', model, core: row.core, here };
    }
    case 'process':
      return { kind: 'process', model, row };
    case 'run':
    case 'cores':
      return null;
    default: {
      const unreachable: never = row;
      return unreachable;
    }
  }
}
