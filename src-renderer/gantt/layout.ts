import type { RunModel } from '@shared/run-model';

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
  /** Lanes past the rows drawn (see MAX_DRAWN_LANES), and where the row that says so sits. */
  readonly hidden: { readonly count: number; readonly topPx: number } | null;
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
 * Rows drawn a run: a canvas has a largest size (Chromium's is 32,767 px a side), and a row a lane
 * does not scale to thousands. The lanes past these are in the summary and the saved trace, and a
 * row under the last one drawn says how many there are.
 */
export const MAX_DRAWN_LANES = 300;

/**
 * Stacks groups top to bottom: each a header row, one row per lane in the
 * order the lanes were spawned (up to `maxLanes`, then a row that says how
 * many more there are), and with `cores` (for runs that sampled the OS) a row per CPU core.
 */
export function layoutRows(
  groups: readonly { model: RunModel; title: string }[],
  { rowPx, headerPx }: RowMetrics,
  cores = false,
  maxLanes = MAX_DRAWN_LANES,
): RowLayout {
  let y = 0;
  const out: GroupRows[] = [];
  for (const { model, title } of groups) {
    const headerTopPx = y;
    y += headerPx;
    const topByLane = new Float64Array(model.lanes.length).fill(NaN);
    const lanes: LaneRow[] = [];
    const ordered = model.inSpawnOrder();
    for (const lane of ordered.slice(0, maxLanes)) {
      lanes.push({ laneIndex: lane.info.laneId, topPx: y });
      topByLane[lane.info.laneId] = y;
      y += rowPx;
    }
    let hidden: GroupRows['hidden'] = null;
    if (ordered.length > maxLanes) {
      hidden = { count: ordered.length - maxLanes, topPx: y };
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
    out.push({ model, title, headerTopPx, lanes, topByLane, hidden, cores: coreView });
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
