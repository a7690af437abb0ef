import type { EngineEvent, LaneInfo, LaneOutcome, RunSummary } from '../protocol/events';
import { describeSignal } from './signals';
import type { Span, Timeline } from '../../src-shared/timeline';

/** One entry of the Chrome Trace Event format (the subset written here). */
export type TraceEvent =
  | {
      readonly ph: 'M';
      readonly name: 'process_name' | 'thread_name' | 'thread_sort_index';
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
      readonly args: {
        readonly state: string;
        readonly detail: string | null;
        readonly cpuUs: number | null;
        readonly mayWaitForGil?: true;
      };
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
const round = (us: number): number => Math.round(us * 1000) / 1000;

function traceIds(info: LaneInfo, hostPid: number): { pid: number; tid: number } {
  const pid = info.pid ?? hostPid;
  if (info.kind === 'task') return { pid, tid: TASK_TID_BASE + info.laneId };
  return { pid, tid: info.tid ?? (info.kind === 'process' ? pid : TASK_TID_BASE + info.laneId) };
}

/** A span's name in the trace: a wait is named by what it waits in; running says when it may be waiting for the GIL. */
function spanName(span: Span): string {
  if (span.mayWaitForGil) return 'running, or waiting for the GIL (not sampled)';
  if (span.detail === null) return span.state;
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
 * Writes a run as Chrome Trace Events: `M` names for every process and lane,
 * `X` spans with `args.state`, `i` instants for printed lines and exits.
 * `pid` is the real OS pid; `ts` and `dur` are microseconds since the run began.
 */
export function toChromeTrace(
  events: readonly EngineEvent[],
  timeline: Timeline,
  summary: RunSummary | null,
  hostPid: number,
  hostName: string,
): ChromeTrace {
  const out: TraceEvent[] = [];
  const ids = new Map(timeline.lanes.map((l) => [l.info.laneId, traceIds(l.info, hostPid)]));
  const processNames = new Map<number, string>([[hostPid, hostName]]);
  for (const { info } of timeline.lanes) {
    if (info.kind === 'process' && info.pid !== null) processNames.set(info.pid, `${info.name} (process)`);
  }
  for (const [pid, name] of processNames) out.push({ ph: 'M', name: 'process_name', pid, tid: 0, args: { name } });
  timeline.lanes.forEach(({ info }, index) => {
    const { pid, tid } = ids.get(info.laneId) ?? { pid: hostPid, tid: 0 };
    out.push({ ph: 'M', name: 'thread_name', pid, tid, args: { name: info.name } });
    out.push({ ph: 'M', name: 'thread_sort_index', pid, tid, args: { sort_index: index } });
  });
  for (const span of timeline.spans) {
    const { pid, tid } = ids.get(span.laneId) ?? { pid: hostPid, tid: 0 };
    out.push({
      ph: 'X',
      name: spanName(span),
      cat: span.state,
      pid,
      tid,
      ts: round(span.startUs),
      dur: round(span.endUs - span.startUs),
      args: {
        state: span.state,
        detail: span.detail,
        cpuUs: span.cpuUs === null ? null : round(span.cpuUs),
        ...(span.mayWaitForGil ? { mayWaitForGil: true } : {}),
      },
    });
  }
  for (const instant of timeline.instants) {
    const { pid, tid } = ids.get(instant.laneId) ?? { pid: hostPid, tid: 0 };
    out.push({
      ph: 'i',
      s: 't',
      name: instant.text.length > 80 ? `${instant.text.slice(0, 79)}…` : instant.text,
      cat: instant.stream,
      pid,
      tid,
      ts: round(instant.tsUs),
      args: { text: instant.text, stream: instant.stream },
    });
  }
  for (const lane of timeline.lanes) {
    if (!lane.outcome) continue;
    const { pid, tid } = ids.get(lane.info.laneId) ?? { pid: hostPid, tid: 0 };
    const o = lane.outcome;
    out.push({
      ph: 'i',
      s: 't',
      name: outcomeName(o),
      cat: 'lifecycle',
      pid,
      tid,
      ts: round(lane.endUs),
      args: {
        outcome: o.kind,
        code: o.kind === 'exited' ? o.code : null,
        signal: o.kind === 'exited' ? o.signal : null,
        message: o.kind === 'error' ? o.message : null,
      },
    });
  }
  const started = events.find((e) => e.type === 'run-started');
  return {
    traceEvents: out,
    displayTimeUnit: 'ms',
    otherData: {
      producer: 'Concurrency Kitchen',
      ...(started?.type === 'run-started'
        ? {
            scenarioId: started.scenarioId,
            title: started.title,
            params: started.params,
            cores: started.cores,
            platform: started.platform,
            t0MonoNs: started.t0MonoNs,
          }
        : {}),
      ...(summary ? { summary } : {}),
    },
  };
}
