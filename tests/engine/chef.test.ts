import { describe, expect, test } from 'vitest';
import { overlapUs, peakOverlap } from '../../src-shared/summary';
import { makeEngine, runToEnd, spansOf, totalUs } from './helpers';

describe('chef-parallel: cook and assistant', () => {
  test('are separate processes whose running spans overlap for at least half their busy time', async () => {
    // Chopping takes about half a second: longer than the spread in start-up of two processes on a busy machine.
    const { timeline, summary, ended } = await runToEnd(makeEngine(), 'chef-parallel', { chop: 300, boilMs: 500 });
    expect(ended.reason).toBe('completed');
    const [cook, assistant] = timeline.lanes;
    expect(cook.info.kind).toBe('process');
    expect(assistant.info.kind).toBe('process');
    expect(cook.info.pid).not.toBeNull();
    expect(cook.info.pid).not.toBe(assistant.info.pid);
    expect(cook.info.pid).not.toBe(process.pid);

    const cookBusy = spansOf(timeline, cook.info.name, ['running']);
    const assistantBusy = spansOf(timeline, assistant.info.name, ['running']);
    const both = overlapUs(cookBusy, assistantBusy);
    const smaller = Math.min(totalUs(cookBusy), totalUs(assistantBusy));
    expect(smaller).toBeGreaterThan(100_000);
    expect(both / smaller).toBeGreaterThanOrEqual(0.5);
    expect(summary.peakRunning).toBe(2);
    // The OS agrees: the CPU time it measured says two cores really ran at once.
    expect(summary.peakCores).toBeGreaterThan(1.5);
    expect(cook.outcome).toEqual({ kind: 'exited', code: 0, signal: null });
  });
});

describe('chef-concurrent: one cook, two dishes', () => {
  test('never runs two dishes at once, yet one dish waits while the other is chopped', async () => {
    const { timeline, summary, ended } = await runToEnd(makeEngine(), 'chef-concurrent', { chop: 100, boilMs: 600 });
    expect(ended.reason).toBe('completed');
    const [dish1, dish2] = timeline.lanes;
    expect(dish1.info.kind).toBe('task');
    // One cook: both dishes run on the same OS thread of the same process.
    expect(dish1.info.pid).toBe(dish2.info.pid);
    expect(dish1.info.tid).toBe(dish2.info.tid);

    const running = timeline.spans.filter((s) => s.state === 'running' || s.state === 'blocking');
    expect(peakOverlap(running)).toBe(1);
    expect(summary.peakRunning).toBe(1);
    expect(summary.peakAlive).toBe(2);

    const chopping2 = spansOf(timeline, 'Dish 2', ['running']).filter((s) => s.detail === 'chopping vegetables');
    const boiling1 = spansOf(timeline, 'Dish 1', ['waiting']).filter((s) => s.detail === 'water boiling');
    expect(chopping2).toHaveLength(1);
    expect(overlapUs(boiling1, chopping2)).toBeGreaterThan(0.9 * totalUs(chopping2));
    // Dish 2 was ready to chop but had to wait for the cook while dish 1 was chopped.
    expect(totalUs(spansOf(timeline, 'Dish 2', ['blocked']))).toBeGreaterThan(0.5 * totalUs(chopping2));
  });
});
