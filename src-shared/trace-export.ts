import type { LaneInfo, LaneOutcome, RunSummary } from '../src-main/protocol/events';
import type { RunModel } from './run-model';
import { timelineOf, type Span } from './timeline';
import { CORES_PID, type KitchenLaneMeta } from './trace-import/chrome';
import { describeSignal } from './signals';

/** One entry of the Chrome Trace Event format (the subset written here). */
export type TraceEvent =
  | {
      readonly ph: 'M';
      readonly name: 'process_name' | 'thread_name' | 'thread_sort_index' | 'process_sort_index';
      readonly pid: number;
      readonly tid: number;
      readonly args: { readonly name?: string; readonly sort_index?: number };
    }
  | {
      readonly ph: 'X';
      readonly name: string;
      readonly cat: string;
      readonly pid: number;
      readonly tid: number;
      readonly ts: number;
      readonly dur: number;
      readonly args: Readonly<Record<string, string | number | boolean | null>>;
    }
  | {
      /** A flow arrow from a parent to the lane it started: `s` on the parent, `f` on the child. */
      readonly ph: 's' | 'f';
      readonly name: string;
      readonly cat: string;
      readonly id: number;
      readonly pid: number;
      readonly tid: number;
      readonly ts: number;
      readonly bp?: 'e';
    }
  | {
      readonly ph: 'i';
      readonly s: 't';
      readonly name: string;
      readonly cat: string;
      readonly pid: number;
      readonly tid: number;
      readonly ts: number;
      readonly args: Readonly<Record<string, string | number | null>>;
    };

/** A file Perfetto and chrome://tracing open: `{"traceEvents": [...]}`. */
export interface ChromeTrace {
  readonly traceEvents: readonly TraceEvent[];
  readonly displayTimeUnit: 'ms';
  readonly otherData: Readonly<Record<string, unknown>>;
}

/** Async tasks get synthetic thread ids above any real one (Linux pid_max is at most 2^22). */
const TASK_TID_BASE = 1_000_000_000;
/** The process the CPU cores view is written under (no OS process has pid 0 in a trace of ours). */
export { CORES_PID };

/**
 * Times are rounded to 1/1024 µs (about a nanosecond): a binary fraction is exact in a double, so a
 * span's ts + dur is exactly the next one's ts, and viewers that rebuild begin/end pairs see spans
 * that touch, not overlap by 1e-11 µs (which made speedscope nest a lane's spans inside each other).
 * Boundaries are rounded, never lengths.
 */
export const roundUs = (us: number): number => Math.round(us * 1024) / 1024;

function traceIds(info: LaneInfo, hostPid: number, index: number): { pid: number; tid: number } {
  const pid = info.pid ?? hostPid;
  // Lanes with no OS thread of their own are numbered by their place in the file (a re-import keeps it).
  if (info.kind === 'task') return { pid, tid: TASK_TID_BASE + index };
  return { pid, tid: info.tid ?? (info.kind === 'process' ? pid : TASK_TID_BASE + index) };
}

/** A span's name in the trace: a wait is named by what it waits in; running says when it may be waiting for the GIL. */
function spanName(span: Span): string {
  if (span.mayWaitForGil) return 'running, or waiting for the GIL (not sampled)';
  if (span.detail === null) return span.state === 'slice' ? 'slice' : span.state;
  if (span.state === 'slice') return span.detail;
  return span.state === 'running' ? `running, ${span.detail}` : span.detail;
}

/** How a lane ended, in a few words. */
export function outcomeName(o: LaneOutcome): string {
  switch (o.kind) {
    case 'exited':
      if (o.signal !== null) return `killed by ${describeSignal(o.signal)}`;
      return o.code === null ? 'exited (status not known)' : `exited (code ${o.code})`;
    case 'abandoned':
      return 'abandoned: unfinished when its process exited';
    case 'completed':
    case 'cancelled':
    case 'error':
    case 'stopped':
      return o.kind;
    default: {
      const unreachable: never = o;
      return String(unreachable);
    }
  }
}

/**
 * Lays overlapping stretches out on rows: a core's row holds the thread on it; threads runnable on it
 * at the same time (queued behind it) go on rows under it, so every row's spans tile or leave gaps.
 */
function packRows<T extends { startUs: number; endUs: number }>(items: readonly T[]): T[][] {
  const rows: T[][] = [];
  const ends: number[] = [];
  const sorted = [...items].sort((a, b) => a.startUs - b.startUs);
  for (const item of sorted) {
    let row = ends.findIndex((end) => end <= roundUs(item.startUs));
    if (row < 0) {
      row = rows.length;
      rows.push([]);
      ends.push(0);
    }
    rows[row].push(item);
    ends[row] = roundUs(item.endUs);
  }
  return rows;
}

/**
 * Writes a run as Chrome Trace Events: `M` names for every process and lane, `X` spans with
 * `args.state`, `i` instants for printed lines and exits, `s`/`f` flow arrows from each lane to the
 * lanes it started, and (sampled runs) a process "CPU cores" with a row per core. `pid` is the real
 * OS pid; `ts` and `dur` are microseconds since the run began. otherData carries the run's header,
 * its summary and, under `kitchen`, what Chrome's format has no field for (lane kinds, parents,
 * outcomes), so the file opens again here as it was.
 */
