import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src-main/protocol/events';
import { sceneAt, stationCaption } from '../../src-renderer/kitchen/scene';
import type { RunModel } from '../../src-shared/run-model';
import { id, lane, modelOf } from './fixtures';
import type { LaneKind } from '../../src-main/protocol/events';

/** One cook (a loop thread), two dishes: dish 1 chops while dish 2 waits for the cook, then dish 1 boils. */
function oneCook(): RunModel {
  const events: EngineEvent[] = [
    { type: 'lane-added', lane: lane(0, 'Dish 1') },
    { type: 'lane-added', lane: lane(1, 'Dish 2') },
    { type: 'lane-ready', laneId: id(0), tsUs: 50, pid: 7, tid: 8, closedCpuUs: null },
    { type: 'lane-ready', laneId: id(1), tsUs: 50, pid: 7, tid: 8, closedCpuUs: null },
    {
      type: 'state',
      laneId: id(1),
      tsUs: 50,
      state: 'blocked',
      detail: 'waiting for the cook',
      mayWaitForGil: false,
      closedCpuUs: null,
    },
    {
      type: 'state',
      laneId: id(0),
      tsUs: 60,
      state: 'running',
      detail: 'chopping vegetables',
      mayWaitForGil: false,
      closedCpuUs: 0,
    },
    {
      type: 'state',
      laneId: id(0),
      tsUs: 500,
      state: 'waiting',
      detail: 'water boiling',
      mayWaitForGil: false,
      closedCpuUs: 430,
    },
    {
      type: 'state',
      laneId: id(1),
      tsUs: 500,
      state: 'running',
      detail: 'chopping vegetables',
      mayWaitForGil: false,
      closedCpuUs: null,
    },
  ];
  return modelOf(events);
}

