import { SPAN_STATES, type LaneSummary, type RunSummary, type SpanState } from '../protocol/events';
import type { LaneId } from '../protocol/ids';
import type { Timeline } from './timeline';

/** States in which a lane is executing on a CPU (its own work, or holding its loop). */
const EXECUTING: ReadonlySet<SpanState> = new Set(['running', 'blocking']);

/**
 * The most intervals open at one instant. An interval ending exactly when
 * another starts does not overlap it.
 */
export function peakOverlap(intervals: readonly { startUs: number; endUs: number }[]): number {
  return peakWeighted(intervals.map(({ startUs, endUs }) => ({ startUs, endUs, weight: 1 })));
}

/**
 * The highest sum of weights of intervals open at one instant (a weighted
 * peakOverlap): with each span weighted by its CPU share, how many cores
 * were busy at the busiest instant.
 */
export function peakWeighted(intervals: readonly { startUs: number; endUs: number; weight: number }[]): number {
  const edges: [number, number][] = [];
  for (const { startUs, endUs, weight } of intervals) {
    if (endUs <= startUs || weight <= 0) continue;
    edges.push([startUs, weight], [endUs, -weight]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, delta] of edges) {
    open += delta;
    peak = Math.max(peak, open);
  }
  return Math.round(peak * 100) / 100;
}

/** The share of a span's time it spent on a CPU (1 where not measured). */
export function cpuShare(span: { startUs: number; endUs: number; cpuUs: number | null }): number {
  if (span.cpuUs === null) return 1;
  return Math.min(1, span.cpuUs / Math.max(1, span.endUs - span.startUs));
}

/** Total length of the time covered by both interval lists (each list may overlap itself). */
export function overlapUs(
  a: readonly { startUs: number; endUs: number }[],
  b: readonly { startUs: number; endUs: number }[],
): number {
  const merge = (list: readonly { startUs: number; endUs: number }[]) => {
    const sorted = [...list].filter((s) => s.endUs > s.startUs).sort((x, y) => x.startUs - y.startUs);
    const out: { startUs: number; endUs: number }[] = [];
    for (const s of sorted) {
      const last = out.at(-1);
      if (last && s.startUs <= last.endUs) last.endUs = Math.max(last.endUs, s.endUs);
      else out.push({ startUs: s.startUs, endUs: s.endUs });
    }
    return out;
  };
  const ma = merge(a);
  const mb = merge(b);
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < ma.length && j < mb.length) {
    const start = Math.max(ma[i].startUs, mb[j].startUs);
    const end = Math.min(ma[i].endUs, mb[j].endUs);
    if (end > start) total += end - start;
    if (ma[i].endUs < mb[j].endUs) i++;
    else j++;
  }
  return total;
}

const zeroStates = (): Record<SpanState, number> =>
  Object.fromEntries(SPAN_STATES.map((s) => [s, 0])) as Record<SpanState, number>;

/** The run's figures, from its timeline: what the summary panel and the CLI print. */
export function summarize(timeline: Timeline, cores: number, wallUs: number): RunSummary {
  const byLane = new Map<LaneId, { stateUs: Record<SpanState, number>; cpuUs: number | null }>();
  for (const { info } of timeline.lanes) byLane.set(info.laneId, { stateUs: zeroStates(), cpuUs: null });
  for (const span of timeline.spans) {
    const acc = byLane.get(span.laneId);
    if (!acc) continue;
    acc.stateUs[span.state] += span.endUs - span.startUs;
    if (span.cpuUs !== null) acc.cpuUs = (acc.cpuUs ?? 0) + span.cpuUs;
  }
  const lanes: LaneSummary[] = timeline.lanes.map(({ info, soloUs }) => {
    const { stateUs, cpuUs } = byLane.get(info.laneId) ?? { stateUs: zeroStates(), cpuUs: null };
    return { laneId: info.laneId, name: info.name, cpuUs, stateUs, soloUs };
  });
  const cpuUs = lanes.reduce((sum, l) => sum + (l.cpuUs ?? 0), 0);
  const sequentialUs = lanes.reduce((sum, l) => sum + (l.soloUs ?? 0), 0);
  const safeWall = Math.max(wallUs, 1);
  const executing = timeline.spans.filter((s) => EXECUTING.has(s.state));
  return {
    wallUs,
    cpuUs,
    coresBusy: cpuUs / safeWall,
    cores,
    peakRunning: peakOverlap(executing),
    peakCores: peakWeighted(executing.map((s) => ({ startUs: s.startUs, endUs: s.endUs, weight: cpuShare(s) }))),
    peakAlive: peakOverlap(timeline.lanes.map((l) => ({ startUs: l.info.spawnedUs, endUs: l.endUs }))),
    sequentialUs,
    speedup: sequentialUs / safeWall,
    lanes,
  };
}
