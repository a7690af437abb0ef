import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { LOOP_BUSY, type SpanState } from '../../../protocol/events';
import type { TracerRecord } from '../../../protocol/tracer';
import { sinceUs } from '../../clock';
import { launch, type Launched } from '../launch';
import type { ExecutorSpec, LaneSpec, Step, WorkloadInit } from '../plan';
import { crunch, threadCpuUs } from './cpu';
import { osIds } from './os-ids';

/** Where a workload sends its records. */
export interface Reporter {
  send(record: TracerRecord): void;
}

/** A lane resumed later than this after its wait is over was held back, not waiting. */
const LATE_US = 2000;

const laneKind = (executor: ExecutorSpec): 'thread' | 'process' | 'task' =>
  executor.kind === 'loop' ? 'task' : executor.kind;

/** Runs one lane's steps and reports every change of state. */
class LaneRunner {
  private cpuAtEnter: number | null = null;
  private soloUs = 0;
  private readonly timers = new Map<string, { atUs: number; soloAtUs: number; fired: Promise<void> }>();
  private readonly pendingTimers = new Set<AbortController>();
  private readonly children: Promise<void>[] = [];

  constructor(
    private readonly lane: LaneSpec,
    private readonly ctx: ExecutorContext,
  ) {}

  private enter(state: SpanState, detail: string | null, tsUs = this.ctx.nowUs()): void {
    const executes = state === 'running' || state === 'blocking';
    const cpu = threadCpuUs();
    const cpuUs = this.cpuAtEnter !== null && cpu !== null ? Math.max(0, cpu - this.cpuAtEnter) : null;
    this.cpuAtEnter = executes ? cpu : null;
    this.ctx.reporter.send({ t: 'state', lane: this.lane.key, state, detail, cpuUs, tsUs });
  }

  /** Back from a wait that was due at `dueUs`: if the thread or loop was busy, say so. */
  private resume(dueUs: number): void {
    const now = this.ctx.nowUs();
    if (now - dueUs > LATE_US) this.enter('blocked', this.ctx.lateDetail, dueUs);
    this.enter('running', null);
  }

  /**
   * Start-up is over. A task queued behind others on its loop is `blocked`
   * until its first turn, so only one task on a loop is ever `running`.
   */
  ready(tsUs: number, queued: boolean): void {
    const { pid, tid } = this.ctx.ids;
    // The thread's start-up CPU is its first lane's (the loop's other tasks share the thread).
    const cpuUs = queued ? null : threadCpuUs();
    this.ctx.reporter.send({ t: 'ready', lane: this.lane.key, pid, tid, cpuUs, tsUs });
    if (queued) this.enter('blocked', 'waiting for its first turn on the event loop', tsUs);
    else this.cpuAtEnter = threadCpuUs();
  }

  async run(queued: boolean): Promise<string | null> {
    if (queued) this.enter('running', null);
    let error: string | null = null;
    try {
      for (const step of this.lane.steps) {
        // Await only steps that really suspend: every await yields the event
        // loop to other tasks, so a needless one would let two tasks run "at once".
        const suspended = this.step(step);
        if (suspended) await suspended;
      }
    } catch (err) {
      error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    }
    for (const timer of this.pendingTimers) timer.abort();
    this.ctx.reporter.send({
      t: 'done',
      lane: this.lane.key,
      soloUs: this.soloUs,
      error: error === null ? null : error.slice(0, 4000),
      cpuUs: null,
      printed: null,
      tsUs: this.ctx.nowUs(),
    });
    return error;
  }

  private compute(mops: number): void {
    const start = this.ctx.nowUs();
    crunch(mops);
    this.soloUs += this.ctx.nowUs() - start;
  }

