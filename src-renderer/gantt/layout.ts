import type { RunModel } from '../lib/run-model';

/** Where one lane's row sits. */
export interface LaneRow {
  readonly laneIndex: number;
  readonly topPx: number;
}

/** One run's block of rows: a header, then its lanes. */
export interface GroupRows {
  readonly model: RunModel;
  readonly title: string;
  readonly headerTopPx: number;
  readonly lanes: readonly LaneRow[];
  /** Row top by lane index, for the draw loop (NaN for lanes not shown). */
  readonly topByLane: Float64Array;
}

/** All rows of the timeline. */
export interface RowLayout {
  readonly groups: readonly GroupRows[];
  readonly heightPx: number;
}

/** Sizes of the rows, chosen for a projector. */
export interface RowMetrics {
  readonly rowPx: number;
  readonly headerPx: number;
}

/** Stacks groups top to bottom: each a header row, then one row per lane in lane order. */
export function layoutRows(
  groups: readonly { model: RunModel; title: string }[],
  { rowPx, headerPx }: RowMetrics,
): RowLayout {
  let y = 0;
  const out: GroupRows[] = [];
  for (const { model, title } of groups) {
    const headerTopPx = y;
    y += headerPx;
    const topByLane = new Float64Array(model.lanes.length).fill(NaN);
    const lanes: LaneRow[] = [];
    for (const lane of model.lanes) {
      if (!lane) continue;
      lanes.push({ laneIndex: lane.info.laneId, topPx: y });
      topByLane[lane.info.laneId] = y;
      y += rowPx;
    }
    out.push({ model, title, headerTopPx, lanes, topByLane });
  }
  return { groups: out, heightPx: y };
}

/** The row (group and lane) under a y position, or null. */
export function rowAt(layout: RowLayout, yPx: number, rowPx: number): { group: GroupRows; row: LaneRow } | null {
  for (const group of layout.groups) {
    for (const row of group.lanes) {
      if (yPx >= row.topPx && yPx < row.topPx + rowPx) return { group, row };
    }
  }
  return null;
}
