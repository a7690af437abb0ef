import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src-main/protocol/events';
import { sceneAt, stationCaption } from '../../src-renderer/kitchen/scene';
import type { RunModel } from '../../src-renderer/lib/run-model';
import { id, lane, modelOf } from './fixtures';

/** One cook (a loop thread), two dishes: dish 1 chops while dish 2 waits for the cook, then dish 1 boils. */
function oneCook(): RunModel {
  const events: EngineEvent[] = [
    { type: 'lane-added', lane: lane(0, 'Dish 1') },
    { type: 'lane-added', lane: lane(1, 'Dish 2') },
    { type: 'lane-ready', laneId: id(0), tsUs: 50, pid: 7, tid: 8 },
    { type: 'lane-ready', laneId: id(1), tsUs: 50, pid: 7, tid: 8 },
    { type: 'state', laneId: id(1), tsUs: 50, state: 'blocked', detail: 'waiting for the cook', closedCpuUs: null },
    { type: 'state', laneId: id(0), tsUs: 60, state: 'running', detail: 'chopping vegetables', closedCpuUs: 0 },
    { type: 'state', laneId: id(0), tsUs: 500, state: 'waiting', detail: 'water boiling', closedCpuUs: 430 },
    { type: 'state', laneId: id(1), tsUs: 500, state: 'running', detail: 'chopping vegetables', closedCpuUs: null },
  ];
  return modelOf(events);
}

describe('kitchen scene', () => {
  test('while the loop starts, its one cook is arriving', () => {
    const scene = sceneAt(oneCook(), 10);
    expect(scene.cooks).toEqual([{ key: 'thread:7:8', at: 0, pose: 'arriving' }]);
    expect(scene.stations.map((s) => s.state)).toEqual(['starting', 'starting']);
  });

  test('one cook stands at the dish it chops; the other dish waits for it', () => {
    const scene = sceneAt(oneCook(), 200);
    expect(scene.cooks).toEqual([{ key: 'thread:7:8', at: 0, pose: 'chopping' }]);
    expect(stationCaption(scene.stations[1])).toEqual({ label: 'blocked', detail: 'waiting for the cook' });
  });

  test('the cook moves to the other board while the first pot boils', () => {
    const scene = sceneAt(oneCook(), 700);
    expect(scene.cooks).toEqual([{ key: 'thread:7:8', at: 1, pose: 'chopping' }]);
    expect(scene.stations[0]).toMatchObject({ state: 'waiting', detail: 'water boiling' });
  });

  test('a finished dish is served', () => {
    const m = oneCook();
    m.apply({ type: 'lane-ended', laneId: id(0), tsUs: 900, outcome: { kind: 'completed' }, soloUs: 800 });
    const scene = sceneAt(m, 950);
    expect(stationCaption(scene.stations[0])).toEqual({ label: 'served', detail: null });
  });
});
