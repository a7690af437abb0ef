import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src-main/protocol/events';
import { makeEngine, processAlive, threadAlive, until } from './helpers';

const readyCount = (events: readonly EngineEvent[]) => events.filter((e) => e.type === 'lane-ready').length;
const pids = (events: readonly EngineEvent[]) =>
  [...new Set(events.flatMap((e) => (e.type === 'lane-ready' ? [e.pid] : [])))].filter((p) => p !== process.pid);

describe('stop', () => {
  test('ends every process, grandchildren included, within a second', async () => {
    const engine = makeEngine();
    const run = await engine.start('node-processes', { tasks: 2, work: 2000, waitMs: 10_000 });
    // Main process and its two worker processes (the engine's grandchildren) are up.
    await until(run, (events) => readyCount(events) === 3);
    const started = pids(run.events);
    expect(started).toHaveLength(3);
    expect(started.every(processAlive)).toBe(true);

    const t = performance.now();
    const summary = await run.stop();
    const stopMs = performance.now() - t;
    expect(started.filter(processAlive)).toEqual([]);
    expect(stopMs).toBeLessThan(1000);
    const ended = run.events.at(-1);
    expect(ended?.type === 'run-ended' && ended.reason).toBe('stopped');
    expect(summary.lanes).toHaveLength(3);
  });

  test('ends every worker thread, nested ones included', async () => {
    const engine = makeEngine();
    const run = await engine.start('node-threads', { tasks: 3, work: 2000, waitMs: 10_000 });
    await until(run, (events) => readyCount(events) === 4);
    const tids = run.events.flatMap((e) => (e.type === 'lane-ready' ? [e.tid] : []));
    if (process.platform === 'linux') expect(tids.every(threadAlive)).toBe(true);
    await run.stop();
    if (process.platform === 'linux') expect(tids.filter(threadAlive)).toEqual([]);
    const outcomes = run.events.flatMap((e) => (e.type === 'lane-ended' ? [e.outcome.kind] : []));
    expect(outcomes).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
  });

  test('right after start, before anything is ready, leaves nothing behind', async () => {
    const engine = makeEngine();
    const run = await engine.start('chef-parallel', { chop: 2000 });
    const spawned = run.events.flatMap((e) => (e.type === 'lane-added' && e.lane.pid !== null ? [e.lane.pid] : []));
    expect(spawned).toHaveLength(2);
    await engine.stopAll();
    expect(spawned.filter(processAlive)).toEqual([]);
    expect(run.running).toBe(false);
  });
});
