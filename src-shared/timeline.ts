import {
  SPAN_STATES,
  type EngineEvent,
  type LaneInfo,
  type LaneOutcome,
  type SpanState,
} from '../src-main/protocol/events';
import type { LaneId } from '../src-main/protocol/ids';
import { RunModel } from './run-model';
import { FLAG_MAY_WAIT_FOR_GIL } from './span-store';

/** A closed stretch of one lane in one state. */
export interface Span {
  readonly laneId: LaneId;
  readonly state: SpanState;
  readonly detail: string | null;
  readonly startUs: number;
  readonly endUs: number;
  readonly cpuUs: number | null;
  /** Running as far as the tracer knows, not sampled: it may have been waiting for the GIL. */
  readonly mayWaitForGil: boolean;
}

/** A printed line, at the instant it was printed. */
export interface Instant {
  readonly laneId: LaneId;
  readonly tsUs: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** A lane with what became known of it by the end. */
export interface LaneRecord {
  readonly info: LaneInfo;
  readonly endUs: number;
  readonly outcome: LaneOutcome | null;
  readonly soloUs: number | null;
}

/**
 * A run's events folded into lanes, spans and instants. `spans` is walked with for…of: a timeline read
 * from a model makes each Span as it is walked (a run of millions keeps no object per span); one built
 * from a list of events holds an array.
 */
export interface Timeline {
  readonly lanes: readonly LaneRecord[];
  readonly spans: Iterable<Span>;
  readonly instants: readonly Instant[];
  readonly endUs: number;
}

/** A timeline whose spans are an array (tests, small runs). */
export interface SpanArrayTimeline extends Timeline {
  readonly spans: readonly Span[];
}

/**
 * The run as closed spans and lanes, read from the model's columns. Spans still open are closed at
 * `endUs` (default: the run's end, else the last stamp seen). Only each lane's own row (depth 0) is
 * included: an imported trace's nested slices are inside their parents' time.
 */
export function timelineOf(model: RunModel, endUs?: number): Timeline {
  const closeAt = endUs ?? model.end?.tsUs ?? model.lastUs;
  const s = model.spans;
  const records: LaneRecord[] = [];
  // Lanes in the order the chart shows them: by when each started.
  const order = model.inSpawnOrder().map((lane) => lane.info.laneId);
  for (const id of order) {
    const lane = model.lanes[id];
    const last = lane.spans.last();
    const lastStart = last >= 0 ? s.start[last] : lane.info.spawnedUs;
    records.push({
      info: lane.info,
      endUs: lane.endUs ?? Math.max(closeAt, lastStart),
      outcome: lane.outcome,
      soloUs: lane.soloUs,
    });
  }
  const instants: Instant[] = model.instants.map((i) => ({
    laneId: i.lane as LaneId,
    tsUs: i.tsUs,
    stream: i.stream,
    text: i.text,
  }));
  const spans: Iterable<Span> = {
    *[Symbol.iterator]() {
      for (const id of order) {
        const row = model.lanes[id].spans;
        for (let k = 0; k < row.length; k++) {
          const i = row.items[k];
          const open = Number.isNaN(s.end[i]);
          const end = open ? Math.max(closeAt, s.start[i]) : s.end[i];
          if (!(end > s.start[i])) continue;
          yield {
            laneId: id as LaneId,
            state: SPAN_STATES[s.state[i]],
            detail: s.detail[i] >= 0 ? s.strings[s.detail[i]] : null,
            startUs: s.start[i],
            endUs: end,
            cpuUs: Number.isNaN(s.cpu[i]) ? null : s.cpu[i],
            mayWaitForGil: (s.flags[i] & FLAG_MAY_WAIT_FOR_GIL) !== 0,
          };
        }
      }
    },
  };
  return { lanes: records, spans, instants, endUs: closeAt };
}

/** Folds events into a timeline (through the one fold, RunModel). */
export function buildTimeline(events: readonly EngineEvent[], endUs?: number): SpanArrayTimeline {
  const model = RunModel.fromEvents(events, -1, 0, true);
  if (!model) throw new Error('unreachable: a headless model is always built');
  const timeline = timelineOf(model, endUs);
  return { ...timeline, spans: [...timeline.spans] };
}