export function toChromeTrace(
  model: RunModel,
  summary: RunSummary | null,
  hostPid: number,
  hostName: string,
  endUs?: number,
): ChromeTrace {
  const timeline = timelineOf(model, endUs);
  const out: TraceEvent[] = [];
  const ids = new Map(timeline.lanes.map((l, i) => [l.info.laneId, traceIds(l.info, hostPid, i)]));
  const idOf = (laneId: number) => ids.get(laneId as LaneInfo['laneId']) ?? { pid: hostPid, tid: 0 };
  const processNames = new Map<number, string>([[hostPid, hostName]]);
  for (const { info } of timeline.lanes) {
    if (info.kind === 'process' && info.pid !== null) processNames.set(info.pid, `${info.name} (process)`);
  }
  for (const [pid, name] of processNames) out.push({ ph: 'M', name: 'process_name', pid, tid: 0, args: { name } });
  timeline.lanes.forEach(({ info }, index) => {
    const { pid, tid } = idOf(info.laneId);
    out.push({ ph: 'M', name: 'thread_name', pid, tid, args: { name: info.name } });
    out.push({ ph: 'M', name: 'thread_sort_index', pid, tid, args: { sort_index: index } });
  });
  for (const span of timeline.spans) {
    const { pid, tid } = idOf(span.laneId);
    const ts = roundUs(span.startUs);
    const dur = roundUs(span.endUs) - ts;
    if (!(dur > 0)) continue;
    out.push({
      ph: 'X',
      name: spanName(span),
      cat: span.state,
      pid,
      tid,
      ts,
      dur,
      args: {
        state: span.state,
        detail: span.detail,
        cpuUs: span.cpuUs === null ? null : roundUs(span.cpuUs),
        ...(span.mayWaitForGil ? { mayWaitForGil: true } : {}),
      },
    });
  }
  for (const instant of timeline.instants) {
    const { pid, tid } = idOf(instant.laneId);
    out.push({
      ph: 'i',
      s: 't',
      name: instant.text.length > 80 ? `${instant.text.slice(0, 79)}…` : instant.text,
      cat: instant.stream,
      pid,
      tid,
      ts: roundUs(instant.tsUs),
      args: { text: instant.text, stream: instant.stream },
    });
  }
  for (const lane of timeline.lanes) {
    if (!lane.outcome) continue;
    const { pid, tid } = idOf(lane.info.laneId);
    const o = lane.outcome;
    out.push({
      ph: 'i',
      s: 't',
      name: outcomeName(o),
      cat: 'lifecycle',
      pid,
      tid,
      ts: roundUs(lane.endUs),
      args: {
        outcome: o.kind,
        code: o.kind === 'exited' ? o.code : null,
        signal: o.kind === 'exited' ? o.signal : null,
        message: o.kind === 'error' ? o.message : null,
      },
    });
  }
  // Who started whom: an arrow from the parent's row to the child's first span.
  for (const { info } of timeline.lanes) {
    if (info.parentLaneId === null || !ids.has(info.parentLaneId)) continue;
    const from = idOf(info.parentLaneId);
    const to = idOf(info.laneId);
    const ts = roundUs(info.spawnedUs);
    const flow = { name: 'started', cat: 'spawn', id: info.laneId + 1, ts };
    out.push({ ph: 's', ...flow, pid: from.pid, tid: from.tid });
    out.push({ ph: 'f', bp: 'e', ...flow, pid: to.pid, tid: to.tid });
  }
  const laneIndex = new Map(timeline.lanes.map((l, i) => [l.info.laneId, i]));
  // The CPU cores view: which lane's thread was runnable on each core.
  if (model.coreSpans.length > 0) {
    out.push({ ph: 'M', name: 'process_name', pid: CORES_PID, tid: 0, args: { name: 'CPU cores' } });
    out.push({ ph: 'M', name: 'process_sort_index', pid: CORES_PID, tid: 0, args: { sort_index: 1_000_000 } });
    const cores = Math.max(model.cores, model.maxCore + 1);
    for (let core = 0; core < cores; core++) {
      const rows = packRows(model.coreSpans.filter((c) => c.core === core));
      if (rows.length === 0) rows.push([]);
      rows.forEach((row, r) => {
        const tid = core * 1000 + r + 1;
        const name = r === 0 ? `Core ${core}` : `Core ${core}: also runnable (${r})`;
        out.push({ ph: 'M', name: 'thread_name', pid: CORES_PID, tid, args: { name } });
        out.push({ ph: 'M', name: 'thread_sort_index', pid: CORES_PID, tid, args: { sort_index: tid } });
        for (const c of row) {
          const ts = roundUs(c.startUs);
          const dur = roundUs(c.endUs) - ts;
          if (!(dur > 0)) continue;
          const lane = model.lanes[c.lane];
          out.push({
            ph: 'X',
            name: lane?.info.name ?? `lane ${c.lane}`,
            cat: 'core',
            pid: CORES_PID,
            tid,
            ts,
            dur,
            // lane: the lane's index in otherData.kitchen.lanes.
            args: {
              lane: laneIndex.get(c.lane as LaneInfo['laneId']) ?? -1,
              core,
              cpuUs: Number.isNaN(c.cpuUs) ? null : roundUs(c.cpuUs),
            },
          });
        }
      });
    }
  }
  const lanes: KitchenLaneMeta[] = timeline.lanes.map(({ info, endUs: laneEnd, outcome, soloUs }) => ({
    ...idOf(info.laneId),
    kind: info.kind,
    name: info.name,
    detail: info.detail,
    parent: info.parentLaneId === null ? null : (laneIndex.get(info.parentLaneId) ?? null),
    spawnedUs: roundUs(info.spawnedUs),
    endUs: roundUs(laneEnd),
    outcome,
    soloUs,
  }));
  return {
    traceEvents: out,
    displayTimeUnit: 'ms',
    otherData: {
      producer: 'Concurrency Kitchen',
      scenarioId: model.scenarioId,
      title: model.title,
      params: model.params,
      cores: model.cores,
      ...(summary ? { summary } : {}),
      kitchen: { version: 1, lanes },
    },
  };
}
