import {
  SPAN_STATES,
  type EngineEvent,
  type LaneInfo,
  type LaneOutcome,
  type RunEndReason,
  type RunSummary,
  type SpanState,
} from '../src-main/protocol/events';
import type { ParamValues } from '../src-main/protocol/scenarios';
import { FLAG_MAY_WAIT_FOR_GIL, IndexList, SpanStore, stateIndex } from './span-store';

/** A lane as the model knows it, updated as events arrive. */
export interface LaneView {
  info: LaneInfo;
  /** Index into `spans` of its open span, or -1 (ended, or between spans). */
  open: number;
  /** Span indices of this lane's row (depth 0), in time order. */
  spans: IndexList;
  /** An imported lane with nested slices: every slice of it, by start (outer first at a tie); else null. */
  nested: IndexList | null;
  /** Instant indices of this lane, in time order. */
  instants: number[];
  endUs: number | null;
  outcome: LaneOutcome | null;
  /** How long its work would take alone, where the lane said so when it ended. */
  soloUs: number | null;
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

/** What a run is, as its `run-started` event (or an imported file) says. */
export type RunHeader = Pick<
  Extract<EngineEvent, { type: 'run-started' }>,
  'runId' | 'scenarioId' | 'title' | 'params' | 'cores' | 'runtime' | 'sampled'
> &
  Partial<Pick<Extract<EngineEvent, { type: 'run-started' }>, 'gil'>>;

/** The header of events that come without a `run-started` (tests, fragments). */
const HEADLESS: RunHeader = {
  runId: 'run' as RunHeader['runId'],
  scenarioId: 'events' as RunHeader['scenarioId'],
  title: 'events',
  params: {},
  cores: 1,
  runtime: 'node',
  sampled: false,
};

/**
 * One run folded from its events, incrementally: lanes, spans in typed
 * columns, printed lines. The one fold from events to spans: the engine
 * (summary, export), the live view, replay and import all use it. Mutated in
 * place as batches arrive; the app store bumps a version so views redraw.
 */
export class RunModel {
  readonly runId: string;
  readonly scenarioId: string;
  /** What the run is called (an imported file: its title, else its name). */
  title: string;
  readonly params: ParamValues;
  /** Logical cores of the machine that ran it; 0 where the file did not say. */
  cores: number;
  /** Process names by pid, where known (imported files). */
  readonly processNames = new Map<number, string>();
  /** Rows follow `order` as it is (an imported file's sort indices), not the spawn times. */
  fixedOrder = false;
  readonly lanes: LaneView[] = [];
  readonly instants: InstantView[] = [];
  readonly console: ConsoleLine[] = [];
  readonly coreSpans: CoreSpan[] = [];
  /** Highest core index seen in a core span. */
  maxCore = -1;
  readonly runtime: 'node' | 'python';
  readonly sampled: boolean;
  /** For Python runs, whether the interpreter has a GIL; null where not known (Node runs, files). */
  readonly gil: boolean | null;
  readonly spans: SpanStore;
  /** Lane ids in the order their lanes were added. */
  readonly order: number[] = [];
  /** The latest stamp seen. */
  lastUs = 0;
  /** The seq of the last batch applied. */
  lastSeq = -1;
  /** Engine time of the latest batch, and when (performance.now) it arrived. */
  lastNowUs = 0;
  lastArrivalMs = 0;
  end: RunEnd | null = null;
  /** Where the run came from, when it was opened from a file rather than run here. */
  source: { readonly file: string; readonly format: string; readonly notes: readonly string[] } | null = null;

  /**
   * The lanes in the order they were spawned, for rows and kitchen stations:
   * records from different processes arrive in any order, lane ids with them.
   */
  inSpawnOrder(): LaneView[] {
    if (this.fixedOrder) return this.order.map((id) => this.lanes[id]);
    return this.order
      .map((id) => this.lanes[id])
      .sort((a, b) => a.info.spawnedUs - b.info.spawnedUs || a.info.laneId - b.info.laneId);
  }

  constructor(header: RunHeader, capacity = 256) {
    this.runId = header.runId;
    this.scenarioId = header.scenarioId;
    this.title = header.title;
    this.params = header.params;
    this.cores = header.cores;
    this.runtime = header.runtime;
    this.sampled = header.sampled;
    this.gil = header.gil ?? null;
    this.spans = new SpanStore(capacity);
  }

  /** Interned strings: span details. */
  get details(): readonly string[] {
    return this.spans.strings;
  }

