import { describe, expect, test } from 'vitest';
import {
  CORES_MARGIN,
  overlapUs,
  peakAveraged,
  peakOverlap,
  peakWeighted,
  ranAtOnce,
  summarize,
  sustainedPeak,
  type SummaryContext,
} from '../../src-shared/summary';
import { buildTimeline } from '../../src-shared/timeline';
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

  test('sustainedPeak counts overlaps that last, not blips', () => {
    expect(sustainedPeak([iv(0, 50_000), iv(10_000, 60_000)], 10_000)).toBe(2);
    expect(sustainedPeak([iv(0, 50_000), iv(45_000, 90_000)], 10_000)).toBe(1);
    expect(sustainedPeak([iv(0, 500)], 10_000)).toBe(1);
    expect(sustainedPeak([], 10_000)).toBe(0);
  });

  test('peakAveraged averages what is open over a window', () => {
    expect(
      peakAveraged(
        [
          { ...iv(0, 100_000), weight: 1 },
          { ...iv(0, 100_000), weight: 0.5 },
        ],
        25_000,
      ),
    ).toBe(1.5);
    expect(
      peakAveraged(
        [
          { ...iv(0, 5000), weight: 1 },
          { ...iv(5000, 10_000), weight: 1 },
        ],
        10_000,
      ),
    ).toBe(1);
  });

  test('ranAtOnce: lanes ready at once count as running at once only as far as the CPU they got', () => {
    // Two GIL threads both runnable on a busy machine, 1.1 cores between them: one ran at a time.
    expect(ranAtOnce(2, 1.1)).toBe(1);
    // Half a core of overlap on average is overlap.
    expect(ranAtOnce(2, 1.5)).toBe(2);
    expect(ranAtOnce(2, 1.49)).toBe(1);
    // Never more than were ready, never fewer than one when any ran, unknown CPU changes nothing.
    expect(ranAtOnce(2, 2.6)).toBe(2);
    expect(ranAtOnce(3, 0.2)).toBe(1);
    expect(ranAtOnce(0, 0)).toBe(0);
    expect(ranAtOnce(3, null)).toBe(3);
  });

  test('ranAtOnce: more than k cores busy over the whole run means k + 1 ran at once, however it was spread', () => {
    // Four processes sharing two cores evenly: about 1.4 cores' worth in every window, and in the run as a
    // whole 1.35 cores busy (the rest went to other programs). Two of them always ran at once.
    expect(ranAtOnce(4, 1.45)).toBe(1);
    expect(ranAtOnce(4, 1.45, 1.35)).toBe(2);
    // Two GIL threads: under one core over the run, so the windows decide.
    expect(ranAtOnce(2, 1.1, 0.9)).toBe(1);
    // Within the margin, one core's worth is one lane.
    expect(ranAtOnce(2, 1.1, 1 + CORES_MARGIN)).toBe(1);
    expect(ranAtOnce(2, 1.1, 1.1)).toBe(2);
    // Never more than were ready; nothing measured, nothing implied.
    expect(ranAtOnce(2, 0.5, 3.2)).toBe(2);
    expect(ranAtOnce(3, null, 2.5)).toBe(3);
    expect(ranAtOnce(0, 0, 0)).toBe(0);
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
  detail: null,
  pid: 100 + laneId,
  tid: 100 + laneId,
  parentLaneId: null,
  spawnedUs,
});
const id = (n: number) => n as LaneId;
const context = (
  cores: number,
  wallUs: number,
  samplingHz: number | null,
  python: { gil: boolean; sampled: boolean } | null = null,
): SummaryContext => ({ cores, wallUs, samplingHz, python, lanesLeftOut: 0, threadCpu: true });

