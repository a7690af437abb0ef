import {
  LOOP_BUSY,
  SPAN_STATES,
  type LaneInfo,
  type LaneKind,
  type LaneSummary,
  type RunSummary,
  type SpanState,
} from '../src-main/protocol/events';
import type { LaneId } from '../src-main/protocol/ids';
import type { LaneRecord, Timeline } from './timeline';
import { Intervals, overlapOf, peakAverage, peakLevel, stepsOf, sustainedLevel } from './intervals';
import { CPU_BOUND_SHARE, verdictOf, type Evidence } from './verdict';

/** Cores are averaged over this window: sampled states are only as sharp as the sampling. */
export const PEAK_WINDOW_US = 25_000;
/** Parallelism must last this long to count: a sampled hand-over can show two threads running for a few ms. */
export const SUSTAINED_US = 10_000;

/** States in which a lane is executing on a CPU (its own work, or holding its loop). */
const EXECUTING: ReadonlySet<SpanState> = new Set(['running', 'blocking']);

/** An interval with a weight (a share of a core). */
interface Weighted {
  readonly startUs: number;
  readonly endUs: number;
  readonly weight: number;
}

/**
 * The most intervals open at one instant. An interval ending exactly when
 * another starts does not overlap it.
 */
export function peakOverlap(intervals: readonly { startUs: number; endUs: number }[]): number {
  return peakLevel(stepsOf([Intervals.from(intervals)], true));
}

/**
 * The highest sum of weights of intervals open at one instant (a weighted
 * peakOverlap): with each span weighted by its CPU share, how many cores
 * were busy at the busiest instant.
 */
export function peakWeighted(intervals: readonly Weighted[]): number {
  return peakLevel(stepsOf([Intervals.from(intervals)]));
}

/**
 * The highest average of the weights open at once over any window of
 * `windowUs`: like peakWeighted, but a brief overlap (two sampled threads
 * both caught running at a hand-over) counts only for its share of the window.
 */
export function peakAveraged(intervals: readonly Weighted[], windowUs: number): number {
  return peakAverage(stepsOf([Intervals.from(intervals)]), windowUs);
}

/**
 * The most intervals open together for at least `minUs` without a break:
 * parallelism that lasted. Anything that ran at all counts as 1.
 */
export function sustainedPeak(intervals: readonly { startUs: number; endUs: number }[], minUs: number): number {
  return sustainedLevel(stepsOf([Intervals.from(intervals)], true), minUs);
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
  return overlapOf(Intervals.from(a), Intervals.from(b));
}

/** The OS thread a lane runs on: an asyncio task shares its loop's thread; a lane not yet placed is its own. */
function threadOf(info: LaneInfo): string {
  return info.pid !== null && info.tid !== null ? `${info.pid}:${info.tid}` : `lane:${info.laneId}`;
}

/**
 * What each OS thread executed, as weighted intervals: a thread cannot run twice at once, so the lanes
 * that share one (a loop's thread and its tasks) count once. Where the thread itself is a lane, its own
 * spans carry the CPU the OS measured; tasks alone on a thread (their thread is not a lane) count as a
 * whole core while they run, unless their CPU was measured.
 */
export function threadActivity(timeline: Timeline): Intervals[] {
  const infoOf = new Map<LaneId, LaneInfo>();
  for (const { info } of timeline.lanes) infoOf.set(info.laneId, info);
  const byThread = new Map<string, { own: Intervals; tasks: Intervals }>();
  for (const span of timeline.spans) {
    if (!EXECUTING.has(span.state)) continue;
    const info = infoOf.get(span.laneId);
    if (!info) continue;
    const key = threadOf(info);
    let entry = byThread.get(key);
    if (!entry) byThread.set(key, (entry = { own: new Intervals(), tasks: new Intervals() }));
    const length = span.endUs - span.startUs;
    const weight = span.cpuUs === null ? 1 : Math.min(1, span.cpuUs / Math.max(1, length));
    (info.kind === 'task' ? entry.tasks : entry.own).push(span.startUs, span.endUs, weight);
  }
  const out: Intervals[] = [];
  for (const { own, tasks } of byThread.values()) out.push((own.length > 0 ? own : tasks).merged());
  return out;
}

