import type { RunModel } from '@shared/run-model';
import type { Row } from './rows';

/** A span the keyboard is on: its lane's row (an index into the layout's rows) and the span. */
export interface SpanFocus {
  readonly row: number;
  readonly span: number;
}

/** The lane rows, by their index among all rows. */
function laneRows(rows: readonly Row[]): number[] {
  return rows.flatMap((r, i) => (r.kind === 'lane' ? [i] : []));
}

/** Whether a span has a length to be seen (a lane's start can leave zero-length ones). */
function drawn(model: RunModel, i: number): boolean {
  const { start, end } = model.spans;
  return Number.isNaN(end[i]) || end[i] > start[i];
}

/** A lane's spans that are drawn, in time order. */
function spansOf(model: RunModel, laneIndex: number): number[] {
  const list = model.lanes[laneIndex]?.spans;
  const out: number[] = [];
  if (list) for (let k = 0; k < list.length; k++) if (drawn(model, list.items[k])) out.push(list.items[k]);
  return out;
}

/** The lane's span at `tUs` (start ≤ t < end), or the nearest one to it; -1 when the lane has none. */
export function spanNear(model: RunModel, laneIndex: number, tUs: number): number {
  const list = spansOf(model, laneIndex);
  if (list.length === 0) return -1;
  const { start, end } = model.spans;
  let best = list[0];
  let bestD = Infinity;
  for (const i of list) {
    const e = Number.isNaN(end[i]) ? model.nowUs() : end[i];
    const d = tUs < start[i] ? start[i] - tUs : tUs >= e ? tUs - e + 1e-6 : 0;
    if (d < bestD) {
      best = i;
      bestD = d;
    }
    if (d === 0) break;
  }
  return best;
}

/**
 * Where an arrow key takes the keyboard's focus: ←/→ the previous or next span of the lane, ↑/↓ the
 * span of the lane above or below nearest in time to the one it leaves. Null where there is nowhere to go.
 */
export function moveFocus(
  rows: readonly Row[],
  models: readonly RunModel[],
  from: SpanFocus | null,
  key: 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown',
): SpanFocus | null {
  const lanes = laneRows(rows);
  if (lanes.length === 0) return null;
  const first = (rowIndex: number): SpanFocus | null => {
    const row = rows[rowIndex];
    if (row.kind !== 'lane') return null;
    const list = spansOf(models[row.group], row.laneIndex);
    return list.length > 0 ? { row: rowIndex, span: list[0] } : null;
  };
  if (from === null) {
    for (const r of lanes) {
      const f = first(r);
      if (f) return f;
    }
    return null;
  }
  const row = rows[from.row];
  if (row?.kind !== 'lane') return null;
  const model = models[row.group];
  if (key === 'ArrowLeft' || key === 'ArrowRight') {
    const list = spansOf(model, row.laneIndex);
    const k = list.indexOf(from.span);
    const next = k + (key === 'ArrowRight' ? 1 : -1);
    return k >= 0 && next >= 0 && next < list.length ? { row: from.row, span: list[next] } : null;
  }
  const at = lanes.indexOf(from.row);
  const { start, end } = model.spans;
  const mid = (start[from.span] + (Number.isNaN(end[from.span]) ? model.nowUs() : end[from.span])) / 2;
  for (let k = at + (key === 'ArrowDown' ? 1 : -1); k >= 0 && k < lanes.length; k += key === 'ArrowDown' ? 1 : -1) {
    const target = rows[lanes[k]];
    if (target.kind !== 'lane') continue;
    const span = spanNear(models[target.group], target.laneIndex, mid);
    if (span >= 0) return { row: lanes[k], span };
  }
  return null;
}
