import { describe, expect, test } from 'vitest';
import type { EngineEvent, LaneKind, SpanState } from '../../src-main/protocol/events';
import type { RunId, ScenarioId } from '../../src-main/protocol/ids';
import { layoutKitchen, lineUnitsFor, MAX_STATIONS, STATION_W, wrapLines } from '../../src-renderer/kitchen/layout';
import { sceneAt, stationCaption } from '../../src-renderer/kitchen/scene';
import { RunModel } from '../../src-shared/run-model';
import { id, lane } from './fixtures';

/**
 * A Python run (sampled, with the GIL) whose lanes each hold one state from 100 µs: `lanes` says each
 * lane's name, kind, process and thread, and state.
 */
function python(
  lanes: { name: string; kind: LaneKind; pid: number; tid: number; state: SpanState }[],
  gil: boolean | null = true,
): RunModel {
  const model = new RunModel(
    {
      runId: 'r' as RunId,
      scenarioId: 'py-threads-cpu' as ScenarioId,
      title: 'CPU work on Python threads',
      params: {},
      cores: 2,
      runtime: 'python',
      sampled: true,
      gil,
    },
    8,
  );
  const events: EngineEvent[] = lanes.flatMap((l, i): EngineEvent[] => [
    { type: 'lane-added', lane: { ...lane(i, l.name, l.kind), pid: l.pid } },
    { type: 'lane-ready', laneId: id(i), tsUs: 100, pid: l.pid, tid: l.tid, closedCpuUs: null },
    { type: 'state', laneId: id(i), tsUs: 100, state: l.state, detail: null, mayWaitForGil: false, closedCpuUs: 0 },
  ]);
  for (const e of events) model.apply(e);
  return model;
}