  /** Runs one step; returns a promise only if the step suspends this lane. */
  private step(step: Step): Promise<void> | undefined {
    const { reporter, nowUs } = this.ctx;
    switch (step.op) {
      case 'print':
        reporter.send({ t: 'print', lane: this.lane.key, stream: 'stdout', text: step.text, tsUs: nowUs() });
        return;
      case 'cpu':
        this.enter(step.holdsLoop ? 'blocking' : 'running', step.label);
        this.compute(step.mops);
        this.enter('running', null);
        return;
      case 'sleep':
        return this.sleep(step.ms, step.label);
      case 'timer': {
        const abort = new AbortController();
        this.pendingTimers.add(abort);
        const fired = sleep(step.ms, undefined, { signal: abort.signal }).then(
          () => void this.pendingTimers.delete(abort),
          () => undefined,
        );
        this.timers.set(step.name, {
          atUs: nowUs() + step.ms * 1000,
          soloAtUs: this.soloUs + step.ms * 1000,
          fired,
        });
        return;
      }
      case 'await-timer': {
        const timer = this.timers.get(step.name);
        if (!timer) throw new Error(`no timer named ${step.name} was started`);
        this.soloUs = Math.max(this.soloUs, timer.soloAtUs);
        if (nowUs() >= timer.atUs) return;
        this.enter('waiting', step.label);
        return timer.fired.then(() => this.resume(timer.atUs));
      }
      case 'yield':
        this.enter('blocked', step.label);
        return nextTurn().then(() => this.enter('running', null));
      case 'locked':
        this.locked(step.mops, step.label);
        return;
      case 'spawn':
        for (const executor of step.executors) this.spawn(executor);
        return;
      case 'join':
        this.enter('blocked', step.label);
        return Promise.all(this.children.splice(0)).then(() => this.enter('running', null));
      default: {
        const unreachable: never = step;
        throw new Error(`unknown step ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private async sleep(ms: number, label: string): Promise<void> {
    const due = this.ctx.nowUs() + ms * 1000;
    this.enter('waiting', label);
    await sleep(ms);
    this.soloUs += ms * 1000;
    this.resume(due);
  }

  /** A spin-free mutex over the process's shared lock word: the thread sleeps in the kernel while contended. */
  private locked(mops: number, label: string): void {
    const word = this.ctx.lockWord;
    if (Atomics.compareExchange(word, 0, 0, 1) !== 0) {
      this.enter('blocked', `${label}: waiting for the lock`);
      while (Atomics.compareExchange(word, 0, 0, 1) !== 0) Atomics.wait(word, 0, 1);
    }
    // Stamped after the lock is taken, and (below) before it is let go: a thread descheduled between
    // letting go and stamping would otherwise be drawn holding the lock beside the next holder.
    this.enter('running', `${label} (holding the lock)`);
    let releasedUs: number;
    try {
      this.compute(mops);
    } finally {
      releasedUs = this.ctx.nowUs();
      Atomics.store(word, 0, 0);
      Atomics.notify(word, 0, 1);
    }
    this.enter('running', null, releasedUs);
  }

  private spawn(executor: ExecutorSpec): void {
    const { reporter, nowUs, init } = this.ctx;
    const tsUs = nowUs();
    const launched: Launched = launch(
      {
        executor,
        t0Ns: init.t0Ns,
        ...(executor.kind === 'process' ? {} : { lock: this.ctx.lockWord.buffer as SharedArrayBuffer }),
      },
      { entry: this.ctx.entry, ownGroup: false, onRecord: (r) => reporter.send(r as TracerRecord) },
    );
    reporter.send({
      t: 'spawn',
      parent: this.lane.key,
      kind: laneKind(executor),
      lanes: executor.lanes.map(({ key, name }) => ({ key, name, detail: null })),
      pid: launched.pid,
      tsUs,
    });
    this.children.push(
      launched.exited.then(({ code, signal }) => {
        const at = nowUs();
        for (const lane of executor.lanes) reporter.send({ t: 'exit', lane: lane.key, code, signal, tsUs: at });
      }),
    );
  }
}

interface ExecutorContext {
  readonly init: WorkloadInit;
  readonly reporter: Reporter;
  readonly entry: string;
  readonly ids: { pid: number; tid: number };
  readonly lockWord: Int32Array;
  readonly lateDetail: string;
  nowUs(): number;
}

/**
 * Runs an executor's lanes (one for a thread or process, several tasks on
 * this event loop for `loop`) and returns the exit code it should end with.
 */
export async function runExecutor(init: WorkloadInit, reporter: Reporter, entry: string): Promise<number> {
  const t0 = BigInt(init.t0Ns);
  const ctx: ExecutorContext = {
    init,
    reporter,
    entry,
    ids: osIds(),
    lockWord: new Int32Array(init.lock ?? new SharedArrayBuffer(4)),
    lateDetail: init.executor.busyDetail ?? (init.executor.kind === 'loop' ? LOOP_BUSY : 'ready; waiting for a CPU'),
    nowUs: () => sinceUs(t0),
  };
  const runners = init.executor.lanes.map((lane) => new LaneRunner(lane, ctx));
  const readyUs = ctx.nowUs();
  runners.forEach((runner, i) => runner.ready(readyUs, i > 0));
  const errors = await Promise.all(runners.map((runner, i) => runner.run(i > 0)));
  return errors.some((e) => e !== null) ? 1 : 0;
}
