import { describe, expect, test } from 'vitest';
import { cpuShare, overlapUs, peakOverlap, peakWeighted, summarize } from '../../src-main/engine/summary';
import { buildTimeline } from '../../src-main/engine/timeline';
import type { EngineEvent, LaneInfo } from '../../src-main/protocol/events';
import type { LaneId, RunId, ScenarioId } from '../../src-main/protocol/ids';

const iv = (startUs: number, endUs: number) => ({ startUs, endUs });

describe('interval math', () => {
  test('peakOverlap counts intervals open at one instant; touching is not overlapping', () => {
    expect(peakOverlap([])).toBe(0);
    expect(peakOverlap([iv(0, 10), iv(10, 20)])).toBe(1);
    expect(peakOverlap([iv(0, 10), iv(5, 20), iv(6, 7)])).toBe(3);
    expect(peakOverlap([iv(0, 0), iv(3, 3)])).toBe(0);
  });

  test('peakWeighted sums the weights open at one instant', () => {
    expect(
      peakWeighted([
        { ...iv(0, 10), weight: 0.5 },
        { ...iv(5, 15), weight: 0.5 },
      ]),
    ).toBe(1);
    expect(
      peakWeighted([
        { ...iv(0, 10), weight: 1 },
        { ...iv(10, 15), weight: 1 },
      ]),
    ).toBe(1);
  });

  test('cpuShare is the measured fraction of a span on a CPU, 1 when unmeasured', () => {
    expect(cpuShare({ ...iv(0, 1000), cpuUs: 250 })).toBe(0.25);
    expect(cpuShare({ ...iv(0, 1000), cpuUs: 2000 })).toBe(1);
    expect(cpuShare({ ...iv(0, 1000), cpuUs: null })).toBe(1);
  });

  test('overlapUs is the time both lists cover', () => {
    expect(overlapUs([iv(0, 10)], [iv(5, 20)])).toBe(5);
    expect(overlapUs([iv(0, 10), iv(8, 12)], [iv(9, 30)])).toBe(3);
    expect(overlapUs([iv(0, 10)], [iv(10, 20)])).toBe(0);
  });
});

const lane = (laneId: number, name: string, spawnedUs: number): LaneInfo => ({
  laneId: laneId as LaneId,
  name,
  kind: 'process',
  pid: 100 + laneId,
  tid: 100 + laneId,
  parentLaneId: null,
  spawnedUs,
});
const id = (n: number) => n as LaneId;

describe('summarize', () => {
  // Two processes: both chop (running) from 100 to 600 µs, one at half a core.
  const events: EngineEvent[] = [
    {
      type: 'run-started',
      runId: 'r' as RunId,
      scenarioId: 's' as ScenarioId,
      title: 't',
      params: {},
      cores: 2,
      platform: 'linux',
      t0MonoNs: '1',
    },
    { type: 'lane-added', lane: lane(0, 'Cook', 0) },
    { type: 'lane-added', lane: lane(1, 'Assistant', 0) },
    { type: 'lane-ready', laneId: id(0), tsUs: 100, pid: 100, tid: 100 },
    { type: 'lane-ready', laneId: id(1), tsUs: 100, pid: 101, tid: 101 },
    { type: 'state', laneId: id(0), tsUs: 600, state: 'waiting', detail: 'boiling', closedCpuUs: 500 },
    { type: 'state', laneId: id(1), tsUs: 600, state: 'waiting', detail: 'boiling', closedCpuUs: 250 },
    { type: 'lane-ended', laneId: id(0), tsUs: 1000, outcome: { kind: 'exited', code: 0, signal: null }, soloUs: 900 },
    { type: 'lane-ended', laneId: id(1), tsUs: 1000, outcome: { kind: 'exited', code: 0, signal: null }, soloUs: 900 },
  ];

  test('adds up states, CPU, peaks and speedup', () => {
    const s = summarize(buildTimeline(events), 2, 1000);
    expect(s.wallUs).toBe(1000);
    expect(s.cpuUs).toBe(750);
    expect(s.coresBusy).toBe(0.75);
    expect(s.peakRunning).toBe(2);
    expect(s.peakCores).toBe(1.5);
    expect(s.peakAlive).toBe(2);
    expect(s.sequentialUs).toBe(1800);
    expect(s.speedup).toBe(1.8);
    expect(s.lanes[0].stateUs).toEqual({
      starting: 100,
      running: 500,
      waiting: 400,
      blocked: 0,
      'gil-wait': 0,
      blocking: 0,
    });
    expect(s.lanes[1].cpuUs).toBe(250);
  });
});
