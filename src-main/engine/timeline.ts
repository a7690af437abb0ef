import type { EngineEvent, LaneInfo, LaneOutcome, SpanState } from '../protocol/events';
import type { LaneId } from '../protocol/ids';

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

/** A run's events folded into lanes, spans and instants. */
export interface Timeline {
  readonly lanes: readonly LaneRecord[];
  readonly spans: readonly Span[];
  readonly instants: readonly Instant[];
  readonly endUs: number;
}

interface OpenLane {
  info: LaneInfo;
  state: SpanState;
  detail: string | null;
  mayWaitForGil: boolean;
  sinceUs: number;
  endUs: number | null;
  outcome: LaneOutcome | null;
  soloUs: number | null;
}

/**
 * Folds events into closed spans. Spans still open are closed at `endUs`
 * (default: the run's end, else the last stamp seen).
 */
export function buildTimeline(events: readonly EngineEvent[], endUs?: number): Timeline {
  const lanes = new Map<LaneId, OpenLane>();
  const spans: Span[] = [];
  const instants: Instant[] = [];
  let lastUs = 0;
  let runEndUs: number | null = null;

  const move = (
    lane: OpenLane,
    tsUs: number,
    state: SpanState,
    detail: string | null,
    cpuUs: number | null,
    mayWaitForGil = false,
  ) => {
    spans.push({
      laneId: lane.info.laneId,
      state: lane.state,
      detail: lane.detail,
      startUs: lane.sinceUs,
      endUs: tsUs,
      cpuUs,
      mayWaitForGil: lane.mayWaitForGil,
    });
    lane.state = state;
    lane.detail = detail;
    lane.mayWaitForGil = mayWaitForGil;
    lane.sinceUs = tsUs;
  };

  for (const event of events) {
    switch (event.type) {
      case 'run-started':
        break;
      case 'lane-added':
        lanes.set(event.lane.laneId, {
          info: event.lane,
          state: 'starting',
          detail: null,
          mayWaitForGil: false,
          sinceUs: event.lane.spawnedUs,
          endUs: null,
          outcome: null,
          soloUs: null,
        });
        lastUs = Math.max(lastUs, event.lane.spawnedUs);
        break;
      case 'lane-ready': {
        const lane = lanes.get(event.laneId);
        if (!lane) break;
        lane.info = { ...lane.info, pid: event.pid, tid: event.tid };
        move(lane, event.tsUs, 'running', null, event.closedCpuUs);
        lastUs = Math.max(lastUs, event.tsUs);
        break;
      }
      case 'lane-renamed': {
        const lane = lanes.get(event.laneId);
        if (lane) lane.info = { ...lane.info, name: event.name };
        break;
      }
      case 'state': {
        const lane = lanes.get(event.laneId);
        if (lane && lane.endUs === null)
          move(lane, event.tsUs, event.state, event.detail, event.closedCpuUs, event.mayWaitForGil);
        lastUs = Math.max(lastUs, event.tsUs);
        break;
      }
      case 'output':
        instants.push({ laneId: event.laneId, tsUs: event.tsUs, stream: event.stream, text: event.text });
        lastUs = Math.max(lastUs, event.tsUs);
        break;
      case 'lane-ended': {
        const lane = lanes.get(event.laneId);
        if (!lane || lane.endUs !== null) break;
        move(lane, event.tsUs, lane.state, lane.detail, null, lane.mayWaitForGil);
        lane.endUs = event.tsUs;
        lane.outcome = event.outcome;
        lane.soloUs = event.soloUs;
        lastUs = Math.max(lastUs, event.tsUs);
        break;
      }
      case 'run-ended':
        runEndUs = event.tsUs;
        break;
      case 'console':
      case 'core-span':
        break;
      default: {
        const unreachable: never = event;
        throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  const closeAt = endUs ?? runEndUs ?? lastUs;
  const records: LaneRecord[] = [];
  for (const lane of lanes.values()) {
    if (lane.endUs === null)
      move(lane, Math.max(closeAt, lane.sinceUs), lane.state, lane.detail, null, lane.mayWaitForGil);
    records.push({
      info: lane.info,
      endUs: lane.endUs ?? Math.max(closeAt, lane.sinceUs),
      outcome: lane.outcome,
      soloUs: lane.soloUs,
    });
  }
  return { lanes: records, spans: spans.filter((s) => s.endUs > s.startUs), instants, endUs: closeAt };
}
