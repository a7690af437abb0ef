import {
  SPAN_STATES,
  type LaneInfo,
  type LaneKind,
  type LaneOutcome,
  type SpanState,
} from '../../src-main/protocol/events';
import type { LaneId, RunId, ScenarioId } from '../../src-main/protocol/ids';
import { RunModel } from '../run-model';
import { FLAG_MAY_WAIT_FOR_GIL, IndexList, stateIndex } from '../span-store';
import { summarize } from '../summary';
import { timelineOf } from '../timeline';
import type { SplitSink } from './json-split';

/** What the exporter writes into otherData.kitchen: what Chrome's format has no field for. */
export interface KitchenLaneMeta {
  readonly pid: number;
  readonly tid: number;
  readonly kind: LaneKind;
  readonly name: string;
  readonly detail: string | null;
  readonly parent: number | null;
  readonly spawnedUs: number;
  readonly endUs: number;
  readonly outcome: LaneOutcome | null;
  readonly soloUs: number | null;
}

/** A trace read from a file: the model to show, and what the reader noted on the way. */
export interface ImportResult {
  readonly model: RunModel;
  /** Sentences about what was skipped, guessed or cut, for the user. */
  readonly notes: readonly string[];
  readonly events: number;
}

const STATE_SET: ReadonlySet<string> = new Set(SPAN_STATES);
/** The pid our exports write the CPU cores view under. */
export const CORES_PID = 0;
const SLICE = stateIndex('slice');
/** Async (b/e) slices of one name that overlap go on extra rows, at most this many per name. */
const MAX_ASYNC_ROWS = 64;

interface LaneBuild {
  readonly laneId: number;
  readonly pid: number;
  readonly tid: number;
  /** Every span of the lane (all depths), in the order read. */
  readonly all: IndexList;
  /** Open B slices: start, name index, args. */
  readonly stack: { startUs: number; name: number; state: number; cpu: number; flags: number }[];
  asyncName: string | null;
  firstUs: number;
  lastUs: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** Chrome ids are numbers or strings ("0x1f"); pids and tids too, in some writers. */
const idOf = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^(0x[0-9a-f]+|-?\d+)$/i.test(v)) return Number(v);
  return null;
};

/**
 * Reads Chrome Trace Event objects into a RunModel: `X` and `B`/`E` slices on
 * a lane per (pid, tid), `b`/`e`/`n` async slices on lanes of their own, `i`/`I`
 * instants, `M` names and sort indices. Slices carrying our own `args.state`
 * keep their state; any other slice is `slice` (the file does not say whether
 * it ran). Nested slices are kept and drawn as their outermost. What is not
 * drawn (counters, flows, samples, objects, malformed events) is counted in the notes.
 */
export class ChromeTraceImporter implements SplitSink {
  readonly model: RunModel;
  private readonly byKey = new Map<string, LaneBuild>();
  private readonly builds: LaneBuild[] = [];
  private readonly threadNames = new Map<string, string>();
  private readonly threadSort = new Map<string, number>();
  private readonly processNames = new Map<number, string>();
  private readonly processSort = new Map<number, number>();
  /** Open async slices by (pid, cat, id, name). */
  private readonly asyncOpen = new Map<string, { startUs: number; name: string; pid: number }>();
  private readonly asyncDone: { pid: number; name: string; startUs: number; endUs: number }[] = [];
  private readonly skipped = new Map<string, number>();
  private readonly coreSlices: { tid: number; startUs: number; endUs: number; name: string; args: Json }[] = [];
  private firstBad: string | null = null;
  private origin: number | null = null;
  private otherData: Json | null = null;
  private count = 0;

  constructor(private readonly fileName: string) {
    this.model = new RunModel({
      runId: `file:${fileName}` as RunId,
      scenarioId: 'file' as ScenarioId,
      title: fileName,
      params: {},
      cores: 0,
      runtime: 'python',
      sampled: false,
    });
  }

  field(key: string, value: unknown): void {
    if (key === 'otherData' && isObject(value)) this.otherData = value;
  }

  events(batch: unknown[], firstIndex: number): void {
    for (let k = 0; k < batch.length; k++) this.add(batch[k], firstIndex + k);
  }

  private skip(reason: string, index: number, detail?: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
    if (detail !== undefined && this.firstBad === null) this.firstBad = `event ${index}: ${detail}`;
  }