/** The sum of the CPU times that were measured, or null when none was (unknown, not zero). */
function knownSum(cpu: readonly (number | null | undefined)[]): number | null {
  let sum: number | null = null;
  for (const c of cpu) if (c != null) sum = (sum ?? 0) + c;
  return sum;
}

const zeroStates = (): Record<SpanState, number> =>
  Object.fromEntries(SPAN_STATES.map((s) => [s, 0])) as Record<SpanState, number>;

/** A task held back by its loop for less than this, in all, was only waiting its turn. */
const HELD_BACK_US = 1000;

/** What a summary needs besides the timeline. */
export interface SummaryContext {
  readonly cores: number;
  readonly wallUs: number;
  /** How often the OS scheduler was sampled, or null where it was not. */
  readonly samplingHz: number | null;
  /** For Python runs: whether the interpreter has a GIL and whether the OS scheduler was sampled. */
  readonly python: { readonly gil: boolean; readonly sampled: boolean } | null;
  /** Lanes the engine did not keep. */
  readonly lanesLeftOut: number;
  /**
   * Whether lanes' CPU times are each thread's own, as the kernel counts it (Linux: schedstat, for the
   * engine's workers and the sampled Python threads alike). Elsewhere a Node process's main thread reports
   * its whole process (V8's helper threads too), which could add up to more than one lane really used.
   */
  readonly threadCpu: boolean;
  /** Lines printed in all, and drawn; by default those drawn (every instant of the timeline). */
  readonly output?: RunSummary['output'];
}

/** The lanes that did the work: those something in the run started (not the main that started and joined them), else all. */
function workerLanes(timeline: Timeline): readonly LaneRecord[] {
  const spawned = timeline.lanes.filter((l) => l.info.parentLaneId !== null);
  return spawned.length > 0 ? spawned : timeline.lanes;
}

/** The kind most of these lanes are (more than half), if one is. */
function majorityKind(lanes: readonly LaneRecord[]): LaneKind | undefined {
  return (['process', 'thread', 'task'] as const).find(
    (k) => lanes.filter((l) => l.info.kind === k).length * 2 > lanes.length,
  );
}

/** The first lane that failed, as the run's end says it ("name: ValueError: …"); null if none did. */
function firstFailure(timeline: Timeline): string | null {
  for (const lane of timeline.lanes) {
    const o = lane.outcome;
    if (o?.kind === 'error') return o.message.split('\n')[0];
    if (o?.kind === 'exited' && ((o.code !== null && o.code !== 0) || o.signal !== null))
      return `exited with ${o.signal ?? `code ${o.code}`}`;
  }
  return null;
}

/** From the first worker ready (start-up costs no CPU the lanes report) to the last one's end. */
function workersSpan(timeline: Timeline, workers: readonly LaneRecord[]): { fromUs: number; toUs: number } {
  const readyUs = new Map<LaneId, number>();
  for (const span of timeline.spans) {
    if (span.state !== 'starting')
      readyUs.set(span.laneId, Math.min(readyUs.get(span.laneId) ?? Infinity, span.startUs));
  }
  let fromUs = Infinity;
  let toUs = -Infinity;
  for (const l of workers) {
    fromUs = Math.min(fromUs, readyUs.get(l.info.laneId) ?? l.info.spawnedUs);
    toUs = Math.max(toUs, l.endUs);
  }
  return { fromUs, toUs };
}

/** What the verdict rules read, for a summary already made (the chart's annotations ask every rule). */
export function evidenceFor(timeline: Timeline, summary: RunSummary, python: SummaryContext['python']): Evidence {
  const workers = workerLanes(timeline);
  const { fromUs, toUs } = workersSpan(timeline, workers);
  return evidenceOf(timeline, summary, workers, toUs > fromUs ? toUs - fromUs : 0, python);
}

