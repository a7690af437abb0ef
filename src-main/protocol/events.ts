import type { LaneId, RunId, ScenarioId } from './ids';
import type { ParamValues } from './scenarios';

/**
 * Every state a lane can be in. A lane is always in exactly one of them from
 * the moment it is spawned until it ends, so its spans tile its lifetime.
 */
export const SPAN_STATES = ['starting', 'running', 'waiting', 'blocked', 'gil-wait', 'blocking', 'slice'] as const;

/** The states a live run reports (the tracer, the workloads); `slice` comes only from imported files. */
export const LIVE_STATES = ['starting', 'running', 'waiting', 'blocked', 'gil-wait', 'blocking'] as const;

/**
 * - `starting`: start-up cost until the thread, process or task is ready.
 * - `running`: executing its own work.
 * - `waiting`: sleeping, in I/O or awaiting a timer; needs no CPU.
 * - `blocked`: ready to go on but held back by someone else (a lock, a join,
 *   an event loop or cook busy with another task).
 * - `gil-wait`: a Python thread that is runnable but waiting for the GIL.
 * - `blocking`: an async task holding its event loop without yielding.
 * - `slice`: a slice of an imported trace that names no state: the lane was inside it, but the file
 *   does not say whether it ran on a CPU or waited.
 */
export type SpanState = (typeof SPAN_STATES)[number];

/**
 * The detail of a `blocked` task that could go on but whose event loop is running something else
 * (another task's slice, or a call that holds the loop). Node's and Python's loops say it alike.
 */
export const LOOP_BUSY = 'ready; the event loop is busy';

/** What kind of executor a lane stands for. */
export type LaneKind = 'thread' | 'process' | 'task';

/** One row of the timeline. */
export interface LaneInfo {
  readonly laneId: LaneId;
  /** Its current name (a lane may be renamed: see `lane-renamed`). */
  readonly name: string;
  readonly kind: LaneKind;
  /** What it runs, where known: an asyncio task's coroutine, a child process's command line. */
  readonly detail: string | null;
  /** OS process id; known at spawn for processes, at ready for threads and tasks. */
  readonly pid: number | null;
  /** Native OS thread id the lane runs on, once ready. Tasks share their loop's thread. */
  readonly tid: number | null;
  readonly parentLaneId: LaneId | null;
  readonly spawnedUs: number;
}

/** How a lane ended. */
export type LaneOutcome =
  /** A process or thread ended; `code` and `signal` are null where nobody learned its status. */
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: string | null }
  | { readonly kind: 'completed' }
  /** Still running (a daemon thread) or pending (an asyncio task) when its process exited. */
  | { readonly kind: 'abandoned' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'stopped' };

/** Why a run ended. */
export type RunEndReason = 'completed' | 'stopped' | 'failed';

/** Per-lane figures of a finished run. */
export interface LaneSummary {
  readonly laneId: LaneId;
  readonly name: string;
  /** CPU time the lane's work used, measured by the OS; null where it could not be measured. */
  readonly cpuUs: number | null;
  /** Time spent in each state, in microseconds. */
  readonly stateUs: Readonly<Record<SpanState, number>>;
  /** How long this lane's work would take alone, one step after another (waits included). */
  readonly soloUs: number | null;
}

/** What one run did, measured. */
export interface RunSummary {
  /** From the run's start to its last lane's end. */
  readonly wallUs: number;
  /** Sum of measured CPU time over lanes; null where none was measured (Python traced without OS sampling). */
  readonly cpuUs: number | null;
  /** cpuUs / wallUs: how many cores were busy on average (null with cpuUs). */
  readonly coresBusy: number | null;
  /** Logical CPU cores of the machine that ran it. */
  readonly cores: number;
  /**
   * Most lanes running (or blocking) at once for 10 ms or more, as the lanes
   * report it, without sampling blips at hand-overs. Lanes sampled from the
   * OS count while runnable, on a CPU or queued for one: ready to run, not
   * necessarily running (`peakCores` says how much CPU they got).
   */
  readonly peakReady: number;
  /**
   * Parallelism: most lanes that really ran at the same instant. peakReady,
   * but no more than the cores' worth of CPU they got at the busiest time
   * (peakCores, rounded; at least 1): two lanes that were both runnable while
   * taking turns for one core (threads under the GIL on a busy machine) count
   * as one. Where each thread's CPU time is known (Linux), no fewer than the
   * CPU used over the run requires: more than k cores' worth on average means
   * k + 1 ran at once. peakReady where no CPU time was measured.
   */
  readonly peakRunning: number;
  /**
   * Most CPU cores' worth of work at once (any 25 ms), from the CPU time the
   * OS measured for each running span (spread evenly over it). Lower than
   * peakRunning when running lanes had to share cores. Null where no CPU time was measured.
   */
  readonly peakCores: number | null;
  /** Most lanes alive at the same instant: concurrency. */
  readonly peakAlive: number;
  /** Sum of the lanes' solo times: the same work run one after another (null where unknown). */
  readonly sequentialUs: number | null;
  /** sequentialUs / wallUs, where known. */
  readonly speedup: number | null;
  /** How often the OS scheduler was sampled (Linux), or null where states come from the tracer only. */
  readonly samplingHz: number | null;
  /**
   * The lanes that did the work (those something in the run started, else
   * all), of the kind most of them are, and the cores they kept busy on
   * average from the first one ready to the last one's end.
   */
  readonly workers: { readonly kind: LaneKind; readonly count: number; readonly coresBusy: number | null } | null;
  /** Lanes the run started that the engine did not keep (past its limit of lanes a run). */
  readonly lanesLeftOut: number;
  /** Lines the run's lanes printed in all, and how many of them are drawn on the chart. */
  readonly output: { readonly printed: number; readonly drawn: number };
  /** What the run showed: a sentence to read out, and a few words for a comparison table. */
  readonly verdict: Verdict;
  readonly lanes: readonly LaneSummary[];
}

