import { SPAN_STATES, type LaneSummary, type RunSummary, type SpanState } from '../protocol/events';
import type { LaneId } from '../protocol/ids';
import type { Timeline } from './timeline';
import { verdictOf } from './verdict';

/** Cores are averaged over this window: sampled states are only as sharp as the sampling. */
export const PEAK_WINDOW_US = 25_000;
/** Parallelism must last this long to count: a sampled hand-over can show two threads running for a few ms. */
export const SUSTAINED_US = 10_000;

/**
 * Whether lanes' CPU times are each thread's own, as the kernel counts it (Linux: schedstat, for the
 * engine's workers and the sampled Python threads alike). Elsewhere a Node process's main thread reports
 * its whole process (V8's helper threads too), which could add up to more than one lane really used.
 */
const THREAD_CPU = process.platform === 'linux';

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

/**
 * The highest average of the weights open at once over any window of
 * `windowUs`: like peakWeighted, but a brief overlap (two sampled threads
 * both caught running at a hand-over) counts only for its share of the window.
 */
export function peakAveraged(
  intervals: readonly { startUs: number; endUs: number; weight: number }[],
  windowUs: number,
): number {
  const edges: [number, number][] = [];
  for (const { startUs, endUs, weight } of intervals) {
    if (endUs <= startUs || weight <= 0) continue;
    edges.push([startUs, weight], [endUs, -weight]);
  }
  if (edges.length === 0) return 0;
  edges.sort((a, b) => a[0] - b[0]);
  // A run shorter than the window is averaged over its own length.
  const width = Math.min(windowUs, edges[edges.length - 1][0] - edges[0][0]);
  // The step function: level[i] holds from times[i] to times[i + 1]; area[i] is its integral up to times[i].
  const times: number[] = [];
  const level: number[] = [];
  let open = 0;
  for (const [t, delta] of edges) {
    open += delta;
    if (times.length > 0 && times[times.length - 1] === t) level[level.length - 1] = open;
    else {
      times.push(t);
      level.push(open);
    }
  }
  const area: number[] = [0];
  for (let i = 1; i < times.length; i++) area.push(area[i - 1] + level[i - 1] * (times[i] - times[i - 1]));
  const integral = (t: number): number => {
    if (t <= times[0]) return 0;
    let lo = 0;
    let hi = times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return area[lo] + level[lo] * (t - times[lo]);
  };
  let peak = 0;
  for (const t of times) {
    peak = Math.max(peak, integral(t + width) - integral(t), integral(t) - integral(t - width));
  }
  return Math.round((peak / width) * 100) / 100;
}

/**
 * The most intervals open together for at least `minUs` without a break:
 * parallelism that lasted. Anything that ran at all counts as 1.
 */
export function sustainedPeak(intervals: readonly { startUs: number; endUs: number }[], minUs: number): number {
  const edges: [number, number][] = [];
  for (const { startUs, endUs } of intervals) {
    if (endUs > startUs) edges.push([startUs, 1], [endUs, -1]);
  }
  if (edges.length === 0) return 0;
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const steps: { atUs: number; level: number }[] = [];
  let open = 0;
  for (const [t, delta] of edges) {
    open += delta;
    if (steps.length > 0 && steps[steps.length - 1].atUs === t) steps[steps.length - 1].level = open;
    else steps.push({ atUs: t, level: open });
  }
  const top = Math.max(...steps.map((s) => s.level));
  for (let k = top; k > 1; k--) {
    let since: number | null = null;
    for (const step of steps) {
      if (step.level >= k) since ??= step.atUs;
      else if (since !== null) {
        if (step.atUs - since >= minUs) return k;
        since = null;
      }
    }
  }
  return 1;
}

/** Cores' worth of CPU over the whole run that does not count as more: the stamps' and the accounting's error. */
export const CORES_MARGIN = 0.05;

/**
 * Lanes that ran at the same instant: those ready at once, but no more than
 * the cores' worth of CPU they got at the busiest time (rounded: 1.5 cores
 * means they overlapped for at least half the time), and at least one if any
 * ran. `coresBusy`, where the CPU time is each thread's own as the kernel
 * counts it, is a floor: lanes that used more than k cores' worth over the
 * whole run must have had k + 1 of them running at some instant, however
 * their CPU was spread (four processes sharing two cores evenly show about
 * 1.4 cores' worth in every window, yet two of them must have run at once).
 */
