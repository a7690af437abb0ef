import type {
  EngineEvent,
  EventBatch,
  LaneKind,
  LaneOutcome,
  RunEndReason,
  RunSnapshot,
  RunSummary,
} from '../protocol/events';
import type { LaneId, RunId } from '../protocol/ids';
import type { ParamValues, ScenarioInfo } from '../protocol/scenarios';
import { MAX_PRINT_CHARS, validateTracerRecord, type TracerRecord } from '../protocol/tracer';
import { monoNs, sinceUs } from './clock';
import type { ExitInfo } from './records';
import { failedSummary, summarize, type SummaryContext } from '../../src-shared/summary';
import { describeSignal } from './signals';
import type { RunModel } from '../../src-shared/run-model';
import { EventLog } from './event-log';
import { buildTimeline, timelineOf } from '../../src-shared/timeline';

/** What a source of lanes (Node workloads, a traced Python script) may do to its run. */
export interface RunSink {
  readonly t0Ns: bigint;
  nowUs(): number;
  /** A record from a workload or tracer, not yet validated. */
  ingest(raw: unknown): void;
  /** A record the source made itself, or has validated. */
  accept(record: TracerRecord): void;
  /** A line of raw stdout or stderr, for the console. */
  console(stream: 'stdout' | 'stderr', text: string): void;
  /** A lane's thread was runnable on `core` over this stretch, using `cpuUs` of CPU. */
  coreSpan(core: number, key: string, startUs: number, endUs: number, cpuUs: number | null): void;
  /** Ends the lanes of a process or thread that exited, if they are still open. */
  exitLanes(keys: readonly string[], exit: ExitInfo): void;
  /** A problem worth showing in the console (capped). */
  warn(message: string): void;
  /** True once stop() was asked for. */
  readonly stopping: boolean;
}

/** Starts and stops what a run traces. */
export interface RunSource {
  /** Whether a lane of this key may appear (a plan's keys; anything for a traced script, up to a cap). */
  allows(key: string): boolean;
  /**
   * Gets ready to start, before the run's clock starts (the engine calls it first, where there is one):
   * what it takes to start the lanes is not drawn as part of the run.
   */
  prepare?(): Promise<void>;
  /** Starts; settles once everything it started has exited. */
  start(sink: RunSink): Promise<void>;
  /** Ends everything it started; resolves when all of it is gone. */
  stop(graceMs: number): Promise<void>;
  /** How often the OS scheduler was sampled, or null where it was not. */
  samplingHz(): number | null;
  /** How the source's own main process ended, once it has (a traced script's interpreter); null if none. */
  exitStatus?(): ExitInfo | null;
  readonly runtime: 'node' | 'python';
  /** For Python runs: whether the interpreter has a GIL, and whether the OS scheduler was sampled. */
  readonly python: { gil: boolean; sampled: boolean } | null;
  readonly sampled: boolean;
}

/** What a run needs from the engine that starts it. */
export interface RunOptions {
  readonly runId: RunId;
  readonly scenario: ScenarioInfo;
  readonly params: ParamValues;
  readonly source: RunSource;
  readonly cores: number;
  /** How long events are gathered before a batch goes out (about one frame). */
  readonly flushMs: number;
  /** How long a stopped process group gets after SIGTERM before SIGKILL. */
  readonly stopGraceMs: number;
  readonly onBatch: (batch: EventBatch) => void;
}

const MAX_WARNINGS = 20;
/**
 * Lanes kept a run: past this many, the rest still run but are left out of the chart, the trace and
 * the summary, which says how many.
 */
export const MAX_LANES = 20_000;

interface LaneState {
  readonly laneId: LaneId;
  readonly kind: LaneKind;
  /** The lane that started it, or null for one the run started itself. */
  readonly parent: LaneId | null;
  name: string;
  pid: number | null;
  lastUs: number;
  ended: boolean;
  soloUs: number | null;
  error: string | null;
}

/** Why a lane's process or thread ended, as the timeline says it. */
function exitOutcome(lane: LaneState, exit: ExitInfo & { abandoned?: boolean }, stopping: boolean): LaneOutcome {
  if (lane.error !== null) {
    return lane.error === 'cancelled' ? { kind: 'cancelled' } : { kind: 'error', message: lane.error };
  }
  if (stopping && (exit.signal !== null || exit.code !== 0)) return { kind: 'stopped' };
  if (exit.abandoned) return { kind: 'abandoned' };
  return { kind: 'exited', code: exit.code, signal: exit.signal };
}

