import type { SpanState } from '@protocol/events';
import { coreShare } from '../gantt/draw';
import type { LaneView, RunModel } from '@shared/run-model';
import { FLAG_MAY_WAIT_FOR_GIL } from '@shared/span-store';
import { STATE_STYLES } from '../lib/states';

/** A lane's station at one instant: a chopping board and a pot on the stove. */
export interface Station {
  readonly laneIndex: number;
  readonly name: string;
  /** `idle`: between two slices of an imported trace, where the file says nothing. */
  readonly state: SpanState | 'ended' | 'absent' | 'idle';
  readonly detail: string | null;
  /** done, error or stopped once the lane has ended. */
  readonly outcome: 'done' | 'error' | 'stopped' | null;
  /** Running, but taking turns with other cooks for a core (see Cook.sharing). */
  readonly sharing: boolean;
  /** A task of an event loop: a pot on its cook's stove, not a station of its own cook. */
  readonly pot: boolean;
  /** The kitchen (process) it is in: an index into Scene.rooms. */
  readonly room: number;
}

/**
 * A kitchen: one process. Its threads are cooks sharing its one counter (its memory); a Python
 * process with a GIL has one knife, held by the cook running Python, which is passed at each
 * handover. Separate processes are separate kitchens, each with its own counter and knife.
 */
export interface Room {
  readonly pid: number | null;
  /** Its stations: indices into Scene.stations, contiguous. */
  readonly from: number;
  readonly to: number;
  /** Cooks in it: its threads and processes that are not an event loop's tasks (over the whole run). */
  readonly cooks: number;
  /** One knife for all its cooks (a Python process with the GIL); false: each cook has a knife. */
  readonly oneKnife: boolean;
  /**
   * The cook holding the one knife (running Python at this instant), by Cook.key; null while it lies on
   * the counter: nobody is running, or several cooks are busy and which of them holds it is not known.
   */
  readonly knifeWith: string | null;
}

/** A cook: one OS thread (an event loop's tasks share one cook). */
export interface Cook {
  readonly key: string;
  /** Station the cook stands at. */
  readonly at: number;
  readonly pose: 'chopping' | 'rushing' | 'watching' | 'waiting' | 'arriving' | 'idle';
  /**
   * Busy while more cooks are busy than the machine has cores, or while other threads of its Python
   * process are busy too and the OS was not sampled: they take turns, for the cores or for the GIL,
   * and which of them is on at this instant is not known, until the span has ended: one that got
   * nearly all of its time on a CPU had a core to itself. (A span that got less CPU than its length
   * is hatched in the chart, but its core may have gone to another program, not to another cook.)
   */
  readonly sharing: boolean;
}

/** Everything the kitchen draws at one instant, derived from the same events as the chart. */
export interface Scene {
  readonly stations: readonly Station[];
  readonly rooms: readonly Room[];
  readonly cooks: readonly Cook[];
  /** More cooks busy at this instant than the machine has cores: how many, and the cores. */
  readonly turns: { readonly busy: number; readonly cores: number } | null;
  /** Unsampled Python threads busy at once in one process: one GIL, so one runs Python at a time. */
  readonly gil: boolean;
}

/** What a running span that may be waiting for the GIL (not sampled) says under its station. */
export const MAY_WAIT_FOR_GIL = 'or waiting for the GIL';

/**
 * One cook per OS thread: a thread's lane and the tasks of the loop it runs
 * share it. Before a lane knows its thread, a task waits with its loop's
 * other starting tasks and any other lane is a cook of its own.
 */
function cookKey(model: RunModel, laneIndex: number): string {
  const { kind, pid, tid } = model.lanes[laneIndex].info;
  if (tid !== null) return `thread:${pid}:${tid}`;
  return kind === 'task' ? `starting-loop:${pid}` : `lane:${laneIndex}`;
}

function poseFor(state: Station['state']): Cook['pose'] {
  switch (state) {
    case 'running':
      return 'chopping';
    case 'blocking':
      return 'rushing';
    case 'waiting':
      return 'watching';
    case 'blocked':
    case 'gil-wait':
      return 'waiting';
    case 'starting':
      return 'arriving';
    default:
      return 'idle';
  }
}

/**
 * The kitchen at `tUs`: each lane's station state and where each cook is.
 * A cook stands at the station it is working on; a loop's cook with no task
 * running stands idle at its first unfinished station.
 */
