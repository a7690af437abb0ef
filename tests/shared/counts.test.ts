import { describe, expect, test } from 'vitest';
import { countLine } from '../../src-shared/counts';
import type { LaneInfo, LaneKind } from '../../src-main/protocol/events';
import type { LaneId } from '../../src-main/protocol/ids';

/** Lanes as [kind, parent index] pairs, as the runs of each lesson start them. */
const lanes = (...spec: [LaneKind, number | null][]): LaneInfo[] => laneList(spec);
const laneList = (spec: [LaneKind, number | null][]): LaneInfo[] =>
  spec.map(([kind, parent], i) => ({
    laneId: i as LaneId,
    name: `lane ${i}`,
    kind,
    detail: null,
    pid: 1,
    tid: i,
    parentLaneId: parent === null ? null : (parent as LaneId),
    spawnedUs: i,
  }));

describe('counting what a run started, as students count it', () => {
  test('threads, processes and tasks with the lane that started them in brackets', () => {
    // py-threading: the script's process (its main thread) and two threads.
    expect(countLine(lanes(['process', null], ['thread', 0], ['thread', 0]))).toBe('2 threads (+ the main thread)');
    // node-threads: a main thread and two workers.
    expect(countLine(lanes(['thread', null], ['thread', 0], ['thread', 0]))).toBe('2 threads (+ the main thread)');
    // py-multiprocessing.
    expect(countLine(lanes(['process', null], ['process', 0], ['process', 0]))).toBe(
      '2 processes (+ the main process)',
    );
    // py-asyncio: the script, main() as Task-1, and the two tasks it gathers.
    expect(countLine(lanes(['process', null], ['task', 0], ['task', 1], ['task', 1]))).toBe('2 tasks (+ main)');
    // A process pool: worker processes and the pool's own threads.
    expect(countLine(lanes(['process', null], ['process', 0], ['process', 0], ['thread', 0], ['thread', 0]))).toBe(
      '2 processes, 2 threads (+ the main process)',
    );
  });

  test('two loops on two threads, each with its main() and its tasks', () => {
    const spec: [LaneKind, number | null][] = [
      ['process', null],
      ['thread', 0],
      ['thread', 0],
      ['task', 1],
      ['task', 2],
    ];
    for (const main of [3, 4]) spec.push(['task', main], ['task', main], ['task', main]);
    expect(countLine(laneList(spec))).toBe('2 threads, 6 tasks (+ the main thread, 2 main tasks)');
  });

  test('lanes nothing started are all counted; one of each is said in the singular', () => {
    expect(countLine(lanes(['process', null], ['process', null]))).toBe('2 processes');
    expect(countLine(lanes(['task', null], ['task', null], ['task', null]))).toBe('3 tasks');
    expect(countLine(lanes(['process', null], ['thread', 0]))).toBe('1 thread (+ the main thread)');
    expect(countLine([])).toBe('nothing yet');
  });
});
