import { LOOP_BUSY, type RunSummary } from '../src-main/protocol/events';
import type { LaneId } from '../src-main/protocol/ids';
import { coreShare } from './core-share';
import { ms } from './predict';
import type { RunModel } from './run-model';
import { evidenceFor } from './summary';
import { timelineOf, type Span, type Timeline } from './timeline';
import { rulesThatHold } from './verdict';

/** The patterns the chart points at. */
export type AnnotationKind = 'gil-handover' | 'loop-blocked' | 'start-up' | 'imbalance' | 'oversubscribed';

/** A small label on the chart, pointing at the span it is about. */
export interface Annotation {
  readonly kind: AnnotationKind;
  readonly laneId: LaneId;
  /** The instant it points at. */
  readonly atUs: number;
  readonly text: string;
}

/** A task held back by its busy loop for less than this was only waiting its turn. */
const HELD_US = 1000;
/** A process start-up is pointed at from this long (under it, it is not a cost worth a label). */
const START_UP_US = 20_000;
/** A worker finishing this share of the workers' time after the one before it is late: imbalance. */
const IMBALANCE_SHARE = 0.25;
const IMBALANCE_US = 50_000;
/** A lane with less running than this did no work to finish late (it waited). */
const MIN_WORK_US = 20_000;
/** A worker has done its work once it has done this share of its running. */
const WORK_DONE = 0.95;

function longest(spans: Iterable<Span>, keep: (s: Span) => boolean): Span | null {
  let best: Span | null = null;
  for (const s of spans) if (keep(s) && (!best || s.endUs - s.startUs > best.endUs - best.startUs)) best = s;
  return best;
}

/**
 * Where the run shows a known pattern, as labels on the chart: from the same rules as the summary's
 * verdict (the GIL serialising threads, a blocked event loop, lanes taking turns for too few cores)
 * and two more that are plain measurements (a process's start-up cost, one worker finishing long after
 * the others). Every label points at a span that shows it; none is drawn without the evidence.
 */
export function annotationsOf(model: RunModel, summary: RunSummary): Annotation[] {
  const timeline = timelineOf(model);
  const python = model.runtime === 'python' && model.gil !== null ? { gil: model.gil, sampled: model.sampled } : null;
  const holds = rulesThatHold(evidenceFor(timeline, summary, python));
  const out: Annotation[] = [];
  const name = (id: LaneId) => timeline.lanes.find((l) => l.info.laneId === id)?.info.name ?? 'a lane';

  if (holds.has('gil-serialised')) {
    // The longest wait for the GIL, and who held it when it ended: the hand-over.
    const wait = longest(timeline.spans, (s) => s.state === 'gil-wait');
    if (wait) {
      const from = handedOverBy(timeline, wait);
      out.push({
        kind: 'gil-handover',
        laneId: wait.laneId,
        atUs: wait.endUs,
        text: `GIL handed over${from ? ` by ${name(from)}` : ''} after ${ms(wait.endUs - wait.startUs)} waiting`,
      });
    }
  }
  if (holds.has('loop-blocked')) {
    const block = longest(timeline.spans, (s) => s.state === 'blocking');
    if (block) {
      // The tasks of the same loop (its thread) held back while it blocked, for a millisecond or more.
      const info = new Map(timeline.lanes.map((l) => [l.info.laneId, l.info]));
      const loop = info.get(block.laneId);
      const heldUs = new Map<LaneId, number>();
      for (const s of timeline.spans) {
        const other = info.get(s.laneId);
        if (s.state !== 'blocked' || s.detail !== LOOP_BUSY || other?.tid !== loop?.tid || other?.pid !== loop?.pid)
          continue;
        const overlap = Math.min(s.endUs, block.endUs) - Math.max(s.startUs, block.startUs);
        if (overlap > 0) heldUs.set(s.laneId, (heldUs.get(s.laneId) ?? 0) + overlap);
      }
      const held = [...heldUs.values()].filter((us) => us >= HELD_US);
      out.push({
        kind: 'loop-blocked',
        laneId: block.laneId,
        atUs: (block.startUs + block.endUs) / 2,
        text: `holds the event loop ${ms(block.endUs - block.startUs)}: ${held.length} ${held.length === 1 ? 'task' : 'tasks'} ready, waiting`,
      });
    }
  }
  if (holds.has('took-turns')) {
    const shared = longest(
      timeline.spans,
      (s) => s.state === 'running' && s.cpuUs !== null && coreShare(s.startUs, s.endUs, s.cpuUs) === 'shared',
    );
    if (shared)
      out.push({
        kind: 'oversubscribed',
        laneId: shared.laneId,
        atUs: (shared.startUs + shared.endUs) / 2,
        text:
          summary.peakReady > summary.cores
            ? `${summary.peakReady} ready, ${summary.cores} cores: taking turns`
            : 'sharing its core with other programs',
      });
  }
  // Start-up: the longest "starting" of a process the run started (not the one script a run is, alone).
  const roots = timeline.lanes.filter((l) => l.info.kind === 'process' && l.info.parentLaneId === null);
  const processes = new Set(
    timeline.lanes
      .filter((l) => l.info.kind === 'process' && (l.info.parentLaneId !== null || roots.length > 1))
      .map((l) => l.info.laneId),
  );
  const start = longest(timeline.spans, (s) => s.state === 'starting' && processes.has(s.laneId));
  if (start && start.endUs - start.startUs >= START_UP_US)
    out.push({
      kind: 'start-up',
      laneId: start.laneId,
      atUs: start.endUs,
      text: `process start-up ${ms(start.endUs - start.startUs)}`,
    });
  const late = imbalance(timeline);
  if (late) out.push(late);
  return out;
}

