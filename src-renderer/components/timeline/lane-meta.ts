import type { LaneView } from '@shared/run-model';

/** What a lane's label says under its name: its kind, a task's coroutine, its pid and tid. */
export function laneMeta(lane: LaneView): string {
  const { kind, pid, tid, detail } = lane.info;
  const ids = kind === 'process' ? [`pid ${pid ?? '…'}`] : [`pid ${pid ?? '…'}`, `tid ${tid ?? '…'}`];
  // A task's coroutine says what it runs (its name may be anything the program chose).
  return [kind, ...(kind === 'task' && detail ? [detail] : []), ...ids].join(' · ');
}
