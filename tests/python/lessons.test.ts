import { describe, expect, test } from 'vitest';
import { LOOP_BUSY } from '../../src-main/protocol/events';
import { overlapUs } from '../../src-shared/summary';
import { makeEngine, runToEnd, spansOf, totalUs } from '../engine/helpers';

/** The new lessons of issue 16, each run for real and checked for what it teaches. */
describe('lessons that teach from real runs', () => {
  test('py-threads-io: threads waiting on a real local server overlap their waits (the GIL is let go)', async () => {
    const delayMs = 400;
    const { timeline, summary, ended } = await runToEnd(makeEngine(), 'py-threads-io', { pages: 4, delayMs });
    expect(ended.reason).toBe('completed');
    const names = timeline.lanes.map((l) => l.info.name).filter((n) => n.startsWith('Download-'));
    expect(names).toHaveLength(4);
    const waits = names.map((n) => spansOf(timeline, n, ['waiting']));
    for (const w of waits) expect(totalUs(w)).toBeGreaterThan(0.8 * delayMs * 1000);
    // Every pair of downloads waited at the same time for at least half of the shorter wait.
    for (let i = 0; i < waits.length; i++) {
      for (let j = i + 1; j < waits.length; j++) {
        expect(overlapUs(waits[i], waits[j])).toBeGreaterThan(0.5 * Math.min(totalUs(waits[i]), totalUs(waits[j])));
      }
    }
    // Each thread printed what it got: the pages really came over the socket.
    const got = timeline.instants.filter((i) => /Thread \d: got \d+ bytes/.test(i.text));
    expect(got).toHaveLength(4);
    expect(summary.verdict.rule).not.toBe('no-summary');
  });

  test('py-async-blocking: time.sleep in a coroutine holds its loop; the other tasks are ready but wait', async () => {
    const waitMs = 400;
    const { timeline, ended } = await runToEnd(makeEngine(), 'py-async-blocking', { tasks: 3, waitMs });
    expect(ended.reason).toBe('completed');
    const blocking = spansOf(timeline, 'time.sleep task 1', ['blocking']);
    expect(totalUs(blocking)).toBeGreaterThan(0.8 * waitMs * 1000);
    const heldBack = (name: string) =>
      totalUs(spansOf(timeline, name, ['blocked']).filter((s) => s.detail === LOOP_BUSY));
    // The rude loop's other tasks: ready, loop busy, for about the whole sleep.
    for (const n of [2, 3]) expect(heldBack(`time.sleep task ${n}`)).toBeGreaterThan(0.8 * waitMs * 1000);
    // The polite loop, side by side on the same axis: nothing held back for long, no blocking.
    for (const n of [1, 2, 3]) {
      expect(heldBack(`await task ${n}`)).toBeLessThan(0.1 * waitMs * 1000);
      expect(totalUs(spansOf(timeline, `await task ${n}`, ['blocking']))).toBe(0);
    }
    // Both loops ran at the same time: their first tasks' lives overlap.
    const life = (name: string) => spansOf(timeline, name, ['running', 'waiting', 'blocked', 'blocking']);
    expect(overlapUs(life('await task 1'), life('time.sleep task 1'))).toBeGreaterThan(0.5 * waitMs * 1000);
  });

  test('py-jupyter-loop: asyncio.run in a running loop raises RuntimeError; await main() completes both tasks', async () => {
    const { timeline, ended, summary } = await runToEnd(makeEngine(), 'py-jupyter-loop', { waitMs: 200 });
    expect(ended.reason).toBe('completed');
    const text = timeline.instants.map((i) => `${i.stream}: ${i.text}`);
    const error = text.findIndex((t) =>
      /^stderr: RuntimeError: asyncio\.run\(\) cannot be called from a running event loop/.test(t),
    );
    expect(error).toBeGreaterThanOrEqual(0);
    // The error comes first, then the notebook's alternative runs both tasks to the end.
    for (const line of ['Task 1 is running', 'Task 2 is running', 'Task 1 is complete', 'Task 2 is complete']) {
      const at = text.indexOf(`stdout: ${line}`);
      expect(at, line).toBeGreaterThan(error);
    }
    // Nothing warned that a coroutine was never awaited: the failed one was closed.
    expect(text.some((t) => t.includes('was never awaited'))).toBe(false);
    expect(summary.verdict.rule).not.toBe('failed');
  });
});