/** The run's figures, from its timeline: what the summary panel and the CLI print. */
export function summarize(timeline: Timeline, context: SummaryContext): RunSummary {
  const { cores, wallUs, samplingHz, python } = context;
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
  const laneSummary = new Map(lanes.map((l) => [l.laneId, l]));
  // Python traced without OS sampling measures no CPU time: unknown, not zero.
  const cpuUs = knownSum(lanes.map((l) => l.cpuUs));
  const workers = workerLanes(timeline);
  const kind = majorityKind(workers);
  const { fromUs, toUs } = workersSpan(timeline, workers);
  const workerCpu = knownSum(workers.map((l) => laneSummary.get(l.info.laneId)?.cpuUs));
  const solos = lanes.flatMap((l) => (l.soloUs === null ? [] : [l.soloUs]));
  const sequentialUs = solos.length > 0 ? solos.reduce((a, b) => a + b, 0) : null;
  const safeWall = Math.max(wallUs, 1);
  // One list per OS thread: the lanes that share a thread (a loop and its tasks) never ran at once.
  const threads = threadActivity(timeline);
  // CPU time is spread over each span and summed over 25 ms windows: a short span's share is
  // uncertain on its own, but over a window the kernel's accounting adds up. No more than the cores.
  const peakCores = cpuUs === null ? null : Math.min(cores, peakAverage(stepsOf(threads), PEAK_WINDOW_US));
  // Lanes running at once as the chart shows them (sampled lanes: runnable, on a CPU or queued for one).
  const peakReady = sustainedLevel(stepsOf(threads, true), SUSTAINED_US);
  // The machine cannot have been busier than all its cores: anything above is the accounting's error.
  const coresBusy = cpuUs === null ? null : Math.min(cores, cpuUs / safeWall);
  const workerThreads = new Set(workers.map((l) => threadOf(l.info))).size;
  const summary: Omit<RunSummary, 'verdict'> = {
    wallUs,
    cpuUs,
    coresBusy,
    cores,
    peakReady,
    // How many of them really ran at once: no more than the cores' worth of CPU they got, and no fewer
    // than the CPU they used over the run requires (where it is each thread's own: Linux's schedstat).
    peakRunning: ranAtOnce(peakReady, peakCores, context.threadCpu ? coresBusy : null),
    peakCores,
    peakAlive: peakOverlap(timeline.lanes.map((l) => ({ startUs: l.info.spawnedUs, endUs: l.endUs }))),
    sequentialUs,
    speedup: sequentialUs === null ? null : sequentialUs / safeWall,
    samplingHz,
    workers:
      workers.length > 0 && kind && toUs > fromUs
        ? {
            kind,
            count: workers.length,
            coresBusy: workerCpu === null ? null : Math.min(cores, workerThreads, workerCpu / (toUs - fromUs)),
          }
        : null,
    lanesLeftOut: context.lanesLeftOut,
    output: context.output ?? { printed: timeline.instants.length, drawn: timeline.instants.length },
    lanes,
  };
  const spanUs = toUs > fromUs ? toUs - fromUs : 0;
  return { ...summary, verdict: verdictOf(evidenceOf(timeline, summary, workers, spanUs, python)) };
}

/** What the verdict rules read: the summary, and what the workers and the event loops did. */
function evidenceOf(
  timeline: Timeline,
  summary: Omit<RunSummary, 'verdict'>,
  workers: readonly LaneRecord[],
  spanUs: number,
  python: SummaryContext['python'],
): Evidence {
  const workerIds = new Set(workers.map((l) => l.info.laneId));
  const stateUs = zeroStates();
  for (const lane of summary.lanes) {
    if (!workerIds.has(lane.laneId)) continue;
    for (const s of SPAN_STATES) stateUs[s] += lane.stateUs[s];
  }
  const taskIds = new Set(timeline.lanes.filter((l) => l.info.kind === 'task').map((l) => l.info.laneId));
  let blockingUs = 0;
  let blocker: string | null = null;
  let longest = 0;
  const heldBy = new Map<LaneId, number>();
  for (const span of timeline.spans) {
    if (!taskIds.has(span.laneId)) continue;
    const length = span.endUs - span.startUs;
    if (span.state === 'blocking') {
      blockingUs += length;
      if (length > longest) {
        longest = length;
        blocker = span.detail;
      }
    } else if (span.state === 'blocked' && span.detail === LOOP_BUSY) {
      heldBy.set(span.laneId, (heldBy.get(span.laneId) ?? 0) + length);
    }
  }
  // A task waits a moment for its first turn whatever the loop does: held back counts from a millisecond.
  const held = [...heldBy.values()].filter((us) => us >= HELD_BACK_US);
  const heldBackUs = held.reduce((t, us) => t + us, 0);
  return {
    summary,
    python,
    failure: firstFailure(timeline),
    gil: cpuBoundThreads(timeline, summary),
    // Waiting on I/O and timers only: a task held back by its busy loop, or a thread by a lock, is not.
    workers: { stateUs, waitedUs: stateUs.waiting, spanUs },
    loop: { blockingUs, blocker, heldBackUs, heldBack: held.length },
  };
}