  private lane(pid: number, tid: number, asyncName: string | null = null): LaneBuild {
    const key = asyncName === null ? `${pid}:${tid}` : `${pid}:async:${asyncName}:${tid}`;
    let build = this.byKey.get(key);
    if (!build) {
      const laneId = this.builds.length;
      build = { laneId, pid, tid, all: new IndexList(), stack: [], asyncName, firstUs: Infinity, lastUs: -Infinity };
      this.byKey.set(key, build);
      this.builds.push(build);
      this.model.addLane({
        laneId: laneId as LaneId,
        name: `thread ${tid}`,
        kind: 'thread',
        detail: null,
        pid,
        tid,
        parentLaneId: null,
        spawnedUs: 0,
      });
    }
    return build;
  }

  private time(ts: number): number {
    this.origin ??= ts;
    return ts - this.origin;
  }

  private span(build: LaneBuild, startUs: number, endUs: number, name: string, args: unknown): void {
    const store = this.model.spans;
    let state = SLICE;
    let detail = name;
    let cpu = NaN;
    let flags = 0;
    if (isObject(args) && typeof args.state === 'string' && STATE_SET.has(args.state)) {
      state = stateIndex(args.state as SpanState);
      detail = str(args.detail) ?? '';
      cpu = num(args.cpuUs) ?? NaN;
      if (args.mayWaitForGil === true) flags = FLAG_MAY_WAIT_FOR_GIL;
    }
    const i = store.push(build.laneId, startUs, endUs, state, detail === '' ? -1 : store.intern(detail), cpu, flags);
    build.all.push(i);
    if (startUs < build.firstUs) build.firstUs = startUs;
    if (endUs > build.lastUs) build.lastUs = endUs;
  }

  /** One trace event. */
  add(raw: unknown, index: number): void {
    this.count++;
    if (!isObject(raw)) return this.skip('not an object', index, JSON.stringify(raw)?.slice(0, 60) ?? String(raw));
    const ph = str(raw.ph);
    if (ph === null) return this.skip('no "ph" (phase)', index, 'no "ph" field');
    const pid = idOf(raw.pid) ?? 0;
    const tid = idOf(raw.tid) ?? pid;
    const name = str(raw.name) ?? '';
    if (ph === 'M') return this.meta(raw, name, pid, tid, index);
    const tsRaw = num(raw.ts);
    if (tsRaw === null && ph !== 'E')
      return this.skip(`"${ph}" without a numeric ts`, index, `"ts" is ${JSON.stringify(raw.ts)}`);
    // ts is in microseconds in every form (displayTimeUnit only changes how viewers label it).
    const ts = tsRaw === null ? NaN : this.time(tsRaw);
    switch (ph) {
      case 'X': {
        const dur = num(raw.dur) ?? 0;
        if (dur < 0) return this.skip('a negative duration', index, `"dur" is ${dur}`);
        if (pid === CORES_PID && raw.cat === 'core' && isObject(raw.args)) {
          // Perhaps our own CPU cores view: kept aside until otherData says whose file this is.
          this.coreSlices.push({ tid, startUs: ts, endUs: ts + dur, name, args: raw.args });
          return;
        }
        return this.span(this.lane(pid, tid), ts, ts + dur, name, raw.args);
      }
      case 'B': {
        const build = this.lane(pid, tid);
        build.stack.push({ startUs: ts, name: this.model.spans.intern(name), state: SLICE, cpu: NaN, flags: 0 });
        if (isObject(raw.args) && typeof raw.args.state === 'string')
          this.skip('B slices with a state (kept as slices)', index);
        return;
      }
      case 'E': {
        const build = this.lane(pid, tid);
        const open = build.stack.pop();
        if (!open) return this.skip('an E with no open B', index, 'an "E" event closes nothing on its thread');
        const end = Number.isNaN(ts) ? open.startUs : ts;
        return this.span(build, open.startUs, Math.max(end, open.startUs), this.model.spans.strings[open.name], null);
      }
      case 'b':
      case 'e':
      case 'n': {
        const id = raw.id2 ?? raw.id ?? '';
        const key = `${pid}|${str(raw.cat) ?? ''}|${JSON.stringify(id)}|${name}`;
        if (ph === 'n') return this.instant(this.lane(pid, 0, name || 'async'), ts, name, raw.args);
        if (ph === 'b') {
          this.asyncOpen.set(key, { startUs: ts, name, pid });
          return;
        }
        const open = this.asyncOpen.get(key);
        if (!open) return this.skip('an async end with no begin', index, `"e" for ${key}`);
        this.asyncOpen.delete(key);
        this.asyncDone.push({ pid, name: open.name, startUs: open.startUs, endUs: Math.max(ts, open.startUs) });
        return;
      }
      case 'i':
      case 'I':
      case 'R':
        return this.instant(this.lane(pid, tid), ts, name, raw.args);
      case 'C':
        return this.skip('counters (C)', index);
      case 's':
      case 't':
      case 'f':
        return this.skip('flow arrows (s/t/f)', index);
      case 'P':
        return this.skip('CPU profile samples (P)', index);
      case 'N':
      case 'O':
      case 'D':
        return this.skip('object snapshots (N/O/D)', index);
      default:
        return this.skip(`events of phase "${ph}"`, index);
    }
  }

