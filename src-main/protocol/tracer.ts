import { LIVE_STATES, type LaneKind, type SpanState } from './events';
import { ValidationError, exactRecord, finite, integer, nullable, oneOf, record, text } from './validate';

/**
 * What a traced workload writes on its event channel (a worker's message
 * port or a process's dedicated pipe), one record at a time. Times are
 * microseconds since the run's start, read by the workload from the same
 * monotonic clock the engine uses. Lanes are named by keys the plan chose.
 */
export type TracerRecord =
  | {
      /** The writer started threads, processes or tasks; each key becomes a lane in `starting`. */
      readonly t: 'spawn';
      readonly parent: string | null;
      readonly kind: LaneKind;
      /** Each lane's key, name and what it runs (an asyncio task's coroutine, a child's command line), if known. */
      readonly lanes: readonly { readonly key: string; readonly name: string; readonly detail: string | null }[];
      /** Known for processes at spawn time. */
      readonly pid: number | null;
      readonly tsUs: number;
    }
  | {
      /** Start-up is over: the lane runs on this process and OS thread. */
      readonly t: 'ready';
      readonly lane: string;
      readonly pid: number;
      readonly tid: number;
      /** CPU time the thread had used by then (its start-up), as the OS counts it; null where not known. */
      readonly cpuUs: number | null;
      readonly tsUs: number;
    }
  | {
      /** The lane's name changed (an asyncio task named after it was created, a renamed thread). */
      readonly t: 'name';
      readonly lane: string;
      readonly name: string;
      readonly tsUs: number;
    }
  | {
      readonly t: 'state';
      readonly lane: string;
      readonly state: SpanState;
      readonly detail: string | null;
      /** Set by the engine (never read from a writer): see the `state` event's field of this name. */
      readonly mayWaitForGil?: boolean;
      /** CPU the closed span used, measured by the OS. */
      readonly cpuUs: number | null;
      readonly tsUs: number;
    }
  | {
      /** A line the lane printed, on the stream it went to. */
      readonly t: 'print';
      readonly lane: string;
      readonly stream: 'stdout' | 'stderr';
      readonly text: string;
      readonly tsUs: number;
    }
  | {
      /** The lane's own work is over; a task lane ends here. */
      readonly t: 'done';
      readonly lane: string;
      /** How long its work would take run alone, one step after another; null where unknown (traced scripts). */
      readonly soloUs: number | null;
      readonly error: string | null;
      /** CPU time the thread had used by then, as the OS counts it; null where not known. */
      readonly cpuUs: number | null;
      /** Lines the process printed in all (a process's own lane), drawn or not; null where not said. */
      readonly printed: number | null;
      readonly tsUs: number;
    }
  | {
      /** A thread or process the writer started has exited. */
      readonly t: 'exit';
      readonly lane: string;
      readonly code: number | null;
      readonly signal: string | null;
      /**
       * Set by the engine (never read from a writer): the lane was still running or pending when its
       * process exited (a daemon thread, a pending asyncio task).
       */
      readonly abandoned?: boolean;
      readonly tsUs: number;
    };

/** Longest printed line kept; longer ones are cut by the writer. */
export const MAX_PRINT_CHARS = 2000;
const MAX_KEY = 64;
const MAX_NAME = 120;
const MAX_DETAIL = 200;
const MAX_LANES_PER_SPAWN = 256;
const MAX_PRINTED = 2 ** 53;
const MAX_ERROR = 4000;
const LANE_KINDS: readonly LaneKind[] = ['thread', 'process', 'task'];
const STREAMS = ['stdout', 'stderr'] as const;
const TIME_LIMIT_US = 1e12;

const time = (v: unknown, where: string): number => finite(v, where, -TIME_LIMIT_US, TIME_LIMIT_US);
const osId = (v: unknown, where: string): number => integer(v, where, 0, 2 ** 32);
const cpu = (v: unknown, where: string): number => finite(v, where, 0, TIME_LIMIT_US);
/** A field a writer may leave out (older workloads do): null when absent. */
const optional = <T>(v: unknown, where: string, check: (v: unknown, w: string) => T): T | null =>
  v === undefined ? null : nullable(v, where, check);

