import type { EngineEvent, LaneInfo, LaneOutcome, RunEndReason, RunSummary, SpanState } from '@protocol/events';
import type { ParamValues } from '@protocol/scenarios';
import { STATE_STYLES, stateIndex } from './states';

/** A lane as the UI knows it, updated as events arrive. */
export interface LaneView {
  info: LaneInfo;
  /** Index into `spans` of its open span, or -1 once ended. */
  open: number;
  /** Span indices of this lane, in time order. */
  spans: number[];
  /** Instant indices of this lane, in time order. */
  instants: number[];
  endUs: number | null;
  outcome: LaneOutcome | null;
}

/** Spans as columns: cheap to grow and to draw, no object per span. */
export interface SpanColumns {
  count: number;
  lane: Uint32Array;
  start: Float64Array;
  /** NaN while the span is open. */
  end: Float64Array;
  state: Uint8Array;
  /** Index into `details`, or -1. */
  detail: Int32Array;
  /** NaN where not measured. */
  cpu: Float64Array;
  /** 1 where the span is running as far as the tracer knows but may be waiting for the GIL (not sampled). */
  mayWaitForGil: Uint8Array;
}

/** A printed line at its instant. */
export interface InstantView {
  readonly lane: number;
  readonly tsUs: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** A line of the run's console (raw stdout/stderr). */
export interface ConsoleLine {
  readonly tsUs: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** A thread runnable on a CPU core over a stretch (sampled runs): on it, or queued on it. */
export interface CoreSpan {
  readonly core: number;
  readonly lane: number;
  readonly startUs: number;
  readonly endUs: number;
  /** CPU time it used there (NaN where not measured). */
  readonly cpuUs: number;
}

/** How the run ended, once it has. */
export interface RunEnd {
  readonly tsUs: number;
  readonly reason: RunEndReason;
  readonly message: string | null;
  readonly summary: RunSummary;
}

function grow<T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

/**
 * One run folded from its events, incrementally: lanes, spans in typed
 * columns, printed lines. Mutated in place as batches arrive; the app
 * store bumps a version so views redraw.
 */
export class RunModel {
  readonly runId: string;
  readonly scenarioId: string;
  readonly title: string;
  readonly params: ParamValues;
  readonly cores: number;
  readonly lanes: LaneView[] = [];
  readonly instants: InstantView[] = [];
  readonly console: ConsoleLine[] = [];
  readonly coreSpans: CoreSpan[] = [];
  /** Highest core index seen in a core span. */
  maxCore = -1;
  readonly runtime: 'node' | 'python';
  readonly sampled: boolean;
  readonly details: string[] = [];
  readonly spans: SpanColumns;
  /** The seq of the last batch applied. */
  lastSeq = -1;
  /** Engine time of the latest batch, and when (performance.now) it arrived. */
  lastNowUs = 0;
  lastArrivalMs = 0;
  end: RunEnd | null = null;
  private readonly detailIndex = new Map<string, number>();

  /**
   * The lanes in the order they were spawned, for rows and kitchen stations:
   * records from different processes arrive in any order, lane ids with them.
   */
  inSpawnOrder(): LaneView[] {
    return this.lanes
      .filter((lane) => lane !== undefined)
      .sort((a, b) => a.info.spawnedUs - b.info.spawnedUs || a.info.laneId - b.info.laneId);
  }

  constructor(started: Extract<EngineEvent, { type: 'run-started' }>, capacity = 256) {
    this.runId = started.runId;
    this.scenarioId = started.scenarioId;
    this.title = started.title;
    this.params = started.params;
    this.cores = started.cores;
    this.runtime = started.runtime;
    this.sampled = started.sampled;
    this.spans = {
      count: 0,
      lane: new Uint32Array(capacity),
      start: new Float64Array(capacity),
      end: new Float64Array(capacity),
      state: new Uint8Array(capacity),
      detail: new Int32Array(capacity),
      cpu: new Float64Array(capacity),
      mayWaitForGil: new Uint8Array(capacity),
    };
  }

  /** Builds a model from a whole event list (a snapshot). */
  static fromEvents(events: readonly EngineEvent[], seq: number, nowUs: number): RunModel | null {
    const started = events.find((e) => e.type === 'run-started');
    if (started?.type !== 'run-started') return null;
    const model = new RunModel(started, Math.max(256, events.length));
    for (const event of events) model.apply(event);
    model.lastSeq = seq;
    model.lastNowUs = nowUs;
    model.lastArrivalMs = performance.now();
    return model;
  }

  get running(): boolean {
    return this.end === null;
  }

  /** Best estimate of the engine's "now" for a live run; the end for a finished one. */
  nowUs(atMs = performance.now()): number {
    if (this.end) return this.end.tsUs;
    return this.lastNowUs + Math.max(0, atMs - this.lastArrivalMs) * 1000;
  }

  private detailId(detail: string | null): number {
    if (detail === null) return -1;
    let id = this.detailIndex.get(detail);
    if (id === undefined) {
      id = this.details.length;
      this.details.push(detail);
      this.detailIndex.set(detail, id);
    }
    return id;
  }

