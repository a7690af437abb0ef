import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src-main/protocol/events';
import type { RunModel } from '../../src-shared/run-model';
import { id, lane, modelOf } from './fixtures';

function model(): RunModel {
  const events: EngineEvent[] = [
    { type: 'lane-added', lane: lane(0, 'Dish 1') },
    { type: 'lane-added', lane: lane(1, 'Dish 2') },
    { type: 'lane-ready', laneId: id(0), tsUs: 100, pid: 7, tid: 11, closedCpuUs: null },
    { type: 'lane-ready', laneId: id(1), tsUs: 100, pid: 7, tid: 11, closedCpuUs: null },
    {
      type: 'state',
      laneId: id(1),
      tsUs: 100,
      state: 'blocked',
      detail: 'waiting for the cook',
      mayWaitForGil: false,
      closedCpuUs: null,
    },
    {
      type: 'state',
      laneId: id(0),
      tsUs: 400,
      state: 'waiting',
      detail: 'water boiling',
      mayWaitForGil: false,
      closedCpuUs: 290,
    },
    {
      type: 'state',
      laneId: id(1),
      tsUs: 400,
      state: 'running',
      detail: 'chopping',
      mayWaitForGil: false,
      closedCpuUs: null,
    },
    { type: 'output', laneId: id(1), tsUs: 450, stream: 'stdout', text: 'hello' },
  ];
  return modelOf(events);
}

describe('RunModel', () => {
  test('folds events into spans that tile each lane, growing its columns', () => {
    const m = model();
    expect(m.spans.count).toBe(7);
    expect(m.spans.lane.length).toBeGreaterThanOrEqual(7);
    expect(m.lanes[0].info.tid).toBe(11);
    expect(m.lanes[0].spans.toArray().map((i) => m.spans.start[i])).toEqual([0, 100, 400]);
    expect(m.spans.cpu[m.lanes[0].spans.at(1)]).toBe(290);
    expect(Number.isNaN(m.spans.end[m.lanes[0].open])).toBe(true);
    expect(m.details[m.spans.detail[m.lanes[1].open]]).toBe('chopping');
    expect(m.instants).toEqual([{ lane: 1, tsUs: 450, stream: 'stdout', text: 'hello' }]);
  });

  test('answers the state of a lane at any instant, open spans reaching now', () => {
    const m = model();
    expect(m.stateAt(0, 50)).toBe('starting');
    expect(m.stateAt(0, 200)).toBe('running');
    expect(m.stateAt(1, 200)).toBe('blocked');
    expect(m.stateAt(0, 900)).toBe('waiting');
    expect(m.stateAt(1, 900)).toBe('running');
    expect(m.countsAt(900)).toEqual({ alive: 2, running: 1 });
  });

  test('ends lanes and the run', () => {
    const m = model();
    m.apply({ type: 'lane-ended', laneId: id(0), tsUs: 1200, outcome: { kind: 'completed' }, soloUs: 1000 });
    expect(m.stateAt(0, 1300)).toBe('ended');
    expect(m.lanes[0].outcome).toEqual({ kind: 'completed' });
    expect(m.running).toBe(true);
  });
});
