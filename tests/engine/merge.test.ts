import { describe, expect, test } from 'vitest';
import { Merger, finalState } from '../../src-main/engine/python/merge';
import type { OsSegment } from '../../src-main/engine/sampler/messages';
import type { TracerRecord } from '../../src-main/protocol/tracer';

const seg = (
  key: string,
  fromUs: number,
  toUs: number,
  os: OsSegment['os'],
  cpuUs = 0,
  detail: string | null = null,
): OsSegment => ({
  key,
  fromUs,
  toUs,
  os,
  detail,
  cpuUs,
});
const ready = (lane: string, tsUs: number, cpuUs: number | null = null): TracerRecord => ({
  t: 'ready',
  lane,
  pid: 1,
  tid: 2,
  cpuUs,
  tsUs,
});

function merger() {
  const out: TracerRecord[] = [];
  const m = new Merger((r) => out.push(r));
  const states = (lane: string) =>
    out.flatMap((r) => (r.t === 'state' && r.lane === lane ? [[r.tsUs, r.state, r.detail, r.cpuUs] as const] : []));
  return { m, out, states };
}

describe('finalState', () => {
  test('a traced wait is what the tracer says; outside one, the OS decides', () => {
    const sleeping = { state: 'waiting' as const, detail: 'time.sleep(1)' };
    expect(finalState(sleeping, seg('a', 0, 1, 'cpu'))).toEqual(sleeping);
    const free = { state: 'running' as const, detail: null };
    expect(finalState(free, null)).toEqual(free);
    expect(finalState(free, seg('a', 0, 1, 'cpu'))).toEqual({ state: 'running', detail: null });
    expect(finalState(free, seg('a', 0, 1, 'contended'))).toEqual({ state: 'gil-wait', detail: 'waiting for the GIL' });
    // A free-threaded interpreter has no GIL to wait for.
    expect(finalState(free, seg('a', 0, 1, 'contended'), false).state).toBe('waiting');
    expect(finalState(free, seg('a', 0, 1, 'sleep', 0, 'pipe_read'))).toEqual({
      state: 'waiting',
      detail: 'asleep in the kernel (pipe_read), outside any traced call',
    });
    // Asleep on a futex without the wake-ups of a GIL wait: a lock, a queue, an idle pool worker.
    expect(finalState(free, seg('a', 0, 1, 'sleep', 0, 'futex_do_wait'))).toEqual({
      state: 'waiting',
      detail: 'asleep on a lock, queue or condition the tracer does not see (futex)',
    });
  });
});

describe('Merger', () => {
  test('two CPU-bound threads under the GIL take turns: running, then waiting for the GIL', () => {
    const { m, states } = merger();
    m.track('a');
    m.track('b');
    m.record(ready('a', 0) as Extract<TracerRecord, { lane: string }>);
    m.record(ready('b', 0) as Extract<TracerRecord, { lane: string }>);
    m.os([seg('a', 0, 5000, 'cpu', 5000), seg('a', 5000, 10000, 'contended'), seg('a', 10000, 15000, 'cpu', 4000)]);
    m.os([seg('b', 0, 5000, 'contended'), seg('b', 5000, 10000, 'cpu', 5000), seg('b', 10000, 15000, 'contended')]);
    m.advance(15000);
    expect(states('a')).toEqual([
      [5000, 'gil-wait', 'waiting for the GIL', 5000],
      [10000, 'running', null, null],
    ]);
    expect(states('b')).toEqual([
      [0, 'gil-wait', 'waiting for the GIL', null],
      [5000, 'running', null, null],
      [10000, 'gil-wait', 'waiting for the GIL', 5000],
    ]);
  });

  test('holds records until the samples reach them, then releases them in time order', () => {
    const { m, out } = merger();
    m.track('a');
    m.record(ready('a', 0) as Extract<TracerRecord, { lane: string }>);
    m.record({ t: 'print', lane: 'a', stream: 'stdout', text: 'late', tsUs: 6000 });
    m.record({ t: 'state', lane: 'a', state: 'waiting', detail: 'time.sleep(0.002)', cpuUs: null, tsUs: 3000 });
    m.os([seg('a', 0, 3000, 'cpu', 3000), seg('a', 3000, 8000, 'sleep', 0, 'hrtimer_nanosleep')]);
    m.advance(4000);
    expect(out.map((r) => r.t)).toEqual(['ready', 'state']);
    m.advance(8000);
    expect(out.map((r) => r.t)).toEqual(['ready', 'state', 'print']);
    expect(out[1]).toMatchObject({ state: 'waiting', detail: 'time.sleep(0.002)', cpuUs: 3000, tsUs: 3000 });
  });

  test('lanes it does not track pass straight through', () => {
    const { m, out } = merger();
    m.record({ t: 'print', lane: 'task', stream: 'stderr', text: 'hi', tsUs: 5 });
    expect(out).toEqual([{ t: 'print', lane: 'task', stream: 'stderr', text: 'hi', tsUs: 5 }]);
  });

  test('start-up CPU: the ready record says what the thread used before it; the first sample, what it used since', () => {
    const { m, out } = merger();
    m.track('a');
    m.record(ready('a', 0, 30_000) as Extract<TracerRecord, { lane: string }>);
    // First read 1 ms after ready: 31.5 ms used, 1.5 ms of it since ready.
    m.base('a', 31_500);
    m.os([seg('a', 0, 4000, 'cpu', 2000), seg('a', 4000, 6000, 'sleep', 0, 'hrtimer_nanosleep')]);
    m.record({ t: 'state', lane: 'a', state: 'waiting', detail: 'time.sleep(0.002)', cpuUs: null, tsUs: 4000 });
    m.flush();
    expect(out[0]).toMatchObject({ t: 'ready', cpuUs: 30_000 });
    expect(out[1]).toMatchObject({ state: 'waiting', cpuUs: 3500, tsUs: 4000 });
  });

  test('a thread that ends with more CPU than the samples caught gives the rest to its last span', () => {
    const { m, out } = merger();
    m.track('a');
    m.record(ready('a', 0, 0) as Extract<TracerRecord, { lane: string }>);
    m.os([seg('a', 0, 4000, 'cpu', 2500)]);
    m.record({ t: 'done', lane: 'a', soloUs: null, error: null, cpuUs: 3900, printed: null, tsUs: 4000 });
    m.record({ t: 'exit', lane: 'a', code: 0, signal: null, tsUs: 4000 });
    m.flush();
    expect(out.find((r) => r.t === 'state')).toMatchObject({ state: 'running', cpuUs: 3900, tsUs: 4000 });
  });

  test('an exit closes the last running span with its CPU, and nothing follows it', () => {
    const { m, out } = merger();
    m.track('a');
    m.record(ready('a', 0) as Extract<TracerRecord, { lane: string }>);
    m.record({ t: 'exit', lane: 'a', code: 0, signal: null, tsUs: 2000 });
    m.os([seg('a', 0, 4000, 'cpu', 4000)]);
    m.flush();
    expect(out.map((r) => r.t)).toEqual(['ready', 'state', 'exit']);
    expect(out[1]).toMatchObject({ state: 'running', cpuUs: 2000, tsUs: 2000 });
  });
});
