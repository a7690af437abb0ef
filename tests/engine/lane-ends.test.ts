import { describe, expect, test } from 'vitest';
import { LaneEnds } from '../../src-main/engine/python/lane-ends';
import type { TracerRecord } from '../../src-main/protocol/tracer';

/** LaneEnds over a run of one script (pid 1) with a child (pid 2): what it ends, and when. */
function ends(opts: { connections?: number; unidentified?: number } = {}) {
  const out: TracerRecord[] = [];
  const state = { connections: opts.connections ?? 0, unidentified: opts.unidentified ?? 0, nowUs: 1000 };
  const keys = new Map([
    [1, new Set(['p1'])],
    [2, new Set(['p2', 'p2t9', 'p2a1'])],
  ]);
  const e = new LaneEnds({
    mainPid: () => 1,
    keysOf: (pid) => keys.get(pid),
    processes: () => keys.keys(),
    connections: () => state.connections,
    unidentified: () => state.unidentified,
    record: (r) => out.push(r),
    nowUs: () => state.nowUs,
  });
  return { e, out, state };
}

const exits = (out: TracerRecord[]) =>
  out.flatMap((r) => (r.t === 'exit' ? [[r.lane, r.code, r.signal, r.abandoned ?? false, r.tsUs]] : []));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LaneEnds', () => {
  test('a child its parent reaped ends with that status, when it was seen to go; its open lanes are abandoned', () => {
    const { e, out } = ends();
    e.childGone(2, 5000);
    e.childStatus(2, { code: 3, signal: null }, 7000, false);
    expect(exits(out)).toEqual([
      ['p2', 3, null, false, 5000],
      ['p2t9', null, null, true, 5000],
      ['p2a1', null, null, true, 5000],
    ]);
    expect(e.ended(2)).toBe(true);
    expect(e.running()).toEqual([]);
  });

  test('a traced child is not ended while its connection is open: its last records may be on their way', () => {
    const { e, out, state } = ends({ connections: 1 });
    e.childStatus(2, { code: 0, signal: null }, 6000, false);
    expect(out).toEqual([]);
    state.connections = 0;
    e.check(2);
    expect(exits(out)[0]).toEqual(['p2', 0, null, false, 6000]);
  });

  test('what a process said is stamped before it ended, whatever the samples say', () => {
    const { e, out } = ends();
    e.heard(2, 9000);
    e.childGone(2, 5000);
    e.childStatus(2, { code: 0, signal: null }, 5500, true);
    expect(exits(out)[0]).toEqual(['p2', 0, null, false, 9000]);
  });

  test('gone with no status heard: it ends a moment later, its status not known', async () => {
    const { e, out } = ends();
    e.childGone(2, 5000);
    expect(out).toEqual([]);
    expect(e.running()).toEqual([]);
    await sleep(350);
    expect(exits(out)[0]).toEqual(['p2', null, null, false, 5000]);
  });

  test('a thread the sampler saw go ends unless it said so itself; gone with its process, it is abandoned', async () => {
    const { e, out } = ends();
    e.threadGone('p2t9', 3000);
    e.threadEnded('p2t9');
    e.threadGone('p2t8', 3000);
    await sleep(350);
    expect(exits(out)).toEqual([['p2t8', null, null, false, 3000]]);
    e.threadGone('p2t7', 4000);
    e.processEnded(2, { code: 0, signal: null }, 4000);
    e.endAll();
    expect(exits(out).filter(([lane]) => lane === 'p2t7')).toEqual([]);
  });

  test('the script’s own process is ended by its exit, never as a child', () => {
    const { e, out } = ends();
    e.childStatus(1, { code: 0, signal: null }, 1000, false);
    e.childGone(1, 1000);
    expect(out).toEqual([]);
    e.processEnded(1, { code: 0, signal: 'SIGTERM' }, 2000);
    expect(exits(out)).toEqual([['p1', 0, 'SIGTERM', false, 2000]]);
  });
});
