import { describe, expect, test } from 'vitest';
import { peakOverlap } from '../../src-shared/summary';
import { makeEngine, runToEnd, spansOf, totalUs } from './helpers';

describe('node-threads', () => {
  test('threads share the pid, have their own tids, exclude each other from the lock, and main joins', async () => {
    const { timeline, ended } = await runToEnd(makeEngine(), 'node-threads', {
      tasks: 3,
      work: 40,
      waitMs: 100,
      locked: 30,
    });
    expect(ended.reason).toBe('completed');
    const names = timeline.lanes.map((l) => l.info.name);
    expect(names).toEqual(['Main thread', 'Thread 1', 'Thread 2', 'Thread 3']);
    const pidsSeen = new Set(timeline.lanes.map((l) => l.info.pid));
    expect(pidsSeen).toEqual(new Set([process.pid]));
    expect(new Set(timeline.lanes.map((l) => l.info.tid)).size).toBe(4);

    const holding = timeline.spans.filter((s) => s.detail?.includes('holding the lock'));
    expect(holding).toHaveLength(3);
    expect(peakOverlap(holding)).toBe(1);

    const join = spansOf(timeline, 'Main thread', ['blocked']);
    expect(join).toHaveLength(1);
    // Main joins once every thread is started, and is blocked until the last has exited.
    for (const worker of timeline.lanes.slice(1)) {
      expect(worker.info.parentLaneId).toBe(timeline.lanes[0].info.laneId);
      expect(join[0].startUs).toBeGreaterThanOrEqual(worker.info.spawnedUs);
      expect(join[0].startUs).toBeLessThan(worker.endUs);
      expect(join[0].endUs).toBeGreaterThanOrEqual(worker.endUs);
    }
  });
});

describe('node-async', () => {
  test('tasks share one thread, wait together for about the awaited time, and run one at a time', async () => {
    const { timeline, summary } = await runToEnd(makeEngine(), 'node-async', { tasks: 3, waitMs: 300 });
    expect(new Set(timeline.lanes.map((l) => l.info.tid)).size).toBe(1);
    expect(summary.peakRunning).toBe(1);
    expect(summary.peakAlive).toBe(3);
    for (const lane of timeline.lanes) {
      const waited = totalUs(spansOf(timeline, lane.info.name, ['waiting']));
      expect(waited).toBeGreaterThanOrEqual(300_000 - 1000);
      expect(waited).toBeLessThan(300_000 + 50_000);
    }
  });

  test('a task that never awaits holds the loop: it is blocking and the others are held back', async () => {
    const { timeline, summary } = await runToEnd(makeEngine(), 'node-async', { tasks: 2, waitMs: 50, block: 60 });
    const blocking = spansOf(timeline, 'Task 1', ['blocking']);
    expect(blocking).toHaveLength(1);
    const held = totalUs(spansOf(timeline, 'Task 2', ['blocked']));
    expect(held).toBeGreaterThan(0.9 * totalUs(blocking));
    expect(summary.peakRunning).toBe(1);
  });
});
