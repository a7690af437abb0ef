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
import { launch, type ExitInfo, type Launched } from './launch';
import { planLanes, type ExecutorSpec, type Plan } from './plan';
import { summarize } from './summary';
import { buildTimeline } from './timeline';

/** What a run needs from the engine that starts it. */
export interface RunOptions {
  readonly runId: RunId;
  readonly scenario: ScenarioInfo;
  readonly params: ParamValues;
  readonly plan: Plan;
  /** The built workload entry script. */
  readonly entry: string;
  readonly cores: number;
  /** How long events are gathered before a batch goes out (about one frame). */
  readonly flushMs: number;
  /** How long a stopped process group gets after SIGTERM before SIGKILL. */
  readonly stopGraceMs: number;
  readonly onBatch: (batch: EventBatch) => void;
}

const MAX_WARNINGS = 20;

interface LaneState {
  readonly laneId: LaneId;
  readonly kind: LaneKind;
  readonly name: string;
  pid: number | null;
  lastUs: number;
  ended: boolean;
  soloUs: number | null;
  error: string | null;
}

/** Why a lane's process or thread ended, as the timeline says it. */
function exitOutcome(lane: LaneState, exit: ExitInfo, stopping: boolean): LaneOutcome {
  if (lane.error !== null) return { kind: 'error', message: lane.error };
  if (stopping && (exit.signal !== null || exit.code !== 0)) return { kind: 'stopped' };
  return { kind: 'exited', code: exit.code, signal: exit.signal };
}

/**
 * One run of a plan: starts its executors, turns their records into
 * validated events on the run's clock, sends them in batches, and ends
 * with a summary once everything it started has exited or been stopped.
 */
export class Run {
  readonly runId: RunId;
  readonly scenario: ScenarioInfo;
  readonly t0Ns: bigint = monoNs();
  /** Every event so far, in order. */
  readonly events: EngineEvent[] = [];
  /** Settles with the summary when the run has ended. */
  readonly finished: Promise<RunSummary>;

  private readonly options: RunOptions;
  private readonly planKeys: Map<string, { name: string; kind: LaneKind }>;
  private readonly lanes = new Map<string, LaneState>();
  /** The same lanes by LaneId (their index). */
  private readonly byId: LaneState[] = [];
  private readonly executors: Launched[] = [];
  private pending: EngineEvent[] = [];
  private seq = -1;
  private flushTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private ended = false;
  private warnings = 0;
  private resolveFinished!: (summary: RunSummary) => void;

