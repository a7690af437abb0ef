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
  /** The cores view under the lanes (sampled runs), or null. */
  readonly cores: { readonly headerTopPx: number; readonly rows: readonly { core: number; topPx: number }[] } | null;
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

/**
 * Stacks groups top to bottom: each a header row, one row per lane in the
 * order the lanes were spawned, and with `cores` (for runs that sampled the OS) a row per CPU core.
 */
export function layoutRows(
  groups: readonly { model: RunModel; title: string }[],
  { rowPx, headerPx }: RowMetrics,
  cores = false,
): RowLayout {
  let y = 0;
  const out: GroupRows[] = [];
  for (const { model, title } of groups) {
    const headerTopPx = y;
    y += headerPx;
    const topByLane = new Float64Array(model.lanes.length).fill(NaN);
    const lanes: LaneRow[] = [];
    for (const lane of model.inSpawnOrder()) {
      lanes.push({ laneIndex: lane.info.laneId, topPx: y });
      topByLane[lane.info.laneId] = y;
      y += rowPx;
    }
    let coreView: GroupRows['cores'] = null;
    if (cores && model.sampled) {
      const coresHeaderTopPx = y;
      y += headerPx;
      const rows = Array.from({ length: Math.max(model.cores, model.maxCore + 1) }, (_, core) => {
        const row = { core, topPx: y };
        y += rowPx;
        return row;
      });
      coreView = { headerTopPx: coresHeaderTopPx, rows };
    }
    out.push({ model, title, headerTopPx, lanes, topByLane, cores: coreView });
  }
  return { groups: out, heightPx: y };
}

/** The row under a y position: a lane's, a core's, or null. */
export function rowAt(
  layout: RowLayout,
  yPx: number,
  rowPx: number,
): { group: GroupRows; row: LaneRow } | { group: GroupRows; core: number } | null {
  for (const group of layout.groups) {
    for (const row of group.lanes) {
      if (yPx >= row.topPx && yPx < row.topPx + rowPx) return { group, row };
    }
    for (const row of group.cores?.rows ?? []) {
      if (yPx >= row.topPx && yPx < row.topPx + rowPx) return { group, core: row.core };
    }
  }
  return null;
}