  /** Builds a model from a whole event list (a snapshot); null without a `run-started`, unless `headless`. */
  static fromEvents(events: readonly EngineEvent[], seq = -1, nowUs = 0, headless = false): RunModel | null {
    const started = events.find((e) => e.type === 'run-started');
    if (started?.type !== 'run-started' && !headless) return null;
    const model = new RunModel(started?.type === 'run-started' ? started : HEADLESS, Math.max(256, events.length));
    for (const event of events) model.apply(event);
    model.lastSeq = seq;
    model.lastNowUs = nowUs;
    model.lastArrivalMs = performance.now();
    return model;
  }

  /** Adds a lane (events do it with `lane-added`; importers directly). */
  addLane(info: LaneInfo): LaneView {
    const lane: LaneView = {
      info,
      open: -1,
      spans: new IndexList(),
      nested: null,
      instants: [],
      endUs: null,
      outcome: null,
      soloUs: null,
    };
    if (this.lanes[info.laneId] === undefined) this.order.push(info.laneId);
    this.lanes[info.laneId] = lane;
    return lane;
  }

  get running(): boolean {
    return this.end === null;
  }

  /** Best estimate of the engine's "now" for a live run; the end for a finished one. */
  nowUs(atMs = performance.now()): number {
    if (this.end) return this.end.tsUs;
    return this.lastNowUs + Math.max(0, atMs - this.lastArrivalMs) * 1000;
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
    const i = s.push(
      laneIndex,
      tsUs,
      NaN,
      stateIndex(state),
      s.intern(detail),
      NaN,
      mayWaitForGil ? FLAG_MAY_WAIT_FOR_GIL : 0,
    );
    if (tsUs > this.lastUs) this.lastUs = tsUs;
    lane.open = i;
    lane.spans.push(i);
  }

  private closeSpan(lane: LaneView, tsUs: number, cpuUs: number | null): void {
    if (tsUs > this.lastUs) this.lastUs = tsUs;
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
        const lane = this.addLane(event.lane);
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
        if (event.tsUs > this.lastUs) this.lastUs = event.tsUs;
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
        lane.soloUs = event.soloUs;
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
        for (const id of this.order) this.closeSpan(this.lanes[id], event.tsUs, null);
        if (event.tsUs > this.lastUs) this.lastUs = event.tsUs;
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
      const i = lane.spans.items[mid];
      const e = Number.isNaN(end[i]) ? Infinity : end[i];
      if (tUs < start[i]) hi = mid - 1;
      else if (tUs >= e) lo = mid + 1;
      else return i;
    }
    return -1;
  }

  /**
   * The slices nested inside row span `outer` that hold `tUs`, outermost first (an imported trace's
   * call stack at that instant); empty where the lane has none. Looks at no more than `limit` slices.
   */
  nestedAt(laneIndex: number, outer: number, tUs: number, limit = 5000): number[] {
    const list = this.lanes[laneIndex]?.nested;
    if (!list) return [];
    const { start, end, depth } = this.spans;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (start[list.items[mid]] < start[outer]) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let k = lo; k < list.length && k < lo + limit; k++) {
      const i = list.items[k];
      if (start[i] > tUs || start[i] >= end[outer]) break;
      if (depth[i] > 0 && tUs < end[i]) out.push(i);
    }
    return out;
  }

  /** The state of a lane at `tUs`: a span state, `ended`, or `absent` before it was spawned. */
  stateAt(laneIndex: number, tUs: number): SpanState | 'ended' | 'absent' | 'idle' {
    const lane = this.lanes[laneIndex];
    if (!lane || tUs < lane.info.spawnedUs) return 'absent';
    if (lane.endUs !== null && tUs >= lane.endUs) return 'ended';
    const i = this.spanAt(laneIndex, tUs);
    // Between two slices of an imported trace: the file says nothing of that time.
    if (i < 0) return this.source !== null && lane.endUs !== null && tUs < lane.endUs ? 'idle' : 'ended';
    return SPAN_STATES[this.spans.state[i]];
  }

  /** How many lanes are alive and how many running at `tUs`. */
  countsAt(tUs: number): { alive: number; running: number } {
    let alive = 0;
    let running = 0;
    for (const id of this.order) {
      const lane = this.lanes[id];
      const state = this.stateAt(lane.info.laneId, tUs);
      if (state === 'absent' || state === 'ended' || state === 'idle') continue;
      alive++;
      if (state === 'running' || state === 'blocking') running++;
    }
    return { alive, running };
  }
}