describe('the kitchen shows the model', () => {
  test('threads of one process are cooks in one kitchen; under the GIL one knife, held by the cook running', () => {
    const scene = sceneAt(
      python([
        { name: 'main', kind: 'process', pid: 5, tid: 5, state: 'blocked' },
        { name: 'Worker-1', kind: 'thread', pid: 5, tid: 6, state: 'gil-wait' },
        { name: 'Worker-2', kind: 'thread', pid: 5, tid: 7, state: 'running' },
      ]),
      1_000,
    );
    expect(scene.rooms).toHaveLength(1);
    expect(scene.rooms[0]).toMatchObject({ pid: 5, cooks: 3, oneKnife: true, knifeWith: 'thread:5:7' });
    expect(stationCaption(scene.stations[1])).toEqual({ label: 'GIL wait', detail: 'waiting for the knife' });
    expect(scene.cooks.find((c) => c.key === 'thread:5:6')?.pose).toBe('waiting');
  });

  test('the knife passes: a moment later another cook holds it', () => {
    const model = python([
      { name: 'Worker-1', kind: 'thread', pid: 5, tid: 6, state: 'running' },
      { name: 'Worker-2', kind: 'thread', pid: 5, tid: 7, state: 'gil-wait' },
    ]);
    for (const [laneId, state] of [
      [0, 'gil-wait'],
      [1, 'running'],
    ] as const)
      model.apply({
        type: 'state',
        laneId: id(laneId),
        tsUs: 5_000,
        state,
        detail: null,
        mayWaitForGil: false,
        closedCpuUs: 0,
      });
    expect(sceneAt(model, 1_000).rooms[0].knifeWith).toBe('thread:5:6');
    expect(sceneAt(model, 6_000).rooms[0].knifeWith).toBe('thread:5:7');
  });

  test('processes are separate kitchens, each with its own knife: both chop at once', () => {
    const scene = sceneAt(
      python([
        { name: 'main', kind: 'process', pid: 5, tid: 5, state: 'blocked' },
        { name: 'Worker-1', kind: 'process', pid: 8, tid: 8, state: 'running' },
        { name: 'Worker-2', kind: 'process', pid: 9, tid: 9, state: 'running' },
      ]),
      1_000,
    );
    expect(scene.rooms.map((r) => [r.pid, r.knifeWith])).toEqual([
      [5, null],
      [8, 'thread:8:8'],
      [9, 'thread:9:9'],
    ]);
  });

  test('a kitchen with no GIL (free-threaded, or Node) has no one knife', () => {
    const scene = sceneAt(
      python(
        [
          { name: 'Worker-1', kind: 'thread', pid: 5, tid: 6, state: 'running' },
          { name: 'Worker-2', kind: 'thread', pid: 5, tid: 7, state: 'running' },
        ],
        false,
      ),
      1_000,
    );
    expect(scene.rooms[0]).toMatchObject({ oneKnife: false, knifeWith: null });
  });

  test('an event loop is one cook with many pots; a blocking sleep holds no knife, the ready tasks boil over', () => {
    const scene = sceneAt(
      python([
        { name: 'main', kind: 'process', pid: 5, tid: 5, state: 'waiting' },
        { name: 'task 1', kind: 'task', pid: 5, tid: 5, state: 'blocking' },
        { name: 'task 2', kind: 'task', pid: 5, tid: 5, state: 'blocked' },
        { name: 'task 3', kind: 'task', pid: 5, tid: 5, state: 'blocked' },
      ]),
      1_000,
    );
    expect(scene.stations.map((s) => s.pot)).toEqual([false, true, true, true]);
    expect(scene.cooks).toHaveLength(1);
    expect(scene.cooks[0]).toMatchObject({ at: 1, pose: 'rushing' });
    // The thread sleeps (the sampler says waiting): the GIL is free, so the knife lies on the counter.
    expect(scene.rooms[0]).toMatchObject({ cooks: 1, knifeWith: null });
  });

  test('up to 16 stations at a readable size, in lines; a kitchen never shares a line part with another', () => {
    const many = python(
      Array.from({ length: 20 }, (_, i) => ({
        name: `P${i}`,
        kind: 'process' as const,
        pid: 100 + Math.floor(i / 4),
        tid: 100 + i,
        state: 'running' as const,
      })),
    );
    const scene = sceneAt(many, 1_000);
    const shown = Math.min(scene.stations.length, MAX_STATIONS);
    expect(shown).toBe(16);
    const units = lineUnitsFor(1000, shown, scene.rooms.length);
    const layout = layoutKitchen(scene, shown, units);
    expect(layout.at).toHaveLength(16);
    // Lines no wider than asked for, several of them.
    expect(layout.width).toBeLessThanOrEqual(units);
    expect(new Set(layout.at.map((a) => a.y)).size).toBeGreaterThan(1);
    // Every station is inside its kitchen's part on its line.
    layout.at.forEach((a, i) => {
      const part = layout.parts.find((p) => p.room === scene.stations[i].room && p.y === a.y);
      expect(part).toBeDefined();
      expect(a.x).toBeGreaterThanOrEqual(part!.x);
      expect(a.x + STATION_W).toBeLessThanOrEqual(part!.x + part!.width);
    });
    // Parts on one line never overlap.
    for (const p of layout.parts)
      for (const q of layout.parts)
        if (p !== q && p.y === q.y) expect(p.x + p.width <= q.x || q.x + q.width <= p.x).toBe(true);
  });
});

describe('station words', () => {
  test('wrap at spaces onto two lines; only what still does not fit is cut, at the end', () => {
    expect(wrapLines('Worker-1', 20, 2)).toEqual(['Worker-1']);
    expect(wrapLines('ThreadPoolExecutor-0_0 (pid 4242)', 20, 2)).toEqual(['ThreadPoolExecutor-0', '_0 (pid 4242)']);
    expect(wrapLines('await a future (gather, wait_for)', 26, 2)).toEqual(['await a future (gather,', 'wait_for)']);
    expect(wrapLines('one two three four five six seven eight nine ten', 12, 2)).toEqual(['one two', 'three four…']);
    expect(wrapLines('', 20, 2)).toEqual([]);
  });
});
