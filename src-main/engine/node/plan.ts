/**
 * A plan says what real work a scenario does: which executors (worker
 * threads, child processes, event loops) to start and the steps each lane
 * takes. Plans are plain data so they cross thread and process borders.
 */

/** One thing a lane does. Every step really happens; nothing is simulated. */
export type Step =
  /** Prints a line (becomes an output instant on this lane). */
  | { readonly op: 'print'; readonly text: string }
  /**
   * Real computation: `mops` million rounds of an integer hash. In an event
   * loop with `holdsLoop`, the lane is `blocking` (it will not yield).
   */
  | { readonly op: 'cpu'; readonly mops: number; readonly label: string; readonly holdsLoop?: boolean }
  /** Sleeps on a real timer: the thread is idle, the lane `waiting`. */
  | { readonly op: 'sleep'; readonly ms: number; readonly label: string }
  /** Starts a named timer (water on the stove) without waiting for it. */
  | { readonly op: 'timer'; readonly name: string; readonly ms: number }
  /** Waits until a named timer fires; returns at once if it already has. */
  | { readonly op: 'await-timer'; readonly name: string; readonly label: string }
  /** Gives the event loop to other tasks; `blocked` until it comes back. */
  | { readonly op: 'yield'; readonly label: string }
  /** Takes the run's shared lock (`blocked` while another holds it), computes, releases. */
  | { readonly op: 'locked'; readonly mops: number; readonly label: string }
  /** Starts child executors (threads or processes of their own). */
  | { readonly op: 'spawn'; readonly executors: readonly ExecutorSpec[] }
  /** Waits for every executor this lane spawned to exit: `blocked` (join). */
  | { readonly op: 'join'; readonly label: string };

/** One lane of the timeline and the steps it takes. */
export interface LaneSpec {
  /** Unique within the plan. */
  readonly key: string;
  readonly name: string;
  readonly steps: readonly Step[];
}

/**
 * Where lanes run. `thread` and `process` run exactly one lane; `loop` runs
 * its lanes as async tasks on one event loop in a worker thread.
 */
export interface ExecutorSpec {
  readonly kind: 'thread' | 'process' | 'loop';
  readonly lanes: readonly LaneSpec[];
  /** Says why a lane that was ready had to wait (default: the loop or the CPUs were busy). */
  readonly busyDetail?: string;
}

/** The executors a run starts at its zero. */
export interface Plan {
  readonly executors: readonly ExecutorSpec[];
}

/** What an executor receives when it starts. */
export interface WorkloadInit {
  readonly executor: ExecutorSpec;
  /** The run's zero on the monotonic clock, nanoseconds as a decimal string. */
  readonly t0Ns: string;
  /** Shared by every thread of one process for `locked` steps; absent in a new process. */
  readonly lock?: SharedArrayBuffer;
}

/** Every lane in a plan, depth first, with the key of the lane that spawns it. */
export function planLanes(plan: Plan): { lane: LaneSpec; kind: ExecutorSpec['kind']; parent: string | null }[] {
  const out: { lane: LaneSpec; kind: ExecutorSpec['kind']; parent: string | null }[] = [];
  const visit = (executors: readonly ExecutorSpec[], parent: string | null): void => {
    for (const executor of executors) {
      for (const lane of executor.lanes) {
        out.push({ lane, kind: executor.kind, parent });
        for (const step of lane.steps) if (step.op === 'spawn') visit(step.executors, lane.key);
      }
    }
  };
  visit(plan.executors, null);
  return out;
}