/** The lane that ran on the same thread's process just before the wait ended: who let the GIL go. */
function handedOverBy(timeline: Timeline, wait: Span): LaneId | null {
  const pidOf = new Map(timeline.lanes.map((l) => [l.info.laneId, l.info.pid]));
  const pid = pidOf.get(wait.laneId);
  let best: Span | null = null;
  for (const s of timeline.spans) {
    if (s.laneId === wait.laneId || s.state !== 'running' || pidOf.get(s.laneId) !== pid) continue;
    if (s.startUs < wait.endUs && s.endUs >= wait.endUs - 1000 && (!best || s.endUs > best.endUs)) best = s;
  }
  return best?.laneId ?? null;
}

/**
 * The worker that finished its work long after the one before it: of the lanes something in the run
 * started (else the tasks), those of the kind that did most of the running, by the end of their last
 * running stretch (a pool's workers all exit together at the end, whoever did the work).
 */
function imbalance(timeline: Timeline): Annotation | null {
  const kindOf = new Map(timeline.lanes.map((l) => [l.info.laneId, l.info]));
  const busy = new Map<LaneId, [number, number][]>();
  const runningByKind = new Map<string, number>();
  for (const s of timeline.spans) {
    if (s.state !== 'running' && s.state !== 'blocking') continue;
    const info = kindOf.get(s.laneId);
    if (!info || (info.parentLaneId === null && info.kind !== 'task')) continue;
    let list = busy.get(s.laneId);
    if (!list) busy.set(s.laneId, (list = []));
    list.push([s.startUs, s.endUs]);
    runningByKind.set(info.kind, (runningByKind.get(info.kind) ?? 0) + s.endUs - s.startUs);
  }
  // When each had done its work: 95% of its running time (a pool's worker runs a moment more to exit).
  const lastBusy = new Map<LaneId, number>();
  for (const [id, list] of busy) {
    list.sort((a, b) => a[0] - b[0]);
    const total = list.reduce((t, [a, b]) => t + b - a, 0);
    // Work is what is compared: lanes that hardly ran (they waited) have none to finish late.
    if (total < MIN_WORK_US) continue;
    let done = 0;
    for (const [a, b] of list) {
      if (done + (b - a) >= WORK_DONE * total) {
        lastBusy.set(id, a + (WORK_DONE * total - done));
        break;
      }
      done += b - a;
    }
  }
  const kind = [...runningByKind].sort((a, b) => b[1] - a[1])[0]?.[0];
  const group = [...lastBusy].filter(([id]) => kindOf.get(id)?.kind === kind).sort((a, b) => a[1] - b[1]);
  if (group.length < 2) return null;
  const [lastId, lastEnd] = group[group.length - 1];
  const before = group[group.length - 2][1];
  const from = group.reduce((m, [id]) => Math.min(m, kindOf.get(id)?.spawnedUs ?? Infinity), Infinity);
  const gap = lastEnd - before;
  if (gap < IMBALANCE_US || gap < IMBALANCE_SHARE * (lastEnd - from)) return null;
  return { kind: 'imbalance', laneId: lastId, atUs: lastEnd, text: `finished its work ${ms(gap)} after the others` };
}