describe('summarize', () => {
  // Two processes: both chop (running) from 100 to 600 ms, one at half a core.
  const events: EngineEvent[] = [
    {
      type: 'run-started',
      runId: 'r' as RunId,
      scenarioId: 's' as ScenarioId,
      title: 't',
      params: {},
      cores: 2,
      platform: 'linux',
      runtime: 'node',
      sampled: false,
      gil: null,
      t0MonoNs: '1',
    },
    { type: 'lane-added', lane: lane(0, 'Cook', 0) },
    { type: 'lane-added', lane: lane(1, 'Assistant', 0) },
    { type: 'lane-ready', laneId: id(0), tsUs: 100_000, pid: 100, tid: 100, closedCpuUs: null },
    { type: 'lane-ready', laneId: id(1), tsUs: 100_000, pid: 101, tid: 101, closedCpuUs: null },
    {
      type: 'state',
      laneId: id(0),
      tsUs: 600_000,
      state: 'waiting',
      detail: 'boiling',
      mayWaitForGil: false,
      closedCpuUs: 500_000,
    },
    {
      type: 'state',
      laneId: id(1),
      tsUs: 600_000,
      state: 'waiting',
      detail: 'boiling',
      mayWaitForGil: false,
      closedCpuUs: 250_000,
    },
    {
      type: 'lane-ended',
      laneId: id(0),
      tsUs: 1_000_000,
      outcome: { kind: 'exited', code: 0, signal: null },
      soloUs: 900_000,
    },
    {
      type: 'lane-ended',
      laneId: id(1),
      tsUs: 1_000_000,
      outcome: { kind: 'exited', code: 0, signal: null },
      soloUs: 900_000,
    },
  ];

  test('adds up states, CPU, peaks and speedup', () => {
    const s = summarize(buildTimeline(events), context(2, 1_000_000, null));
    expect(s.wallUs).toBe(1_000_000);
    expect(s.cpuUs).toBe(750_000);
    expect(s.coresBusy).toBe(0.75);
    expect(s.peakReady).toBe(2);
    expect(s.peakRunning).toBe(2);
    expect(s.peakCores).toBe(1.5);
    expect(s.peakAlive).toBe(2);
    expect(s.sequentialUs).toBe(1_800_000);
    expect(s.speedup).toBe(1.8);
    expect(s.lanes[0].stateUs).toEqual({
      starting: 100_000,
      running: 500_000,
      waiting: 400_000,
      blocked: 0,
      'gil-wait': 0,
      blocking: 0,
      slice: 0,
    });
    expect(s.lanes[1].cpuUs).toBe(250_000);
    // From the first ready (100 ms) to the last end (1 s): 750 ms of CPU over 900 ms.
    expect(s.workers).toEqual({ kind: 'process', count: 2, coresBusy: 750_000 / 900_000 });
  });

  test('processes ready at once that got little CPU took turns: the verdict never says one ran at a time', () => {
    // Sampled Python processes, both runnable from 100 to 600 ms, on a machine busy with other
    // programs: 300 and 250 ms of CPU in those 500 ms, 1.1 cores between them.
    const loaded = events.map((e) =>
      e.type === 'state' ? { ...e, closedCpuUs: e.laneId === id(0) ? 300_000 : 250_000 } : e,
    );
    const s = summarize(buildTimeline(loaded), context(2, 1_000_000, 1000, { gil: true, sampled: true }));
    expect(s.peakReady).toBe(2);
    expect(s.peakCores).toBeCloseTo(1.1);
    // Parallelism is what the CPU shows: they took turns.
    expect(s.peakRunning).toBe(1);
    expect(s.verdict.short).toBe('2 ready at once, but sharing 1.1 cores');
    expect(s.verdict.sentence).toMatch(
      /^2 lanes were ready to run at the same instant, but they got only about 1\.1 cores/,
    );
  });

  test.runIf(process.platform === 'linux')(
    'four processes sharing two cores: two ran at once, although no window shows two cores’ worth',
    () => {
      // Each runnable from 100 ms to 1.1 s with 340 ms of CPU: 1.36 cores' worth in every window,
      // 1.36 s of CPU over a 1.2 s run. Each thread's CPU is its own (Linux): two must have run at once.
      const shared: EngineEvent[] = [
        events[0],
        ...[0, 1, 2, 3].flatMap((n): EngineEvent[] => [
          { type: 'lane-added', lane: lane(n, `Worker-${n + 1}`, 0) },
          { type: 'lane-ready', laneId: id(n), tsUs: 100_000, pid: 100 + n, tid: 100 + n, closedCpuUs: null },
          {
            type: 'state',
            laneId: id(n),
            tsUs: 1_100_000,
            state: 'waiting',
            detail: null,
            mayWaitForGil: false,
            closedCpuUs: 340_000,
          },
          {
            type: 'lane-ended',
            laneId: id(n),
            tsUs: 1_200_000,
            outcome: { kind: 'exited', code: 0, signal: null },
            soloUs: null,
          },
        ]),
      ];
      const s = summarize(buildTimeline(shared), context(2, 1_200_000, 1000, { gil: true, sampled: true }));
      expect(s.peakReady).toBe(4);
      expect(s.peakCores).toBeCloseTo(1.36);
      expect(s.coresBusy).toBeCloseTo(1.133, 3);
      expect(s.peakRunning).toBe(2);
    },
  );

  test('Python traced without OS sampling: CPU unknown (not zero), and the verdict does not claim parallelism', () => {
    // Two lanes outside any waiting call at once: the tracer cannot tell running from waiting for the GIL.
    const unsampled = events.map((e) => (e.type === 'state' ? { ...e, closedCpuUs: null } : e));
    const s = summarize(buildTimeline(unsampled), context(2, 1_000_000, null, { gil: true, sampled: false }));
    expect(s.cpuUs).toBeNull();
    expect(s.coresBusy).toBeNull();
    expect(s.peakCores).toBeNull();
    expect(s.workers?.coresBusy).toBeNull();
    expect(s.peakReady).toBe(2);
    expect(s.peakRunning).toBe(2);
    expect(s.verdict.short).toBe('2 busy at once (not sampled)');
    expect(s.verdict.sentence).not.toMatch(/^Parallelism:|so they ran in parallel/);
    expect(s.verdict.sentence).toMatch(/cannot tell whether they ran in parallel or took turns/);
  });
});
