import type { LaneInfo, LaneKind } from '../src-main/protocol/events';

const NOUN: Record<LaneKind, [string, string]> = {
  process: ['process', 'processes'],
  thread: ['thread', 'threads'],
  task: ['task', 'tasks'],
};

const counted = (n: number, kind: LaneKind): string => `${n} ${NOUN[kind][n === 1 ? 0 : 1]}`;

/**
 * What a run started, counted as students count it: "2 threads (+ the main thread)", "2 tasks (+ main)",
 * "2 processes (+ the main process)". The workers are the lanes something in the run started; a task
 * that started other tasks (asyncio's main()) is "main", not a worker; the lane that started the rest is
 * named in the brackets.
 */
export function countLine(lanes: readonly LaneInfo[]): string {
  if (lanes.length === 0) return 'nothing yet';
  const parents = new Set(lanes.flatMap((l) => (l.parentLaneId === null ? [] : [l.parentLaneId])));
  const byId = new Map<number, LaneInfo>(lanes.map((l) => [l.laneId, l]));
  // asyncio's main(): a task that started other tasks, itself not started by a task.
  const mainTasks = new Set(
    lanes.filter((l) => l.kind === 'task' && parents.has(l.laneId) && byId.get(l.parentLaneId ?? -1)?.kind !== 'task'),
  );
  const workers = lanes.filter((l) => l.parentLaneId !== null && !mainTasks.has(l));
  if (workers.length === 0) {
    // Nothing started anything (the chef pair, Node's tasks): every lane counts.
    return (['process', 'thread', 'task'] as const)
      .map((k) => [k, lanes.filter((l) => l.kind === k).length] as const)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => counted(n, k))
      .join(', ');
  }
  const kinds = (['process', 'thread', 'task'] as const).filter((k) => workers.some((w) => w.kind === k));
  const list = kinds.map((k) => counted(workers.filter((w) => w.kind === k).length, k)).join(', ');
  const mains = mainTasks.size === 1 ? 'main' : `${mainTasks.size} mains`;
  // Tasks alone: "(+ main)", as the notebook's asyncio example is counted.
  if (mainTasks.size > 0 && kinds.length === 1) return `${list} (+ ${mains})`;
  const roots = lanes.filter((l) => l.parentLaneId === null);
  const root = roots.length === 1 ? roots[0] : null;
  const extra = mainTasks.size > 0 ? [mainTasks.size === 1 ? 'the main task' : `${mainTasks.size} main tasks`] : [];
  if (!root) return extra.length > 0 ? `${list} (+ ${extra.join(', ')})` : list;
  const main =
    root.kind === 'process' && !kinds.includes('process') ? 'thread' : root.kind === 'task' ? 'task' : root.kind;
  return `${list} (+ ${[`the main ${main}`, ...extra].join(', ')})`;
}
