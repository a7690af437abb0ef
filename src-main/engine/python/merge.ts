import type { SpanState } from '../../protocol/events';
import type { TracerRecord } from '../../protocol/tracer';
import type { OsSegment } from '../sampler/messages';

type LaneRecord = Extract<TracerRecord, { lane: string }>;

interface Lane {
  readonly key: string;
  /** Tracer records not yet released, in time order. */
  pending: LaneRecord[];
  segments: OsSegment[];
  /** What the tracer last said: a known wait, or `running` (refined by the OS). */
  tracer: { state: SpanState; detail: string | null };
  /** What was last emitted, and since when its CPU was counted. */
  emitted: { state: SpanState; detail: string | null };
  cpuUs: number;
  cpuKnown: boolean;
  /** CPU given to spans so far (emitted), and the thread's own count at ready (its start-up). */
  givenUs: number;
  readyCpuUs: number | null;
  ready: boolean;
  /** The thread's CPU when the sampler first read it, until it is given to the span after ready. */
  baseCpuUs: number | null;
  /** The thread's CPU when its work was done, by its own count. */
  doneCpuUs: number | null;
  cursorUs: number;
  ended: boolean;
}

const same = (a: { state: SpanState; detail: string | null }, b: { state: SpanState; detail: string | null }) =>
  a.state === b.state && a.detail === b.detail;

/**
 * The state a Python thread is in, from what the tracer knows (it is inside
 * a waiting call, or not) and what the OS saw (runnable, or asleep and where).
 * Outside any traced call, asleep on a futex while a sibling thread runs is
 * waiting for the GIL; that is how the GIL becomes visible without being
 * instrumented.
 */
export function finalState(
  tracer: { state: SpanState; detail: string | null },
  os: OsSegment | null,
  gil = true,
): { state: SpanState; detail: string | null } {
  if (tracer.state !== 'running' || os === null) return tracer;
  switch (os.os) {
    case 'cpu':
      return { state: 'running', detail: null };
    case 'contended':
      // A free-threaded build has no GIL: the futex is some other lock.
      return gil ? { state: 'gil-wait', detail: 'waiting for the GIL' } : { state: 'waiting', detail: asleep('futex') };
    case 'sleep':
      return { state: 'waiting', detail: asleep(os.detail) };
    default: {
      const unreachable: never = os.os;
      throw new Error(`unknown OS state ${String(unreachable)}`);
    }
  }
}

/** What a thread asleep outside any traced call is doing, from where it sleeps in the kernel (wchan). */
export function asleep(wchan: string | null): string {
  if (wchan === null) return 'asleep, outside any traced call';
  if (wchan.includes('futex')) return 'asleep on a lock, queue or condition the tracer does not see (futex)';
  return `asleep in the kernel (${wchan}), outside any traced call`;
}

/**
 * Joins the tracer's records for Python thread lanes with the OS sampler's
 * segments, and releases them in time order up to a watermark (the time the
 * sampler has covered). Lanes it does not track pass straight through.
 */
