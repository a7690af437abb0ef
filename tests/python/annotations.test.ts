import { describe, expect, test } from 'vitest';
import { annotationsOf, type AnnotationKind } from '../../src-shared/annotations';
import { makeEngine, runToEnd } from '../engine/helpers';

/** The chart's labels come from the run's evidence: each lesson's pattern is pointed at, and only there. */
describe('annotations on the chart, from real runs', () => {
  const engine = makeEngine();
  const kinds = async (id: string, params: Record<string, number>): Promise<AnnotationKind[]> => {
    const { run, summary } = await runToEnd(engine, id, params);
    const found = annotationsOf(run.model!, summary);
    for (const a of found) {
      // Each label points at an instant inside its lane's life.
      const lane = run.model!.lanes[a.laneId];
      expect(a.atUs).toBeGreaterThanOrEqual(lane.info.spawnedUs);
      expect(a.text.length).toBeGreaterThan(5);
    }
    return found.map((a) => a.kind);
  };

  test('threads under the GIL: the hand-over is pointed at', async () => {
    expect(await kinds('py-threads-cpu', { workers: 2, work: 1500 })).toContain('gil-handover');
  });

  test('time.sleep in a coroutine: the blocked loop is pointed at; the GIL is not', async () => {
    const { run, summary } = await runToEnd(engine, 'py-async-blocking', { waitMs: 300, tasks: 3 });
    const blocked = annotationsOf(run.model!, summary).find((a) => a.kind === 'loop-blocked');
    // The two other tasks of that loop (and its main()) waited; the other loop's tasks are not counted.
    expect(blocked?.text).toMatch(/^holds the event loop \d+ ms: [23] tasks ready, waiting$/);
    const found = await kinds('py-async-blocking', { waitMs: 300 });
    expect(found).not.toContain('gil-handover');
  });

  test('child processes: their start-up cost; threads sleeping together: nothing to point at', async () => {
    expect(await kinds('node-processes', { work: 50, waitMs: 50 })).toContain('start-up');
    expect(await kinds('py-threading', { waitMs: 100 })).toEqual([]);
  });

  test('more threads than cores: taking turns; one worker with far more work: imbalance', async () => {
    const cores = engine.cores;
    expect(await kinds('node-threads', { tasks: Math.min(8, cores + 2), work: 400, waitMs: 0, locked: 0 })).toContain(
      'oversubscribed',
    );
    // Three equal jobs on a pool of two processes: one process does two of them, and finishes long after.
    if (cores >= 2) expect(await kinds('matrix-cpu-processes', { jobs: 3, size: 80 })).toContain('imbalance');
  });
});