  private instant(build: LaneBuild, tsUs: number, name: string, args: unknown): void {
    const lane = this.model.lanes[build.laneId];
    const text = isObject(args) ? (str(args.text) ?? name) : name;
    const stream = isObject(args) && args.stream === 'stderr' ? 'stderr' : 'stdout';
    if (isObject(args) && typeof args.outcome === 'string') return; // our own export's lifecycle marks
    lane.instants.push(this.model.instants.length);
    this.model.instants.push({ lane: build.laneId, tsUs, stream, text });
    if (tsUs < build.firstUs) build.firstUs = tsUs;
    if (tsUs > build.lastUs) build.lastUs = tsUs;
  }

  private meta(raw: Json, name: string, pid: number, tid: number, index: number): void {
    const args = isObject(raw.args) ? raw.args : {};
    switch (name) {
      case 'thread_name':
        if (typeof args.name === 'string') this.threadNames.set(`${pid}:${tid}`, args.name);
        return;
      case 'process_name':
        if (typeof args.name === 'string') this.processNames.set(pid, args.name);
        return;
      case 'thread_sort_index': {
        const at = int(args.sort_index);
        if (at !== null) this.threadSort.set(`${pid}:${tid}`, at);
        return;
      }
      case 'process_sort_index': {
        const at = int(args.sort_index);
        if (at !== null) this.processSort.set(pid, at);
        return;
      }
      default:
        return this.skip('other metadata (M)', index);
    }
  }

  /** Puts async slices on rows: one per name and process, more where slices of a name overlap. */
  private placeAsync(): void {
    this.asyncDone.sort((a, b) => a.startUs - b.startUs);
    const rowsEnd = new Map<string, number[]>();
    for (const slice of this.asyncDone) {
      const key = `${slice.pid}:${slice.name}`;
      const ends = rowsEnd.get(key) ?? [];
      rowsEnd.set(key, ends);
      let row = ends.findIndex((end) => end <= slice.startUs);
      if (row < 0) {
        if (ends.length >= MAX_ASYNC_ROWS) {
          this.skip(`async slices past ${MAX_ASYNC_ROWS} at once of one name`, 0);
          continue;
        }
        row = ends.length;
        ends.push(0);
      }
      ends[row] = slice.endUs;
      this.span(this.lane(slice.pid, row, slice.name || 'async'), slice.startUs, slice.endUs, slice.name, null);
    }
  }