  private openSpan(
    lane: LaneView,
    laneIndex: number,
    tsUs: number,
    state: SpanState,
    detail: string | null,
    mayWaitForGil = false,
  ): void {
    const s = this.spans;
    if (s.count === s.lane.length) {
      const size = s.count * 2;
      s.lane = grow(s.lane, size);
      s.start = grow(s.start, size);
      s.end = grow(s.end, size);
      s.state = grow(s.state, size);
      s.detail = grow(s.detail, size);
      s.cpu = grow(s.cpu, size);
      s.mayWaitForGil = grow(s.mayWaitForGil, size);
    }
    const i = s.count++;
    s.lane[i] = laneIndex;
    s.start[i] = tsUs;
    s.end[i] = NaN;
    s.state[i] = stateIndex(state);
    s.detail[i] = this.detailId(detail);
    s.cpu[i] = NaN;
    s.mayWaitForGil[i] = mayWaitForGil ? 1 : 0;
    lane.open = i;
    lane.spans.push(i);
  }

  private closeSpan(lane: LaneView, tsUs: number, cpuUs: number | null): void {
    if (lane.open < 0) return;
    this.spans.end[lane.open] = Math.max(tsUs, this.spans.start[lane.open]);
    this.spans.cpu[lane.open] = cpuUs ?? NaN;
    lane.open = -1;
  }

  /** Folds one event in. */
  apply(event: EngineEvent): void {
    switch (event.type) {
      case 'run-started':
        return;
      case 'lane-added': {
        const lane: LaneView = {
          info: event.lane,
          open: -1,
          spans: [],
          instants: [],
          endUs: null,
          outcome: null,
        };
        this.lanes[event.lane.laneId] = lane;
        this.openSpan(lane, event.lane.laneId, event.lane.spawnedUs, 'starting', null);
        return;
      }
      case 'lane-ready': {
        const lane = this.lanes[event.laneId];
        if (!lane || lane.endUs !== null) return;
        lane.info = { ...lane.info, pid: event.pid, tid: event.tid };
        this.closeSpan(lane, event.tsUs, event.closedCpuUs);
        this.openSpan(lane, event.laneId, event.tsUs, 'running', null);
        return;
      }
      case 'lane-renamed': {
        const lane = this.lanes[event.laneId];
        if (lane) lane.info = { ...lane.info, name: event.name };
        return;
      }
      case 'state': {
        const lane = this.lanes[event.laneId];
        if (!lane || lane.endUs !== null) return;
        this.closeSpan(lane, event.tsUs, event.closedCpuUs);
        this.openSpan(lane, event.laneId, event.tsUs, event.state, event.detail, event.mayWaitForGil);
        return;
      }
      case 'output': {
        const lane = this.lanes[event.laneId];
        if (!lane) return;
        lane.instants.push(this.instants.length);
        this.instants.push({
          lane: event.laneId,
          tsUs: event.tsUs,
          stream: event.stream,
          text: event.text,
        });
        return;
      }
      case 'lane-ended': {
        const lane = this.lanes[event.laneId];
        if (!lane || lane.endUs !== null) return;
        this.closeSpan(lane, event.tsUs, null);
        lane.endUs = event.tsUs;
        lane.outcome = event.outcome;
        return;
      }
      case 'console':
        this.console.push({ tsUs: event.tsUs, stream: event.stream, text: event.text });
        return;
      case 'core-span': {
        const last = this.coreSpans.at(-1);
        // Consecutive samples of one thread on one core become one span.
        const cpuUs = event.cpuUs ?? NaN;
        if (last && last.core === event.core && last.lane === event.laneId && last.endUs === event.startUs) {
          this.coreSpans[this.coreSpans.length - 1] = { ...last, endUs: event.endUs, cpuUs: last.cpuUs + cpuUs };
        } else {
          this.coreSpans.push({
            core: event.core,
            lane: event.laneId,
            startUs: event.startUs,
            endUs: event.endUs,
            cpuUs,
          });
        }
        this.maxCore = Math.max(this.maxCore, event.core);
        return;
      }
      case 'run-ended':
        this.end = {
          tsUs: event.tsUs,
          reason: event.reason,
          message: event.message,
          summary: event.summary,
        };
        for (const lane of this.lanes) if (lane) this.closeSpan(lane, event.tsUs, null);
        return;
      default: {
        const unreachable: never = event;
        throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /**
   * The span index of `laneIndex` covering `tUs`, or -1 (binary search over
   * its spans). A lane's open span covers everything after its start.
   */
  spanAt(laneIndex: number, tUs: number): number {
    const lane = this.lanes[laneIndex];
    if (!lane) return -1;
    const { start, end } = this.spans;
    let lo = 0;
    let hi = lane.spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const i = lane.spans[mid];
      const e = Number.isNaN(end[i]) ? Infinity : end[i];
      if (tUs < start[i]) hi = mid - 1;
      else if (tUs >= e) lo = mid + 1;
      else return i;
    }
    return -1;
  }

  /** The state of a lane at `tUs`: a span state, `ended`, or `absent` before it was spawned. */
  stateAt(laneIndex: number, tUs: number): SpanState | 'ended' | 'absent' {
    const lane = this.lanes[laneIndex];
    if (!lane || tUs < lane.info.spawnedUs) return 'absent';
    if (lane.endUs !== null && tUs >= lane.endUs) return 'ended';
    const i = this.spanAt(laneIndex, tUs);
    return i < 0 ? 'ended' : STATE_STYLES[this.spans.state[i]].state;
  }

  /** How many lanes are alive and how many running at `tUs`. */
  countsAt(tUs: number): { alive: number; running: number } {
    let alive = 0;
    let running = 0;
    for (const lane of this.lanes) {
      if (!lane) continue;
      const state = this.stateAt(lane.info.laneId, tUs);
      if (state === 'absent' || state === 'ended') continue;
      alive++;
      if (state === 'running' || state === 'blocking') running++;
    }
    return { alive, running };
  }
}