export function sceneAt(model: RunModel, tUs: number): Scene {
  const stations: (Omit<Station, 'sharing'> & { busy: boolean; pid: number | null; ranAlone: boolean })[] = [];
  const cooks = new Map<
    string,
    { at: number; pose: Cook['pose']; busy: boolean; pid: number | null; ranAlone: boolean }
  >();
  /** Per process: its busy threads that may be waiting for the GIL (not sampled). */
  const mayWaitForGil = new Map<number, number>();
  /**
   * Cooks with a lane running Python code at this instant (a task's "blocking" may be a sleep that let
   * the GIL go: the knife goes only to a cook some lane of which is running).
   */
  const running = new Set<string>();
  // Stations by kitchen: a process's lanes together, kitchens in the order they opened.
  const byRoom = new Map<string, LaneView[]>();
  for (const lane of model.inSpawnOrder()) {
    const key = lane.info.pid === null ? `lane:${lane.info.laneId}` : `pid:${lane.info.pid}`;
    const list = byRoom.get(key);
    if (list) list.push(lane);
    else byRoom.set(key, [lane]);
  }
  const roomRanges: { pid: number | null; from: number; to: number }[] = [];
  for (const lanes of byRoom.values()) {
    roomRanges.push({ pid: lanes[0].info.pid, from: stations.length, to: stations.length + lanes.length });
    for (const lane of lanes) addStation(lane, roomRanges.length - 1);
  }
  function addStation(lane: LaneView, room: number): void {
    const laneIndex = lane.info.laneId;
    const state = model.stateAt(laneIndex, tUs);
    const span = state === 'ended' || state === 'absent' || state === 'idle' ? -1 : model.spanAt(laneIndex, tUs);
    const detailId = span >= 0 ? model.spans.detail[span] : -1;
    const o = state === 'ended' ? lane.outcome : null;
    const outcome = o === null ? null : o.kind === 'error' ? 'error' : o.kind === 'stopped' ? 'stopped' : 'done';
    const index = stations.length;
    const key = cookKey(model, laneIndex);
    const busy = state === 'running' || state === 'blocking';
    const mayWait = busy && span >= 0 && (model.spans.flags[span] & FLAG_MAY_WAIT_FOR_GIL) !== 0;
    const detail = detailId >= 0 ? model.details[detailId] : mayWait ? MAY_WAIT_FOR_GIL : null;
    const gilPid = mayWait ? lane.info.pid : null;
    if (gilPid !== null) mayWaitForGil.set(gilPid, (mayWaitForGil.get(gilPid) ?? 0) + 1);
    // Known once the span has ended: nearly all of it on a CPU, so it never waited for a core.
    const { start, end, cpu } = model.spans;
    const ranAlone = busy && span >= 0 && coreShare(start[span], end[span], cpu[span]) === 'alone';
    const pot = lane.info.kind === 'task';
    if (state === 'running') running.add(key);
    stations.push({ laneIndex, name: lane.info.name, state, detail, outcome, busy, pid: gilPid, ranAlone, pot, room });

    if (state === 'ended' || state === 'absent') return;
    const known = cooks.get(key);
    if (!known || (busy && !known.busy)) {
      cooks.set(key, {
        at: index,
        pose: busy || !known ? poseFor(state) : 'idle',
        busy,
        pid: gilPid,
        ranAlone,
      });
    } else if (!known.busy && known.pose !== poseFor(state)) {
      // Several tasks on this loop, none running, doing different things: the cook is free.
      cooks.set(key, { ...known, pose: 'idle' });
    }
  }
  // More cooks busy than cores: at most `cores` of them are on one at this instant, and which ones
  // changes every few milliseconds. Every busy cook is taking turns, unless its span has ended and
  // shows it had a core to itself (three cooks on two cores: one may keep its own core all along).
  const busyCooks = [...cooks.values()].filter((c) => c.busy).length;
  const turns = busyCooks > model.cores ? { busy: busyCooks, cores: model.cores } : null;
  // Two or more threads of one process busy, unsampled, with the GIL: one of them runs Python at a time.
  const sharesGil = (pid: number | null) => pid !== null && (mayWaitForGil.get(pid) ?? 0) > 1;
  const sharing = (c: { busy: boolean; pid: number | null; ranAlone: boolean }) =>
    c.busy && !c.ranAlone && (turns !== null || sharesGil(c.pid));
  const cookList = [...cooks].map(([key, c]) => ({ key, at: c.at, pose: c.pose, sharing: sharing(c) }));
  const oneKnife = model.runtime === 'python' && model.gil === true;
  const rooms: Room[] = roomRanges.map(({ pid, from, to }) => {
    const here = cookList.filter((c) => c.at >= from && c.at < to);
    const busy = here.filter((c) => running.has(c.key));
    const holders = busy.filter((c) => !c.sharing);
    return {
      pid,
      from,
      to,
      cooks: stations.slice(from, to).filter((st) => !st.pot).length,
      oneKnife,
      // One cook running Python holds the knife; several busy at once (not sampled): not known who.
      knifeWith: oneKnife && holders.length === 1 && busy.length === 1 ? holders[0].key : null,
    };
  });
  return {
    stations: stations.map(({ busy, pid, ranAlone, ...station }) => ({
      ...station,
      sharing: sharing({ busy, pid, ranAlone }),
    })),
    rooms,
    cooks: cookList,
    turns,
    gil: [...mayWaitForGil.keys()].some(sharesGil),
  };
}

/** Words under a station: its state, and what it is doing. */
export function stationCaption(station: Station): { label: string; detail: string | null } {
  if (station.state === 'absent') return { label: 'not started', detail: null };
  if (station.state === 'idle') return { label: 'no slice', detail: null };
  if (station.state === 'ended') {
    return { label: station.outcome === 'done' ? 'served' : (station.outcome ?? 'ended'), detail: null };
  }
  const label = station.sharing
    ? 'taking turns'
    : (STATE_STYLES.find((s) => s.state === station.state)?.label ?? station.state);
  // Only the cook holding the knife (the GIL) chops: the others wait for it.
  const detail = station.detail ?? (station.state === 'gil-wait' ? 'waiting for the knife' : null);
  return { label, detail };
}