/**
 * What a run showed, by a rule that can be read (see src-shared/verdict.ts): `rule` names it, `sentence`
 * is read out, `short` goes under a comparison table. A run that did no work gets none.
 */
export interface Verdict {
  readonly rule: VerdictRule;
  readonly sentence: string;
  readonly short: string;
}

/** The rules a verdict comes from. */
export type VerdictRule =
  | 'states-unknown'
  | 'failed-before-work'
  | 'gil-serialised'
  | 'io-overlapped'
  | 'processes-parallel'
  | 'loop-blocked'
  | 'one-at-a-time'
  | 'concurrent-not-parallel'
  | 'not-sampled'
  | 'took-turns'
  | 'parallel'
  | 'no-summary';

/**
 * Everything the engine reports, stamped in microseconds since the run's
 * start on one monotonic clock. A lane enters `starting` when added and
 * `running` when ready; `state` moves it on; `lane-ended` closes it.
 */
export type EngineEvent =
  | {
      readonly type: 'run-started';
      readonly runId: RunId;
      readonly scenarioId: ScenarioId;
      readonly title: string;
      readonly params: ParamValues;
      readonly cores: number;
      readonly platform: string;
      readonly runtime: 'node' | 'python';
      /** Whether thread states are refined by sampling the OS scheduler (Linux /proc). */
      readonly sampled: boolean;
      /** For Python runs, whether the interpreter has a GIL (false when free-threaded); null for Node. */
      readonly gil: boolean | null;
      /** The run's zero on the monotonic clock, in nanoseconds (a decimal string). */
      readonly t0MonoNs: string;
    }
  | { readonly type: 'lane-added'; readonly lane: LaneInfo }
  | {
      readonly type: 'lane-ready';
      readonly laneId: LaneId;
      readonly tsUs: number;
      readonly pid: number;
      readonly tid: number;
      /** CPU used during the start-up this event closes, where measured. */
      readonly closedCpuUs: number | null;
    }
  | { readonly type: 'lane-renamed'; readonly laneId: LaneId; readonly tsUs: number; readonly name: string }
  | {
      readonly type: 'state';
      readonly laneId: LaneId;
      readonly tsUs: number;
      readonly state: SpanState;
      readonly detail: string | null;
      /**
       * A Python thread `running` as far as the tracer knows (outside any waiting call) where the OS was
       * not sampled, in a process with a GIL and other threads: it may be running, or waiting for the GIL.
       */
      readonly mayWaitForGil: boolean;
      /** CPU used during the span this event closes, where measured. */
      readonly closedCpuUs: number | null;
    }
  | {
      /** A line the lane printed, drawn at the instant it was printed. */
      readonly type: 'output';
      readonly laneId: LaneId;
      readonly tsUs: number;
      readonly stream: 'stdout' | 'stderr';
      readonly text: string;
    }
  | {
      /** A line of the run's raw stdout or stderr, for the console (printed lines, warnings, tracebacks). */
      readonly type: 'console';
      readonly tsUs: number;
      readonly stream: 'stdout' | 'stderr';
      readonly text: string;
    }
  | {
      /**
       * A lane's thread was runnable on this CPU core over this stretch, as the OS scheduler reported:
       * on it, or queued on it behind other threads (the OS cannot say which at one instant).
       */
      readonly type: 'core-span';
      readonly core: number;
      readonly laneId: LaneId;
      readonly startUs: number;
      readonly endUs: number;
      /** CPU time the thread used over the stretch (null: not measured); well under its length, it was queued. */
      readonly cpuUs: number | null;
    }
  | {
      readonly type: 'lane-ended';
      readonly laneId: LaneId;
      readonly tsUs: number;
      readonly outcome: LaneOutcome;
      /** How long its work would take alone, one step after another; null if it never finished. */
      readonly soloUs: number | null;
    }
  | {
      readonly type: 'run-ended';
      readonly tsUs: number;
      readonly reason: RunEndReason;
      readonly message: string | null;
      readonly summary: RunSummary;
    };

/**
 * The one refresh interval from engine to pixels: the engine sends a batch at most this often, and
 * live views redraw at this rate (src-renderer/lib/frame.ts). 50 ms (20 a second) keeps a growing
 * chart smooth on a projector and leaves the CPUs to the workload it measures (see docs/BENCHMARKS.md).
 */
export const LIVE_REFRESH_MS = 50;

/** The engine's events travel in batches, one per LIVE_REFRESH_MS at most. */
export interface EventBatch {
  readonly runId: RunId;
  /** 0, 1, 2… per run, so a receiver can tell when it missed one. */
  readonly seq: number;
  /** Engine time of sending, so receivers can extend open spans to "now". */
  readonly nowUs: number;
  readonly events: readonly EngineEvent[];
}

/** Every event of a run so far, for a receiver that joins late or missed a batch. */
export interface RunSnapshot {
  readonly runId: RunId;
  /** The seq of the last batch these events include; live batches go on from seq + 1. */
  readonly seq: number;
  readonly nowUs: number;
  readonly running: boolean;
  readonly events: readonly EngineEvent[];
}