export function ranAtOnce(peakReady: number, peakCores: number | null, coresBusy: number | null = null): number {
  if (peakCores === null || peakReady === 0) return peakReady;
  const floor = coresBusy === null ? 1 : Math.ceil(coresBusy - CORES_MARGIN);
  return Math.min(peakReady, Math.max(1, Math.round(peakCores), floor));
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

/** The sum of the CPU times that were measured, or null when none was (unknown, not zero). */
const knownSum = (cpu: readonly (number | null | undefined)[]): number | null =>
  cpu.some((c) => c != null) ? cpu.reduce<number>((sum, c) => sum + (c ?? 0), 0) : null;

const zeroStates = (): Record<SpanState, number> =>
  Object.fromEntries(SPAN_STATES.map((s) => [s, 0])) as Record<SpanState, number>;

/** The run's figures, from its timeline: what the summary panel and the CLI print. */
export function summarize(
  timeline: Timeline,
  cores: number,
  wallUs: number,
  samplingHz: number | null,
  python: { gil: boolean; sampled: boolean } | null = null,
): RunSummary {
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
  // Python traced without OS sampling measures no CPU time: unknown, not zero.
  const cpuUs = knownSum(lanes.map((l) => l.cpuUs));
  // The workers: lanes something in the run started (not the main that started and joined them).
  const spawned = timeline.lanes.filter((l) => l.info.parentLaneId !== null);
  const workerLanes = spawned.length > 0 ? spawned : timeline.lanes;
  const kinds = workerLanes.map((l) => l.info.kind);
  const kind = (['process', 'thread', 'task'] as const).find(
    (k) => kinds.filter((x) => x === k).length * 2 > kinds.length,
  );
  // From the first worker ready (start-up costs no CPU the lanes report) to the last one's end.
  const readyUs = new Map<LaneId, number>();
  for (const span of timeline.spans) {
    if (span.state !== 'starting')
      readyUs.set(span.laneId, Math.min(readyUs.get(span.laneId) ?? Infinity, span.startUs));
  }
  const fromUs = Math.min(...workerLanes.map((l) => readyUs.get(l.info.laneId) ?? l.info.spawnedUs));
  const toUs = Math.max(...workerLanes.map((l) => l.endUs));
  const workerCpu = knownSum(workerLanes.map((l) => lanes[l.info.laneId]?.cpuUs));
  const solos = lanes.flatMap((l) => (l.soloUs === null ? [] : [l.soloUs]));
  const sequentialUs = solos.length > 0 ? solos.reduce((a, b) => a + b, 0) : null;
  const safeWall = Math.max(wallUs, 1);
  const executing = timeline.spans.filter((s) => EXECUTING.has(s.state));
  // CPU time is spread over each span and summed over 25 ms windows: a short span's share is
  // uncertain on its own, but over a window the kernel's accounting adds up.
  const peakCores =
    cpuUs === null
      ? null
      : peakAveraged(
          executing.map((s) => ({
            startUs: s.startUs,
            endUs: s.endUs,
            weight: s.cpuUs === null ? 1 : Math.min(1, s.cpuUs / Math.max(1, s.endUs - s.startUs)),
          })),
          PEAK_WINDOW_US,
        );
  // Lanes running at once as the chart shows them (sampled lanes: runnable, on a CPU or queued for one).
  const peakReady = sustainedPeak(executing, SUSTAINED_US);
  const coresBusy = cpuUs === null ? null : cpuUs / safeWall;
  const summary = {
    wallUs,
    cpuUs,
    coresBusy,
    cores,
    peakReady,
    // How many of them really ran at once: no more than the cores' worth of CPU they got, and no fewer
    // than the CPU they used over the run requires (where it is each thread's own: Linux's schedstat).
    peakRunning: ranAtOnce(peakReady, peakCores, THREAD_CPU ? coresBusy : null),
    peakCores,
    peakAlive: peakOverlap(timeline.lanes.map((l) => ({ startUs: l.info.spawnedUs, endUs: l.endUs }))),
    sequentialUs,
    speedup: sequentialUs === null ? null : sequentialUs / safeWall,
    samplingHz,
    workers:
      workerLanes.length > 0 && kind && toUs > fromUs
        ? { kind, count: workerLanes.length, coresBusy: workerCpu === null ? null : workerCpu / (toUs - fromUs) }
        : null,
    lanes,
  };
  return { ...summary, verdict: verdictOf(summary, python) };
}