/** Checks one untrusted tracer record. */
export function validateTracerRecord(value: unknown, where = 'record'): TracerRecord {
  const t = oneOf(record(value, where).t, `${where}.t`, [
    'spawn',
    'ready',
    'name',
    'state',
    'print',
    'done',
    'exit',
  ] as const);
  switch (t) {
    case 'spawn': {
      const o = exactRecord(value, where, ['t', 'parent', 'kind', 'lanes', 'pid', 'tsUs']);
      if (!Array.isArray(o.lanes) || o.lanes.length === 0 || o.lanes.length > MAX_LANES_PER_SPAWN) {
        throw new ValidationError(`${where}.lanes`, `expected 1 to ${MAX_LANES_PER_SPAWN} lanes`);
      }
      const lanes = o.lanes.map((lane, i) => {
        const l = exactRecord(lane, `${where}.lanes[${i}]`, ['key', 'name', 'detail']);
        return {
          key: text(l.key, `${where}.lanes[${i}].key`, MAX_KEY),
          name: text(l.name, `${where}.lanes[${i}].name`, MAX_NAME),
          detail: optional(l.detail, `${where}.lanes[${i}].detail`, (v, w) => text(v, w, MAX_DETAIL)),
        };
      });
      return {
        t,
        parent: nullable(o.parent, `${where}.parent`, (v, w) => text(v, w, MAX_KEY)),
        kind: oneOf(o.kind, `${where}.kind`, LANE_KINDS),
        lanes,
        pid: nullable(o.pid, `${where}.pid`, osId),
        tsUs: time(o.tsUs, `${where}.tsUs`),
      };
    }
    case 'ready': {
      const o = exactRecord(value, where, ['t', 'lane', 'pid', 'tid', 'cpuUs', 'tsUs']);
      return {
        t,
        lane: text(o.lane, `${where}.lane`, MAX_KEY),
        pid: osId(o.pid, `${where}.pid`),
        tid: osId(o.tid, `${where}.tid`),
        cpuUs: optional(o.cpuUs, `${where}.cpuUs`, cpu),
        tsUs: time(o.tsUs, `${where}.tsUs`),
      };
    }
    case 'name': {
      const o = exactRecord(value, where, ['t', 'lane', 'name', 'tsUs']);
      return {
        t,
        lane: text(o.lane, `${where}.lane`, MAX_KEY),
        name: text(o.name, `${where}.name`, MAX_NAME),
        tsUs: time(o.tsUs, `${where}.tsUs`),
      };
    }
    case 'state': {
      const o = exactRecord(value, where, ['t', 'lane', 'state', 'detail', 'cpuUs', 'tsUs']);
      return {
        t,
        lane: text(o.lane, `${where}.lane`, MAX_KEY),
        state: oneOf(o.state, `${where}.state`, LIVE_STATES),
        detail: nullable(o.detail, `${where}.detail`, (v, w) => text(v, w, MAX_DETAIL)),
        cpuUs: nullable(o.cpuUs, `${where}.cpuUs`, (v, w) => finite(v, w, 0, TIME_LIMIT_US)),
        tsUs: time(o.tsUs, `${where}.tsUs`),
      };
    }
    case 'print': {
      const o = exactRecord(value, where, ['t', 'lane', 'stream', 'text', 'tsUs']);
      if (typeof o.text !== 'string' || o.text.length > MAX_PRINT_CHARS) {
        throw new ValidationError(`${where}.text`, `expected a string of at most ${MAX_PRINT_CHARS} characters`);
      }
      return {
        t,
        lane: text(o.lane, `${where}.lane`, MAX_KEY),
        stream: oneOf(o.stream, `${where}.stream`, STREAMS),
        text: o.text,
        tsUs: time(o.tsUs, `${where}.tsUs`),
      };
    }
    case 'done': {
      const o = exactRecord(value, where, ['t', 'lane', 'soloUs', 'error', 'cpuUs', 'printed', 'tsUs']);
      return {
        t,
        lane: text(o.lane, `${where}.lane`, MAX_KEY),
        soloUs: nullable(o.soloUs, `${where}.soloUs`, (v, w) => finite(v, w, 0, TIME_LIMIT_US)),
        error: nullable(o.error, `${where}.error`, (v, w) => text(v, w, MAX_ERROR)),
        cpuUs: optional(o.cpuUs, `${where}.cpuUs`, cpu),
        printed: optional(o.printed, `${where}.printed`, (v, w) => integer(v, w, 0, MAX_PRINTED)),
        tsUs: time(o.tsUs, `${where}.tsUs`),
      };
    }
    case 'exit': {
      const o = exactRecord(value, where, ['t', 'lane', 'code', 'signal', 'tsUs']);
      return {
        t,
        lane: text(o.lane, `${where}.lane`, MAX_KEY),
        code: nullable(o.code, `${where}.code`, (v, w) => integer(v, w, -(2 ** 31), 2 ** 32)),
        signal: nullable(o.signal, `${where}.signal`, (v, w) => text(v, w, 32)),
        tsUs: time(o.tsUs, `${where}.tsUs`),
      };
    }
    default: {
      const unreachable: never = t;
      throw new ValidationError(where, `unknown record ${String(unreachable)}`);
    }
  }
}
