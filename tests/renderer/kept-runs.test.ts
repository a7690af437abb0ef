import { beforeEach, describe, expect, test } from 'vitest';
import type { RunSnapshot } from '../../src-main/protocol/events';
import type { RunId } from '../../src-main/protocol/ids';
import { KEEP_BYTES, keepRun, keptRuns } from '../../src-renderer/lib/kept-runs';

/** The page's storage, as a map. */
beforeEach(() => {
  const map = new Map<string, string>();
  Object.assign(globalThis, {
    localStorage: {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
    },
  });
});

const snapshot = (runId: string, bytes = 100): RunSnapshot => ({
  runId: runId as RunId,
  seq: 3,
  nowUs: 1000,
  running: false,
  events: [{ type: 'output', laneId: 0, tsUs: 1, stream: 'stdout', text: 'x'.repeat(bytes) }] as never,
});

describe('runs kept for after a restart', () => {
  test('one run a lesson, the newest; given back oldest first', () => {
    expect(keepRun('a', snapshot('a1'), 1)).toBe(true);
    expect(keepRun('b', snapshot('b1'), 2)).toBe(true);
    expect(keepRun('a', snapshot('a2'), 3)).toBe(true);
    expect(keptRuns().map((s) => s.runId)).toEqual(['b1', 'a2']);
  });

  test('past the storage budget the oldest go; a run too big for it is not kept, and says so', () => {
    const third = Math.floor(KEEP_BYTES / 3);
    keepRun('a', snapshot('a1', third), 1);
    keepRun('b', snapshot('b1', third), 2);
    keepRun('c', snapshot('c1', third), 3);
    expect(keptRuns().map((s) => s.runId)).toEqual(['b1', 'c1']);
    expect(keepRun('d', snapshot('d1', KEEP_BYTES), 4)).toBe(false);
    expect(keptRuns().map((s) => s.runId)).toEqual(['b1', 'c1']);
  });

  test('storage holding something else gives nothing back, not an error', () => {
    localStorage.setItem('kitchen.runs', '{"not": "a list"}');
    expect(keptRuns()).toEqual([]);
    localStorage.setItem('kitchen.runs', 'not json');
    expect(keptRuns()).toEqual([]);
  });
});