/**
 * The CPU-bound threads (thread lanes and processes' main threads that wanted a core, running or
 * waiting for the GIL, CPU_BOUND_SHARE of their lives) of the process that had the most of them.
 */
function cpuBoundThreads(timeline: Timeline, summary: Omit<RunSummary, 'verdict'>): Evidence['gil'] {
  const byPid = new Map<
    number,
    {
      threads: number;
      aliveUs: number;
      wantedUs: number;
      gilWaitUs: number;
      cpuUs: number | null;
      fromUs: number;
      toUs: number;
    }
  >();
  timeline.lanes.forEach((lane, index) => {
    const { kind, pid } = lane.info;
    const s = summary.lanes[index];
    if (kind === 'task' || pid === null || !s) return;
    const t = s.stateUs;
    const alive = t.running + t.waiting + t.blocked + t['gil-wait'] + t.blocking;
    const wanted = t.running + t.blocking + t['gil-wait'];
    if (alive <= 0 || wanted < CPU_BOUND_SHARE * alive) return;
    const entry = byPid.get(pid) ?? {
      threads: 0,
      aliveUs: 0,
      wantedUs: 0,
      gilWaitUs: 0,
      cpuUs: null,
      fromUs: Infinity,
      toUs: -Infinity,
    };
    entry.threads++;
    entry.aliveUs += alive;
    entry.wantedUs += wanted;
    entry.gilWaitUs += t['gil-wait'];
    if (s.cpuUs !== null) entry.cpuUs = (entry.cpuUs ?? 0) + s.cpuUs;
    entry.fromUs = Math.min(entry.fromUs, lane.info.spawnedUs + t.starting);
    entry.toUs = Math.max(entry.toUs, lane.endUs);
    byPid.set(pid, entry);
  });
  let best: Evidence['gil'] = null;
  for (const e of byPid.values()) {
    if (best && e.threads <= best.threads) continue;
    const span = e.toUs - e.fromUs;
    best = {
      threads: e.threads,
      aliveUs: e.aliveUs,
      wantedUs: e.wantedUs,
      gilWaitUs: e.gilWaitUs,
      coresBusy: e.cpuUs === null || span <= 0 ? null : e.cpuUs / span,
    };
  }
  return best;
}

/**
 * A summary for a run whose figures could not be worked out: what the timeline says plainly (wall time,
 * lanes), nothing derived, and a verdict that says what failed.
 */
export function failedSummary(timeline: Timeline, context: SummaryContext, problem: string): RunSummary {
  return {
    wallUs: context.wallUs,
    cpuUs: null,
    coresBusy: null,
    cores: context.cores,
    peakReady: 0,
    peakRunning: 0,
    peakCores: null,
    peakAlive: 0,
    sequentialUs: null,
    speedup: null,
    samplingHz: context.samplingHz,
    workers: null,
    lanesLeftOut: context.lanesLeftOut,
    output: context.output ?? { printed: timeline.instants.length, drawn: timeline.instants.length },
    verdict: { rule: 'no-summary', sentence: `No verdict: ${problem}.`, short: 'no summary' },
    lanes: timeline.lanes.map(({ info, soloUs }) => ({
      laneId: info.laneId,
      name: info.name,
      cpuUs: null,
      stateUs: zeroStates(),
      soloUs,
    })),
  };
}