  constructor(options: RunOptions) {
    this.options = options;
    this.runId = options.runId;
    this.scenario = options.scenario;
    this.planKeys = new Map(
      planLanes(options.plan).map(({ lane, kind }) => [
        lane.key,
        { name: lane.name, kind: kind === 'loop' ? 'task' : kind },
      ]),
    );
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  /** Microseconds since this run's zero. */
  nowUs(): number {
    return sinceUs(this.t0Ns);
  }

  get running(): boolean {
    return !this.ended;
  }

  /** Starts every top-level executor of the plan. */
  start(): void {
    this.emit({
      type: 'run-started',
      runId: this.runId,
      scenarioId: this.scenario.id,
      title: this.scenario.title,
      params: this.options.params,
      cores: this.options.cores,
      platform: process.platform,
      t0MonoNs: this.t0Ns.toString(),
    });
    const exits = this.options.plan.executors.map((executor) => this.launchTop(executor));
    void Promise.all(exits).then(() => this.finish());
  }

  private launchTop(executor: ExecutorSpec): Promise<void> {
    const tsUs = this.nowUs();
    const first = executor.lanes[0].key;
    const launched = launch(
      { executor, t0Ns: this.t0Ns.toString(), lock: new SharedArrayBuffer(4) },
      {
        entry: this.options.entry,
        ownGroup: true,
        onRecord: (record) => this.ingest(record),
        onOutput: (stream, line) => this.output(first, stream, line),
      },
    );
    this.executors.push(launched);
    this.accept({
      t: 'spawn',
      parent: null,
      kind: executor.kind === 'loop' ? 'task' : executor.kind,
      lanes: executor.lanes.map(({ key, name }) => ({ key, name })),
      pid: launched.pid,
      tsUs,
    });
    return launched.exited.then((exit) => {
      const at = this.nowUs();
      for (const { key } of executor.lanes) {
        const lane = this.lanes.get(key);
        if (lane && !lane.ended) this.endLane(lane, at, exitOutcome(lane, exit, this.stopping));
      }
    });
  }

  /** Takes one untrusted record from a workload. */
  ingest(raw: unknown): void {
    if (this.ended) return;
    let record: TracerRecord;
    try {
      record = validateTracerRecord(raw);
    } catch (err) {
      this.warn(`ignored a bad record from a workload: ${(err as Error).message}`);
      return;
    }
    this.accept(record);
  }

  private lane(key: string): LaneState | null {
    const lane = this.lanes.get(key);
    if (!lane) this.warn(`ignored a record for unknown lane ${JSON.stringify(key)}`);
    return lane ?? null;
  }

  /** A lane's stamps never go backwards nor past now: a workload's clock error cannot reorder the chart. */
  private stamp(lane: LaneState, tsUs: number): number {
    const t = Math.min(Math.max(tsUs, lane.lastUs), this.nowUs());
    lane.lastUs = t;
    return t;
  }

  private accept(record: TracerRecord): void {
    switch (record.t) {
      case 'spawn': {
        const parent = record.parent === null ? null : this.lane(record.parent);
        for (const { key, name } of record.lanes) {
          const planned = this.planKeys.get(key);
          if (!planned || this.lanes.has(key)) {
            this.warn(`ignored a spawn of ${planned ? 'an existing' : 'an unplanned'} lane ${JSON.stringify(key)}`);
            continue;
          }
          const tsUs = Math.min(Math.max(record.tsUs, parent?.lastUs ?? 0), this.nowUs());
          const lane: LaneState = {
            laneId: this.lanes.size as LaneId,
            kind: record.kind,
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
              pid: lane.pid,
              tid: null,
              parentLaneId: parent?.laneId ?? null,
              spawnedUs: tsUs,
            },
          });
        }
        return;
      }
      case 'ready': {
        const lane = this.lane(record.lane);
        if (!lane || lane.ended) return;
        lane.pid = record.pid;
        const tsUs = this.stamp(lane, record.tsUs);
        this.emit({ type: 'lane-ready', laneId: lane.laneId, tsUs, pid: record.pid, tid: record.tid });
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
          stream: 'stdout',
          text: record.text,
        });
        return;
      }
      case 'done': {
        const lane = this.lane(record.lane);
        if (!lane || lane.ended) return;
        lane.soloUs = record.soloUs;
        lane.error = record.error;
        if (lane.kind === 'task') {
          const outcome: LaneOutcome =
            record.error === null ? { kind: 'completed' } : { kind: 'error', message: record.error };
          this.endLane(lane, this.stamp(lane, record.tsUs), outcome);
        }
        return;
      }
      case 'exit': {
        const lane = this.lane(record.lane);
        if (!lane || lane.ended) return;
        this.endLane(lane, this.stamp(lane, record.tsUs), exitOutcome(lane, record, this.stopping));
        return;
      }
      default: {
        const unreachable: never = record;
        this.warn(`ignored an unknown record ${JSON.stringify(unreachable)}`);
      }
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

  private output(key: string, stream: 'stdout' | 'stderr', line: string): void {
    const lane = this.lanes.get(key);
    if (!lane || this.ended) return;
    this.emit({
      type: 'output',
      laneId: lane.laneId,
      tsUs: this.stamp(lane, this.nowUs()),
      stream,
      text: line.length > MAX_PRINT_CHARS ? `${line.slice(0, MAX_PRINT_CHARS - 1)}…` : line,
    });
  }

  /** Problems with a workload's records go on the first lane as stderr lines (capped). */
  private warn(message: string): void {
    this.warnings++;
    if (this.warnings > MAX_WARNINGS) return;
    const first = this.lanes.keys().next();
    if (first.done) console.warn(`[kitchen] ${message}`);
    else this.output(first.value, 'stderr', `[kitchen] ${message}`);
  }

  /** Stops the run: every thread and process it started is ended. */
  async stop(): Promise<RunSummary> {
    if (!this.ended && !this.stopping) {
      this.stopping = true;
      await Promise.all(this.executors.map((e) => e.stop(this.options.stopGraceMs)));
    }
    return this.finished;
  }

  private finish(): void {
    if (this.ended) return;
    const at = this.nowUs();
    for (const lane of this.lanes.values()) {
      if (!lane.ended) {
        this.endLane(
          lane,
          at,
          this.stopping ? { kind: 'stopped' } : { kind: 'error', message: 'ended without reporting its exit' },
        );
      }
    }
    const timeline = buildTimeline(this.events);
    const wallUs = Math.max(0, ...timeline.lanes.map((l) => l.endUs));
    const summary = summarize(timeline, this.options.cores, wallUs);
    const { reason, message } = this.verdict();
    this.emit({ type: 'run-ended', tsUs: at, reason, message, summary });
    this.ended = true;
    this.flush();
    this.resolveFinished(summary);
  }

  private verdict(): { reason: RunEndReason; message: string | null } {
    if (this.stopping) return { reason: 'stopped', message: 'Every thread and process it started was ended.' };
    for (const event of this.events) {
      if (event.type !== 'lane-ended') continue;
      const o = event.outcome;
      const name = this.byId[event.laneId]?.name ?? 'a lane';
      if (o.kind === 'error') return { reason: 'failed', message: `${name} failed: ${o.message.split('\n')[0]}` };
      if (o.kind === 'exited' && (o.code !== 0 || o.signal !== null)) {
        return { reason: 'failed', message: `${name} exited with ${o.signal ?? `code ${o.code}`}` };
      }
    }
    return { reason: 'completed', message: null };
  }

  private emit(event: EngineEvent): void {
    this.events.push(event);
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
    return { runId: this.runId, seq: this.seq, nowUs: this.nowUs(), running: !this.ended, events: [...this.events] };
  }
}