  /** The file has been read: orders lanes, nests slices, names everything and sums the run up. */
  finish(): ImportResult {
    const notes: string[] = [];
    // An async slice that never ended has no length to draw: it is counted, not guessed.
    for (let k = 0; k < this.asyncOpen.size; k++) this.skip('async slices never ended', 0);
    const ours = isObject(this.otherData?.kitchen);
    if (!ours)
      for (const c of this.coreSlices) this.span(this.lane(CORES_PID, c.tid), c.startUs, c.endUs, c.name, null);
    this.placeAsync();
    const model = this.model;
    const store = model.spans;
    let endUs = -Infinity;
    let startUs = Infinity;
    let unclosed = 0;
    for (const build of this.builds) {
      endUs = Math.max(endUs, build.lastUs);
      startUs = Math.min(startUs, build.firstUs);
    }
    for (const build of this.builds) {
      // B slices still open at the end of the file are closed there.
      while (build.stack.length > 0) {
        const open = build.stack.pop();
        if (!open) break;
        unclosed++;
        this.span(build, open.startUs, Math.max(endUs, open.startUs), store.strings[open.name], null);
      }
    }
    if (unclosed > 0)
      notes.push(`${unclosed.toLocaleString('en')} B slices never ended: closed at the end of the trace.`);
    if (!Number.isFinite(startUs)) startUs = 0;
    if (!Number.isFinite(endUs)) endUs = startUs;
    // Time 0 is the first thing in the file; our own exports keep theirs (the run's start).
    const delta = ours ? (this.origin ?? 0) : -startUs;
    for (let i = 0; i < store.count; i++) {
      store.start[i] += delta;
      store.end[i] += delta;
    }
    for (let k = 0; k < model.instants.length; k++) {
      const ins = model.instants[k];
      model.instants[k] = { ...ins, tsUs: ins.tsUs + delta };
    }
    const kitchen = this.kitchenLanes();
    startUs += delta;
    endUs += delta;
    let nested = 0;
    for (const build of this.builds) nested += this.nest(build);
    if (nested > 0)
      notes.push(`${nested.toLocaleString('en')} nested slices are kept and drawn as the slice they are in.`);
    this.name(kitchen, delta);
    if (ours) this.cores(kitchen, delta);
    const wallUs = endUs;
    model.lastUs = wallUs;
    const cores = int(this.otherData?.cores);
    const header = this.otherData;
    const title = str(header?.title);
    model.title = title ?? this.fileName;
    model.cores = cores !== null && cores > 0 && cores <= 4096 ? cores : 0;
    model.fixedOrder = true;
    for (const [reason, n] of this.skipped) notes.push(`${n.toLocaleString('en')} skipped: ${reason}.`);
    if (this.firstBad) notes.push(`First one skipped: ${this.firstBad}.`);
    const timeline = timelineOf(model, wallUs);
    const summary = summarize(timeline, {
      cores: model.cores,
      wallUs,
      samplingHz: null,
      python: null,
      lanesLeftOut: 0,
      threadCpu: false,
    });
    model.end = { tsUs: wallUs, reason: 'completed', message: null, summary };
    model.source = { file: this.fileName, format: 'Chrome Trace Event', notes };
    return { model, notes, events: this.count };
  }

  /** Our own export's CPU cores view, back into the model's core spans. */
  private cores(kitchen: Map<string, KitchenLaneMeta>, deltaUs: number): void {
    const metas = [...kitchen.values()];
    const laneOf = new Map<string, number>();
    for (const b of this.builds) if (b.asyncName === null) laneOf.set(`${b.pid}:${b.tid}`, b.laneId);
    const model = this.model;
    for (const c of this.coreSlices.sort((a, b) => a.startUs - b.startUs)) {
      const meta = metas[int(c.args.lane) ?? -1];
      const lane = meta ? laneOf.get(`${meta.pid}:${meta.tid}`) : undefined;
      const core = int(c.args.core);
      if (lane === undefined || core === null || core < 0 || core > 4096) continue;
      model.coreSpans.push({
        core,
        lane,
        startUs: c.startUs + deltaUs,
        endUs: c.endUs + deltaUs,
        cpuUs: num(c.args.cpuUs) ?? NaN,
      });
      model.maxCore = Math.max(model.maxCore, core);
    }
  }

  /** Sorts a lane's slices by start (longest first at a tie) and keeps the outermost on its row. */
  private nest(build: LaneBuild): number {
    const store = this.model.spans;
    const lane = this.model.lanes[build.laneId];
    const items = build.all.items.subarray(0, build.all.length);
    let sorted = true;
    for (let k = 1; k < items.length && sorted; k++) {
      const a = items[k - 1];
      const b = items[k];
      if (store.start[b] < store.start[a] || (store.start[b] === store.start[a] && store.end[b] > store.end[a]))
        sorted = false;
    }
    if (!sorted) items.sort((a, b) => store.start[a] - store.start[b] || store.end[b] - store.end[a]);
    let nested = 0;
    const ends: number[] = [];
    for (let k = 0; k < items.length; k++) {
      const i = items[k];
      while (ends.length > 0 && ends[ends.length - 1] <= store.start[i]) ends.pop();
      store.depth[i] = Math.min(255, ends.length);
      if (ends.length === 0) lane.spans.push(i);
      else nested++;
      ends.push(store.end[i]);
    }
    // Only a lane with nested slices keeps its whole list: the tooltip names the slices inside the one drawn.
    if (nested > 0) lane.nested = build.all;
    return nested;
  }

