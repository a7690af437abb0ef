import type { LaneView, RunModel } from '@shared/run-model';

/** One row of the timeline, top to bottom. */
export type Row =
  /** A run's title bar (the chef pair shows two runs). */
  | { readonly kind: 'run'; readonly group: number; readonly topPx: number; readonly heightPx: number }
  /** A process's header: its lanes follow unless collapsed (then this row sums them up). */
  | {
      readonly kind: 'process';
      readonly group: number;
      readonly topPx: number;
      readonly heightPx: number;
      readonly key: string;
      readonly pid: number | null;
      readonly name: string;
      readonly lanes: readonly number[];
      readonly collapsed: boolean;
    }
  | {
      readonly kind: 'lane';
      readonly group: number;
      readonly topPx: number;
      readonly heightPx: number;
      readonly laneIndex: number;
      /** Indented under a process header. */
      readonly nested: boolean;
    }
  | { readonly kind: 'cores'; readonly group: number; readonly topPx: number; readonly heightPx: number }
  | {
      readonly kind: 'core';
      readonly group: number;
      readonly topPx: number;
      readonly heightPx: number;
      readonly core: number;
    };

/** All rows, and how tall they are together (the scrolled height). */
export interface RowLayout {
  readonly rows: readonly Row[];
  readonly heightPx: number;
}

/** Sizes of the rows, chosen for a projector. */
export interface RowMetrics {
  readonly rowPx: number;
  readonly headerPx: number;
}

export interface RowOptions {
  /** Rows for the CPU cores view (sampled runs). */
  readonly cores: boolean;
  /** Only lanes whose name or detail holds this text (any case); empty: all. */
  readonly filter: string;
  /** Process groups shown collapsed, by key (`runId:pid`). */
  readonly collapsed: ReadonlySet<string>;
}

/** Runs with more lanes than this get a header row per process (a lesson's few lanes read better without). */
export const GROUP_ABOVE_LANES = 16;

/** A lane's process: its pid (tasks and threads share their process's), or null where not yet known. */
const pidOf = (lane: LaneView): number | null => lane.info.pid;

/** Whether a lane matches the filter text. */
export function laneMatches(lane: LaneView, needle: string): boolean {
  if (needle === '') return true;
  const hay = `${lane.info.name} ${lane.info.detail ?? ''} ${lane.info.kind}`.toLowerCase();
  return hay.includes(needle);
}

/** The name of a process group: what the file or the run called it, else its main lane's. */
function processName(model: RunModel, pid: number | null, lanes: readonly LaneView[]): string {
  if (pid === null) return 'not started yet';
  const named = model.processNames.get(pid);
  if (named) return named;
  const main = lanes.find((l) => l.info.kind === 'process');
  return main ? main.info.name : `process ${pid}`;
}

/**
 * Stacks the rows: for each run a title row, then its lanes in spawn (or file) order, under a header
 * per process when the run has more than GROUP_ABOVE_LANES lanes in more than one process (or is an
 * imported file), then a row per CPU core where asked. Nothing is capped: the chart draws only the
 * rows in view.
 */
export function layoutRows(
  groups: readonly { model: RunModel; title: string }[],
  { rowPx, headerPx }: RowMetrics,
  options: RowOptions,
): RowLayout {
  const rows: Row[] = [];
  let y = 0;
  const needle = options.filter.trim().toLowerCase();
  groups.forEach(({ model }, group) => {
    rows.push({ kind: 'run', group, topPx: y, heightPx: headerPx });
    y += headerPx;
    const ordered = model.inSpawnOrder();
    const byPid = new Map<number | null, LaneView[]>();
    for (const lane of ordered) {
      const pid = pidOf(lane);
      let list = byPid.get(pid);
      if (!list) byPid.set(pid, (list = []));
      list.push(lane);
    }
    const grouped = (ordered.length > GROUP_ABOVE_LANES && byPid.size > 1) || (model.source !== null && byPid.size > 1);
    if (!grouped) {
      for (const lane of ordered) {
        if (!laneMatches(lane, needle)) continue;
        rows.push({ kind: 'lane', group, topPx: y, heightPx: rowPx, laneIndex: lane.info.laneId, nested: false });
        y += rowPx;
      }
    } else {
      for (const [pid, lanes] of byPid) {
        const name = processName(model, pid, lanes);
        const matching = lanes.filter((l) => laneMatches(l, needle));
        if (matching.length === 0 && !(needle && name.toLowerCase().includes(needle))) continue;
        const shown = matching.length > 0 ? matching : lanes;
        const key = `${model.runId}:${pid}`;
        const collapsed = options.collapsed.has(key);
        rows.push({
          kind: 'process',
          group,
          topPx: y,
          heightPx: collapsed ? rowPx : headerPx,
          key,
          pid,
          name,
          lanes: shown.map((l) => l.info.laneId),
          collapsed,
        });
        y += collapsed ? rowPx : headerPx;
        if (collapsed) continue;
        for (const lane of shown) {
          rows.push({ kind: 'lane', group, topPx: y, heightPx: rowPx, laneIndex: lane.info.laneId, nested: true });
          y += rowPx;
        }
      }
    }
    if (options.cores && model.sampled) {
      rows.push({ kind: 'cores', group, topPx: y, heightPx: headerPx });
      y += headerPx;
      const cores = Math.max(model.cores, model.maxCore + 1);
      for (let core = 0; core < cores; core++) {
        rows.push({ kind: 'core', group, topPx: y, heightPx: rowPx, core });
        y += rowPx;
      }
    }
  });
  return { rows, heightPx: y };
}

/** The index of the row at `yPx` (content coordinates), or -1. Binary search: rows are sorted by top. */
export function rowIndexAt(layout: RowLayout, yPx: number): number {
  const rows = layout.rows;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const row = rows[mid];
    if (yPx < row.topPx) hi = mid - 1;
    else if (yPx >= row.topPx + row.heightPx) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The row at `yPx`, or null. */
export function rowAt(layout: RowLayout, yPx: number): Row | null {
  const i = rowIndexAt(layout, yPx);
  return i < 0 ? null : layout.rows[i];
}

/** The rows that overlap [topPx, topPx + heightPx): [from, to) indices. */
export function visibleRange(layout: RowLayout, topPx: number, heightPx: number): [number, number] {
  const rows = layout.rows;
  if (rows.length === 0) return [0, 0];
  let from = rowIndexAt(layout, Math.max(0, topPx));
  if (from < 0) from = topPx <= 0 ? 0 : rows.length;
  let to = from;
  while (to < rows.length && rows[to].topPx < topPx + heightPx) to++;
  return [from, to];
}
