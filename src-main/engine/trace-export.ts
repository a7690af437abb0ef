import type { EngineEvent, LaneInfo, RunSummary } from '../protocol/events';
import type { Timeline } from './timeline';

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
      readonly args: { readonly state: string; readonly detail: string | null; readonly cpuUs: number | null };
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
    const name = info.kind === 'task' ? `${info.name} (task)` : info.name;
    out.push({ ph: 'M', name: 'thread_name', pid, tid, args: { name } });
    out.push({ ph: 'M', name: 'thread_sort_index', pid, tid, args: { sort_index: index } });
  });
  for (const span of timeline.spans) {
    const { pid, tid } = ids.get(span.laneId) ?? { pid: hostPid, tid: 0 };
    out.push({
      ph: 'X',
      // A wait is named by what it waits in; running's detail qualifies it ("or waiting for the GIL").
      name: span.detail === null ? span.state : span.state === 'running' ? `running, ${span.detail}` : span.detail,
      cat: span.state,
      pid,
      tid,
      ts: round(span.startUs),
      dur: round(span.endUs - span.startUs),
      args: { state: span.state, detail: span.detail, cpuUs: span.cpuUs === null ? null : round(span.cpuUs) },
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
      name: o.kind === 'exited' ? `exited (${o.signal ?? `code ${o.code}`})` : o.kind,
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