  /** Our own exports say more of each lane in otherData.kitchen.lanes: kind, parent, outcome. */
  private kitchenLanes(): Map<string, KitchenLaneMeta> {
    const out = new Map<string, KitchenLaneMeta>();
    const kitchen = this.otherData?.kitchen;
    if (!isObject(kitchen) || !Array.isArray(kitchen.lanes)) return out;
    for (const raw of kitchen.lanes as unknown[]) {
      if (!isObject(raw)) continue;
      const pid = int(raw.pid);
      const tid = int(raw.tid);
      const kind = raw.kind === 'thread' || raw.kind === 'process' || raw.kind === 'task' ? raw.kind : null;
      if (pid === null || tid === null || kind === null) continue;
      out.set(`${pid}:${tid}`, {
        pid,
        tid,
        kind,
        name: str(raw.name) ?? '',
        detail: str(raw.detail),
        parent: int(raw.parent),
        spawnedUs: num(raw.spawnedUs) ?? 0,
        endUs: num(raw.endUs) ?? 0,
        outcome: outcomeOf(raw.outcome),
        soloUs: num(raw.soloUs),
      });
    }
    return out;
  }

  /** Names lanes and puts them in order: process sort index, pid, thread sort index, tid. */
  private name(kitchen: Map<string, KitchenLaneMeta>, deltaUs: number): void {
    const model = this.model;
    const byPid = new Map<string, number>();
    for (const build of this.builds) {
      const key = `${build.pid}:${build.tid}`;
      const meta = build.asyncName === null ? kitchen.get(key) : undefined;
      const lane = model.lanes[build.laneId];
      const threadName = this.threadNames.get(key);
      const processName = this.processNames.get(build.pid);
      const name =
        build.asyncName !== null
          ? `${build.asyncName}${build.tid > 0 ? ` (${build.tid + 1})` : ''}`
          : meta?.name ||
            threadName ||
            (build.pid === build.tid && processName ? `${processName} (main thread)` : `thread ${build.tid}`);
      const first = Number.isFinite(build.firstUs) ? build.firstUs + deltaUs : 0;
      const last = Number.isFinite(build.lastUs) ? build.lastUs + deltaUs : first;
      byPid.set(key, build.laneId);
      const info: LaneInfo = {
        laneId: build.laneId as LaneId,
        name,
        kind: meta?.kind ?? 'thread',
        detail: meta?.detail ?? (build.asyncName !== null ? 'async slices' : null),
        pid: build.pid,
        tid: build.asyncName === null ? build.tid : null,
        parentLaneId: null,
        spawnedUs: meta ? meta.spawnedUs : first,
      };
      lane.info = info;
      lane.endUs = meta ? meta.endUs : last;
      lane.outcome = meta?.outcome ?? null;
      lane.soloUs = meta?.soloUs ?? null;
    }
    // Parents by their (pid, tid) in the same export.
    for (const build of this.builds) {
      const meta = build.asyncName === null ? kitchen.get(`${build.pid}:${build.tid}`) : undefined;
      if (!meta || meta.parent === null) continue;
      const parent = [...kitchen.values()][meta.parent];
      const parentId = parent ? byPid.get(`${parent.pid}:${parent.tid}`) : undefined;
      if (parentId !== undefined)
        model.lanes[build.laneId].info = { ...model.lanes[build.laneId].info, parentLaneId: parentId as LaneId };
    }
    for (const [pid, name] of this.processNames) model.processNames.set(pid, name);
    const sortOf = (b: LaneBuild) => this.threadSort.get(`${b.pid}:${b.tid}`) ?? Infinity;
    const psortOf = (b: LaneBuild) => this.processSort.get(b.pid) ?? 0;
    // Our own exports list their lanes in the run's order (spawn order, whatever the pids): kept as is.
    const keptAt = new Map([...kitchen.keys()].map((key, index) => [key, index]));
    const ownOrder = (b: LaneBuild) =>
      b.asyncName === null ? (keptAt.get(`${b.pid}:${b.tid}`) ?? Infinity) : Infinity;
    const ordered = [...this.builds].sort(
      (a, b) =>
        ownOrder(a) - ownOrder(b) ||
        psortOf(a) - psortOf(b) ||
        a.pid - b.pid ||
        (a.asyncName === null ? 0 : 1) - (b.asyncName === null ? 0 : 1) ||
        sortOf(a) - sortOf(b) ||
        a.tid - b.tid ||
        a.laneId - b.laneId,
    );
    model.order.length = 0;
    for (const b of ordered) model.order.push(b.laneId);
  }
}

function outcomeOf(v: unknown): LaneOutcome | null {
  if (!isObject(v)) return null;
  switch (v.kind) {
    case 'exited':
      return { kind: 'exited', code: int(v.code), signal: str(v.signal) };
    case 'completed':
    case 'abandoned':
    case 'cancelled':
    case 'stopped':
      return { kind: v.kind };
    case 'error':
      return { kind: 'error', message: str(v.message) ?? 'error' };
    default:
      return null;
  }
}