describe('kitchen scene', () => {
  test('while the loop starts, its one cook is arriving', () => {
    const scene = sceneAt(oneCook(), 10);
    expect(scene.cooks).toEqual([{ key: 'thread:7:8', at: 0, pose: 'arriving', sharing: false }]);
    expect(scene.stations.map((s) => s.state)).toEqual(['starting', 'starting']);
  });

  test('one cook stands at the dish it chops; the other dish waits for it', () => {
    const scene = sceneAt(oneCook(), 200);
    expect(scene.cooks).toEqual([{ key: 'thread:7:8', at: 0, pose: 'chopping', sharing: false }]);
    expect(stationCaption(scene.stations[1])).toEqual({ label: 'blocked', detail: 'waiting for the cook' });
  });

  test('the cook moves to the other board while the first pot boils', () => {
    const scene = sceneAt(oneCook(), 700);
    expect(scene.cooks).toEqual([{ key: 'thread:7:8', at: 1, pose: 'chopping', sharing: false }]);
    expect(scene.stations[0]).toMatchObject({ state: 'waiting', detail: 'water boiling' });
  });

  test('a finished dish is served', () => {
    const m = oneCook();
    m.apply({ type: 'lane-ended', laneId: id(0), tsUs: 900, outcome: { kind: 'completed' }, soloUs: 800 });
    const scene = sceneAt(m, 950);
    expect(stationCaption(scene.stations[0])).toEqual({ label: 'served', detail: null });
  });

  /** `n` processes, each its own cook, all chopping from 100 µs; the machine has 2 cores. */
  function processes(n: number): RunModel {
    const kind: LaneKind = 'process';
    return modelOf(
      Array.from({ length: n }, (_, i): EngineEvent[] => [
        { type: 'lane-added', lane: { ...lane(i, `Worker-${i + 1}`, kind), pid: 10 + i } },
        { type: 'lane-ready', laneId: id(i), tsUs: 100, pid: 10 + i, tid: 10 + i, closedCpuUs: null },
        {
          type: 'state',
          laneId: id(i),
          tsUs: 100,
          state: 'running',
          detail: null,
          mayWaitForGil: false,
          closedCpuUs: 0,
        },
      ]).flat(),
    );
  }

  test('as many cooks chopping as cores: each has a core, nobody takes turns', () => {
    const scene = sceneAt(processes(2), 5_000);
    expect(scene.turns).toBeNull();
    expect(scene.cooks.map((c) => [c.pose, c.sharing])).toEqual([
      ['chopping', false],
      ['chopping', false],
    ]);
    expect(stationCaption(scene.stations[0]).label).toBe('running');
  });

  test('more cooks chopping than cores: the kitchen says they take turns, even before any CPU time is in', () => {
    const scene = sceneAt(processes(4), 5_000);
    expect(scene.turns).toEqual({ busy: 4, cores: 2 });
    expect(scene.cooks.every((c) => c.pose === 'chopping' && c.sharing)).toBe(true);
    expect(scene.stations.map((s) => stationCaption(s).label)).toEqual(Array(4).fill('taking turns'));
  });

  test('three cooks on two cores: one whose span shows it had a core to itself is not said to take turns', () => {
    const m = processes(3);
    // Worker-1's span has ended: 95 of its 100 ms on a CPU. The other two are still going.
    m.apply({
      type: 'state',
      laneId: id(0),
      tsUs: 100_100,
      state: 'waiting',
      detail: 'sleep',
      mayWaitForGil: false,
      closedCpuUs: 95_000,
    });
    const scene = sceneAt(m, 50_000);
    expect(scene.turns).toEqual({ busy: 3, cores: 2 });
    expect(scene.cooks.map((c) => c.sharing)).toEqual([false, true, true]);
    expect(scene.stations.map((s) => stationCaption(s).label)).toEqual(['running', 'taking turns', 'taking turns']);
  });

  test('a span that got well under a core’s worth is hatched in the chart, but no cook takes turns for it', () => {
    const m = processes(2);
    // Worker-1 got 40 of its 100 ms on a CPU: its core went to something else part of the time (another
    // program, as likely as the other cook). Two cooks, two cores: nobody is said to take turns.
    m.apply({
      type: 'state',
      laneId: id(0),
      tsUs: 100_100,
      state: 'waiting',
      detail: 'sleep',
      mayWaitForGil: false,
      closedCpuUs: 40_000,
    });
    m.apply({
      type: 'state',
      laneId: id(1),
      tsUs: 100_100,
      state: 'waiting',
      detail: 'sleep',
      mayWaitForGil: false,
      closedCpuUs: 100_000,
    });
    const scene = sceneAt(m, 50_000);
    expect(scene.turns).toBeNull();
    expect(scene.cooks.map((c) => c.sharing)).toEqual([false, false]);
    expect(scene.stations.map((s) => stationCaption(s).label)).toEqual(['running', 'running']);
  });

  /** Two threads of one Python process, traced without sampling: what the tracer calls running may be waiting for the GIL. */
  function unsampledThreads(mayWaitForGil: boolean): RunModel {
    const kind: LaneKind = 'thread';
    return modelOf(
      [0, 1].flatMap((i): EngineEvent[] => [
        { type: 'lane-added', lane: { ...lane(i, `Worker-${i + 1}`, kind), pid: 30 } },
        { type: 'lane-ready', laneId: id(i), tsUs: 100, pid: 30, tid: 31 + i, closedCpuUs: null },
        { type: 'state', laneId: id(i), tsUs: 100, state: 'running', detail: null, mayWaitForGil, closedCpuUs: null },
      ]),
    );
  }

  test('unsampled threads of one process busy at once share its GIL: the kitchen does not show them chopping together', () => {
    const scene = sceneAt(unsampledThreads(true), 5_000);
    expect(scene.turns).toBeNull();
    expect(scene.gil).toBe(true);
    expect(scene.cooks.map((c) => [c.pose, c.sharing])).toEqual([
      ['chopping', true],
      ['chopping', true],
    ]);
    expect(stationCaption(scene.stations[0])).toEqual({ label: 'taking turns', detail: 'or waiting for the GIL' });
  });

  test('threads whose running is known (sampled, or no GIL) are not said to share one', () => {
    const scene = sceneAt(unsampledThreads(false), 5_000);
    expect(scene.gil).toBe(false);
    expect(scene.cooks.map((c) => c.sharing)).toEqual([false, false]);
  });
});