export class Merger {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly emit: (record: TracerRecord) => void,
    /** False for a free-threaded interpreter: sleeping on a futex is then not waiting for a GIL. */
    private readonly gil = true,
  ) {}

  /** Refine this lane's states with OS samples (a thread or a process's main thread). */
  track(key: string): void {
    if (this.lanes.has(key)) return;
    this.lanes.set(key, {
      key,
      pending: [],
      segments: [],
      tracer: { state: 'starting', detail: null },
      emitted: { state: 'starting', detail: null },
      cpuUs: 0,
      cpuKnown: false,
      givenUs: 0,
      readyCpuUs: null,
      ready: false,
      baseCpuUs: null,
      doneCpuUs: null,
      cursorUs: -Infinity,
      ended: false,
    });
  }

  /**
   * The CPU a thread had used when the sampler first read it. What it used before it was ready is its
   * start-up (the ready record says how much); the rest belongs to the span after ready.
   */
  base(key: string, cpuUs: number): void {
    const lane = this.lanes.get(key);
    if (!lane || lane.ended || lane.baseCpuUs !== null) return;
    lane.baseCpuUs = cpuUs;
    this.giveBase(lane);
  }

  private giveBase(lane: Lane): void {
    if (!lane.ready || lane.baseCpuUs === null || lane.baseCpuUs < 0) return;
    const after = Math.max(0, lane.baseCpuUs - (lane.readyCpuUs ?? 0));
    lane.baseCpuUs = -1;
    if (lane.emitted.state !== 'running') return;
    lane.cpuUs += after;
    lane.cpuKnown = true;
  }

  tracks(key: string): boolean {
    return this.lanes.has(key);
  }

  /** A tracer record for a tracked lane; held until the samples have caught up with it. */
  record(record: LaneRecord): void {
    const lane = this.lanes.get(record.lane);
    if (!lane) {
      this.emit(record);
      return;
    }
    let i = lane.pending.length;
    while (i > 0 && lane.pending[i - 1].tsUs > record.tsUs) i--;
    lane.pending.splice(i, 0, record);
  }

  /** Sampler segments (any order across lanes, in order within one). */
  os(segments: readonly OsSegment[]): void {
    for (const segment of segments) {
      const lane = this.lanes.get(segment.key);
      if (lane && !lane.ended && segment.toUs > segment.fromUs) lane.segments.push(segment);
    }
  }

  /** Releases every lane's records and refined states up to `watermarkUs`. */
  advance(watermarkUs: number): void {
    for (const lane of this.lanes.values()) this.advanceLane(lane, watermarkUs);
  }

  /** Releases everything (the run is over, or there is no sampler). */
  flush(): void {
    this.advance(Infinity);
  }

  private segmentAt(lane: Lane, tUs: number): OsSegment | null {
    for (const s of lane.segments) if (s.fromUs <= tUs && tUs < s.toUs) return s;
    return null;
  }

  private moveTo(lane: Lane, tUs: number, next: { state: SpanState; detail: string | null }): void {
    if (lane.ended || same(next, lane.emitted) || lane.emitted.state === 'starting') return;
    const executes = lane.emitted.state === 'running';
    const cpuUs = executes && lane.cpuKnown ? Math.round(lane.cpuUs) : null;
    lane.givenUs += cpuUs ?? 0;
    this.emit({ t: 'state', lane: lane.key, state: next.state, detail: next.detail, cpuUs, tsUs: tUs });
    lane.emitted = next;
    lane.cpuUs = 0;
    lane.cpuKnown = false;
  }

  private countCpu(lane: Lane, fromUs: number, toUs: number): void {
    for (const s of lane.segments) {
      const overlap = Math.min(toUs, s.toUs) - Math.max(fromUs, s.fromUs);
      if (overlap <= 0) continue;
      lane.cpuUs += (s.cpuUs * overlap) / (s.toUs - s.fromUs);
      lane.cpuKnown = true;
    }
  }

  private advanceLane(lane: Lane, watermarkUs: number): void {
    if (lane.ended) return;
    // Breakpoints: record times and segment edges up to the watermark.
    const points = new Set<number>();
    for (const r of lane.pending) if (r.tsUs <= watermarkUs) points.add(r.tsUs);
    for (const s of lane.segments) {
      if (s.fromUs <= watermarkUs && s.fromUs >= lane.cursorUs) points.add(s.fromUs);
      if (s.toUs <= watermarkUs && s.toUs >= lane.cursorUs) points.add(s.toUs);
    }
    const times = [...points].sort((a, b) => a - b);
    for (const t of times) {
      if (lane.ended) break;
      if (lane.cursorUs > -Infinity && t > lane.cursorUs) this.countCpu(lane, lane.cursorUs, t);
      // Records at t first (a wait that starts at t wins over the sample that starts there).
      while (lane.pending.length > 0 && lane.pending[0].tsUs <= t) {
        const record = lane.pending.shift() as LaneRecord;
        this.release(lane, record);
      }
      // Where no sample covers t yet, the state stays as it was (records have moved it already).
      const segment = this.segmentAt(lane, t);
      if (!lane.ended && segment) this.moveTo(lane, t, finalState(lane.tracer, segment, this.gil));
      lane.cursorUs = Math.max(lane.cursorUs, t);
    }
    if (Number.isFinite(watermarkUs) && lane.cursorUs < watermarkUs && !lane.ended) {
      if (lane.cursorUs > -Infinity) this.countCpu(lane, lane.cursorUs, watermarkUs);
      lane.cursorUs = watermarkUs;
    }
    lane.segments = lane.segments.filter((s) => s.toUs > lane.cursorUs);
  }

  private release(lane: Lane, record: LaneRecord): void {
    switch (record.t) {
      case 'ready':
        lane.tracer = { state: 'running', detail: null };
        lane.emitted = { state: 'running', detail: null };
        lane.cpuUs = 0;
        lane.cpuKnown = false;
        lane.ready = true;
        lane.readyCpuUs = record.cpuUs;
        lane.givenUs = record.cpuUs ?? 0;
        this.giveBase(lane);
        this.emit(record);
        return;
      case 'done':
        lane.doneCpuUs = record.cpuUs;
        this.emit(record);
        return;
      case 'state':
        lane.tracer = { state: record.state, detail: record.detail };
        this.moveTo(lane, record.tsUs, finalState(lane.tracer, this.segmentAt(lane, record.tsUs), this.gil));
        return;
      case 'exit':
        // The thread's own count at its end: what the samples had not caught up with yet was its last span's.
        if (lane.doneCpuUs !== null && lane.emitted.state === 'running') {
          const missing = lane.doneCpuUs - lane.givenUs - lane.cpuUs;
          if (missing > 0) {
            lane.cpuUs += missing;
            lane.cpuKnown = true;
          }
        }
        if (lane.emitted.state === 'running' && lane.cpuKnown) {
          // Close the last span with its CPU before the lane ends.
          this.emit({
            t: 'state',
            lane: lane.key,
            state: 'running',
            detail: null,
            cpuUs: Math.round(lane.cpuUs),
            tsUs: record.tsUs,
          });
        }
        lane.ended = true;
        lane.segments = [];
        this.emit(record);
        return;
      default:
        this.emit(record);
    }
  }
}