/**
 * One run: its source starts threads and processes; their records become
 * validated events on the run's clock, sent in batches; it ends with a
 * summary once everything the source started has exited or been stopped.
 */
export class Run implements RunSink {
  readonly runId: RunId;
  readonly scenario: ScenarioInfo;
  readonly t0Ns: bigint = monoNs();
  /** Every event so far, folded into the model and kept compactly (engine/event-log.ts). */
  private readonly log = new EventLog();
  /** Settles with the summary when the run has ended. */
  readonly finished: Promise<RunSummary>;

  private readonly options: RunOptions;
  private readonly lanes = new Map<string, LaneState>();
  /** The same lanes by LaneId (their index). */
  private readonly byId: LaneState[] = [];
  private pending: EngineEvent[] = [];
  private seq = -1;
  private flushTimer: NodeJS.Timeout | null = null;
  private stopRequested = false;
  private ended = false;
  private warnings = 0;
  private lanesRefused = 0;
  /** Lines printed in all by each process, as its tracer said when it ended (by lane key). */
  private readonly printed = new Map<string, number>();
  private resolveFinished!: (summary: RunSummary) => void;

  constructor(options: RunOptions) {
    this.options = options;
    this.runId = options.runId;
    this.scenario = options.scenario;
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  /** Microseconds since this run's zero. */
  nowUs(): number {
    return sinceUs(this.t0Ns);
  }

  get running(): boolean {
    return !this.ended;
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Starts the source. */
  start(): void {
    const { source } = this.options;
    this.emit({
      type: 'run-started',
      runId: this.runId,
      scenarioId: this.scenario.id,
      title: this.scenario.title,
      params: this.options.params,
      cores: this.options.cores,
      platform: process.platform,
      runtime: source.runtime,
      sampled: source.sampled,
      gil: source.python?.gil ?? null,
      t0MonoNs: this.t0Ns.toString(),
    });
    source.start(this).then(
      () => this.finish(null),
      (err: Error) => this.finish(err.message),
    );
  }

  /** Takes one untrusted record from a workload or tracer. */
  ingest(raw: unknown): void {
    if (this.ended) return;
    let record: TracerRecord;
    try {
      record = validateTracerRecord(raw);
    } catch (err) {
      this.warn(`ignored a bad record: ${(err as Error).message}`);
      return;
    }
    this.accept(record);
  }

  private lane(key: string): LaneState | null {
    const lane = this.lanes.get(key);
    if (!lane && this.options.source.allows(key) === false) {
      this.warn(`ignored a record for unknown lane ${JSON.stringify(key)}`);
    }
    return lane ?? null;
  }

  /** A lane's stamps never go backwards nor past now: a workload's clock error cannot reorder the chart. */
  private stamp(lane: LaneState, tsUs: number): number {
    const t = Math.min(Math.max(tsUs, lane.lastUs), this.nowUs());
    lane.lastUs = t;
    return t;
  }

  private addLane(record: Extract<TracerRecord, { t: 'spawn' }>, key: string, name: string): void {
    const parent = record.parent === null ? null : (this.lanes.get(record.parent) ?? null);
    if (this.lanes.size >= MAX_LANES) {
      if (this.lanesRefused++ === 0) this.warn(`more than ${MAX_LANES} lanes: the rest run but are not kept`);
      return;
    }
    const tsUs = Math.min(Math.max(record.tsUs, parent?.lastUs ?? 0), this.nowUs());
    const lane: LaneState = {
      laneId: this.lanes.size as LaneId,
      kind: record.kind,
      parent: parent?.laneId ?? null,
      name,
      pid: record.pid ?? parent?.pid ?? (record.kind === 'process' ? null : process.pid),
      lastUs: tsUs,
      ended: false,
      soloUs: null,
      error: null,
    };
    this.lanes.set(key, lane);
    this.byId.push(lane);
    this.emit({
      type: 'lane-added',
      lane: {
        laneId: lane.laneId,
        name,
        kind: record.kind,
        detail: record.lanes.find((l) => l.key === key)?.detail ?? null,
        pid: lane.pid,
        tid: null,
        parentLaneId: parent?.laneId ?? null,
        spawnedUs: tsUs,
      },
    });
  }

  /** Takes one valid record. */
  accept(record: TracerRecord): void {
    if (this.ended) return;
    switch (record.t) {
      case 'spawn': {
        for (const { key, name } of record.lanes) {
          if (this.lanes.has(key)) continue; // Announced already (by its parent, or by the engine).
          if (!this.options.source.allows(key)) {
            this.warn(`ignored a spawn of an unplanned lane ${JSON.stringify(key)}`);
            continue;
          }
          this.addLane(record, key, name);
        }
        return;
      }
      case 'ready': {
        const lane = this.lane(record.lane);
        if (!lane || lane.ended) return;
        lane.pid = record.pid;
        const tsUs = this.stamp(lane, record.tsUs);
        this.emit({
          type: 'lane-ready',
          laneId: lane.laneId,
          tsUs,
          pid: record.pid,
          tid: record.tid,
          closedCpuUs: record.cpuUs,
        });
        return;
      }
      case 'name': {
        const lane = this.lane(record.lane);
        if (!lane || lane.name === record.name) return;
        lane.name = record.name;
        this.emit({
          type: 'lane-renamed',
          laneId: lane.laneId,
          tsUs: this.stamp(lane, record.tsUs),
          name: record.name,
        });
        return;
      }
      case 'state': {
        const lane = this.lane(record.lane);
        if (!lane || lane.ended) return;
        this.emit({
          type: 'state',
          laneId: lane.laneId,
          tsUs: this.stamp(lane, record.tsUs),
          state: record.state,
          detail: record.detail,
          mayWaitForGil: record.mayWaitForGil ?? false,
          closedCpuUs: record.cpuUs,
        });
        return;
      }
      case 'print': {
        const lane = this.lane(record.lane);
        if (!lane) return;
        this.emit({
          type: 'output',
          laneId: lane.laneId,
          tsUs: this.stamp(lane, record.tsUs),
          stream: record.stream,
          text: record.text,
        });
        return;
      }
      case 'done': {
        if (record.printed !== null) this.printed.set(record.lane, record.printed);
        const lane = this.lane(record.lane);
        if (!lane || lane.ended) return;
        lane.soloUs = record.soloUs;
        lane.error = record.error;
        if (lane.kind === 'task') {
          const outcome: LaneOutcome =
            record.error === null
              ? { kind: 'completed' }
              : record.error === 'cancelled'
                ? { kind: 'cancelled' }
                : { kind: 'error', message: record.error };
          this.endLane(lane, this.stamp(lane, record.tsUs), outcome);
        }
        return;
      }
      case 'exit': {
        const lane = this.lane(record.lane);
        if (!lane || lane.ended) return;
        this.endLane(lane, this.stamp(lane, record.tsUs), exitOutcome(lane, record, this.stopRequested));
        return;
      }
      default: {
        const unreachable: never = record;
        this.warn(`ignored an unknown record ${JSON.stringify(unreachable)}`);
      }
    }
  }

  exitLanes(keys: readonly string[], exit: ExitInfo): void {
    const at = this.nowUs();
    for (const key of keys) {
      const lane = this.lanes.get(key);
      if (lane && !lane.ended) this.endLane(lane, at, exitOutcome(lane, exit, this.stopRequested));
    }
  }

  private endLane(lane: LaneState, tsUs: number, outcome: LaneOutcome): void {
    lane.ended = true;
    this.emit({
      type: 'lane-ended',
      laneId: lane.laneId,
      tsUs: Math.max(tsUs, lane.lastUs),
      outcome,
      soloUs: outcome.kind === 'stopped' ? null : lane.soloUs,
    });
  }

  console(stream: 'stdout' | 'stderr', line: string): void {
    if (this.ended) return;
    this.emit({
      type: 'console',
      tsUs: this.nowUs(),
      stream,
      text: line.length > MAX_PRINT_CHARS ? `${line.slice(0, MAX_PRINT_CHARS - 1)}…` : line,
    });
  }

  coreSpan(core: number, key: string, startUs: number, endUs: number, cpuUs: number | null): void {
    const lane = this.lanes.get(key);
    if (!lane || this.ended || endUs <= startUs) return;
    this.emit({ type: 'core-span', core, laneId: lane.laneId, startUs, endUs, cpuUs });
  }

  /** Problems with what a workload sent go to the console as stderr lines (capped). */
  warn(message: string): void {
    this.warnings++;
    if (this.warnings <= MAX_WARNINGS) this.console('stderr', `[kitchen] ${message}`);
  }

  /** How the run's main process ended (a traced script's), once it has; null where there is none. */
  exitStatus(): ExitInfo | null {
    return this.options.source.exitStatus?.() ?? null;
  }

  /** Stops the run: every thread and process it started is ended. */
  async stop(): Promise<RunSummary> {
    if (!this.ended && !this.stopRequested) {
      this.stopRequested = true;
      await this.options.source.stop(this.options.stopGraceMs);
    }
    return this.finished;
  }

  private finish(failure: string | null): void {
    if (this.ended) return;
    if (failure) this.warn(failure);
    const at = this.nowUs();
    for (const lane of this.lanes.values()) {
      if (!lane.ended) {
        this.endLane(
          lane,
          at,
          this.stopRequested ? { kind: 'stopped' } : { kind: 'error', message: 'ended without reporting its exit' },
        );
      }
    }
    const summary = this.summary();
    const { reason, message } = this.verdict(failure);
    this.emit({ type: 'run-ended', tsUs: at, reason, message, summary });
    this.ended = true;
    this.flush();
    this.resolveFinished(summary);
  }

  /**
   * The run's figures. Whatever fails in working them out, the run still ends (and its events, its
   * trace, are kept): the summary then says what failed, in one line.
   */
  private summary(): RunSummary {
    const timeline = this.model ? timelineOf(this.model) : buildTimeline(this.events);
    let wallUs = 0;
    for (const lane of timeline.lanes) wallUs = Math.max(wallUs, lane.endUs);
    const { source } = this.options;
    const context: SummaryContext = {
      cores: this.options.cores,
      wallUs,
      samplingHz: source.samplingHz(),
      python: source.python,
      lanesLeftOut: this.lanesRefused,
      threadCpu: process.platform === 'linux',
      output: { printed: this.printedLines(), drawn: timeline.instants.length },
    };
    try {
      return summarize(timeline, context);
    } catch (err) {
      const problem = `the summary could not be worked out: ${(err as Error).message}`;
      this.warn(problem);
      return failedSummary(timeline, context, problem);
    }
  }

  /** The run's events folded into lanes and span columns, as they come (null until run-started). */
  get model(): RunModel | null {
    return this.log.model;
  }

  /** Every event so far, in order (for snapshots, `--events` and tests). */
  get events(): EngineEvent[] {
    return this.log.all();
  }

  /** Lines printed in all: what each process said it printed when it ended, else what reached the chart from it. */
  private printedLines(): number {
    const drawn = new Map<number | null, number>();
    for (const event of this.log.kept()) {
      if (event.type !== 'output') continue;
      const pid = this.byId[event.laneId]?.pid ?? null;
      drawn.set(pid, (drawn.get(pid) ?? 0) + 1);
    }
    const said = new Map<number, number>();
    for (const [key, count] of this.printed) {
      const pid = this.lanes.get(key)?.pid;
      if (pid != null) said.set(pid, count);
    }
    let total = 0;
    for (const [pid, count] of drawn) total += Math.max(count, pid === null ? 0 : (said.get(pid) ?? 0));
    for (const [pid, count] of said) if (!drawn.has(pid)) total += count;
    return total;
  }

  private verdict(failure: string | null): { reason: RunEndReason; message: string | null } {
    if (this.stopRequested) return { reason: 'stopped', message: 'Every thread and process it started was ended.' };
    if (failure) return { reason: 'failed', message: failure };
    for (const event of this.log.kept()) {
      if (event.type !== 'lane-ended') continue;
      const o = event.outcome;
      const lane = this.byId[event.laneId];
      const name = lane?.name ?? 'a lane';
      if (o.kind === 'error') return { reason: 'failed', message: `${name} failed: ${o.message.split('\n')[0]}` };
      // A null code is one nobody learned (the process was not reaped by a traced parent), not a failure;
      // a child's exit status is the program's own business (grep exits 1 when nothing matched): only a
      // lane the run started itself fails the run by its exit status.
      const exitedBadly = o.kind === 'exited' && ((o.code !== null && o.code !== 0) || o.signal !== null);
      if (exitedBadly && lane?.parent === null) {
        const how = o.signal === null ? `code ${o.code}` : describeSignal(o.signal);
        return { reason: 'failed', message: `${name} exited with ${how}` };
      }
    }
    return { reason: 'completed', message: null };
  }

  private emit(event: EngineEvent): void {
    this.log.push(event);
    this.pending.push(event);
    this.flushTimer ??= setTimeout(() => this.flush(), this.options.flushMs);
  }

  /** Sends whatever is pending as one batch. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    this.seq++;
    this.options.onBatch({ runId: this.runId, seq: this.seq, nowUs: this.nowUs(), events });
  }

  /** Every event sent so far, for a client that joins late or lost a batch. */
  snapshot(): RunSnapshot {
    this.flush();
    return { runId: this.runId, seq: this.seq, nowUs: this.nowUs(), running: !this.ended, events: this.events };
  }
}
