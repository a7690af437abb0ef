import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findPython } from '../../src-main/engine/python/interpreter';
import { CORES_PID, toChromeTrace } from '../../src-shared/trace-export';
import type { Timeline } from '../../src-shared/timeline';
import { LOOP_BUSY } from '../../src-main/protocol/events';
import { finished, makeEngine, spansOf, totalUs, type Finished } from '../engine/helpers';

/**
 * Every claim the app makes about a script, checked against what the script
 * measured itself: its own names, clocks, pids, exit codes and CPU time.
 * One script per kind of program a new user would try (scripts/fidelity).
 */

const SCRIPTS = resolve(import.meta.dirname, 'scripts', 'fidelity');
const script = (name: string) => join(SCRIPTS, name);
const linux = process.platform === 'linux';
const python = await findPython(null);
const version = python.version.split('.').map(Number);

/** Traces a script of scripts/fidelity with the engine, as the app does. */
async function trace(name: string, args: string[] = []): Promise<Finished> {
  return finished(await makeEngine().startScript({ script: script(name), args }));
}

/** What the traced script printed on stdout (the console, in order). */
const printed = (f: Finished): string[] =>
  f.run.events.flatMap((e) => (e.type === 'console' && e.stream === 'stdout' ? [e.text] : []));

const laneNamed = (timeline: Timeline, name: string) => {
  const found = timeline.lanes.find((l) => l.info.name === name);
  if (!found) throw new Error(`no lane ${name}: ${timeline.lanes.map((l) => l.info.name).join(', ')}`);
  return found;
};

describe('1. task names', () => {
  test('a lane carries its task’s current name, however it was named, with its coroutine as detail', async () => {
    const f = await trace('task_names.py');
    // The names asyncio itself reports at the end, printed by the script.
    const names = JSON.parse(printed(f)[0]) as string[];
    expect(names).toEqual(['fetch-a', 'renamed-b', 'second-name', ...(version[1] >= 11 ? ['in-group'] : [])]);
    const tasks = f.timeline.lanes.filter((l) => l.info.kind === 'task');
    for (const name of names) expect(tasks.find((t) => t.info.name === name)?.info.detail).toBe('coroutine fetch()');
    // The trace names the lane as the app does, without a kind suffix.
    const chrome = toChromeTrace(f.run.model!, f.summary, process.pid, 'engine');
    const laneNames = chrome.traceEvents.flatMap((e) =>
      e.ph === 'M' && e.name === 'thread_name' ? [e.args.name] : [],
    );
    for (const name of names) expect(laneNames).toContain(name);
    expect(laneNames.some((n) => n?.endsWith('(task)'))).toBe(false);
  });
});

describe('2. waiting for the GIL, only on evidence', () => {
  test.runIf(linux)('idle pool workers, a to_thread worker and a lock waiter are not waiting for the GIL', async () => {
    const f = await trace('idle_workers.py');
    expect(printed(f).at(-1)).toMatch(/^computed for 0\.\d+ s$/);
    const idle = f.timeline.lanes.filter((l) => /^pool_\d$|^waits-on-a-lock$/.test(l.info.name));
    expect(idle).toHaveLength(4);
    for (const lane of idle) {
      const gil = totalUs(spansOf(f.timeline, lane.info.name, ['gil-wait']));
      const waiting = spansOf(f.timeline, lane.info.name, ['waiting']);
      // Asleep for the main thread's whole computation (about 0.6 s), and never said to want the GIL.
      expect(totalUs(waiting)).toBeGreaterThan(400_000);
      expect(gil).toBeLessThan(0.02 * totalUs(waiting));
      expect(waiting.some((s) => s.detail?.includes('futex'))).toBe(true);
    }
  });

  test.runIf(linux)('two threads computing at once do wait for the GIL', async () => {
    const f = await trace('cpu_threads.py');
    for (const name of ['counter-0', 'counter-1']) {
      expect(totalUs(spansOf(f.timeline, name, ['gil-wait']))).toBeGreaterThan(50_000);
    }
  });
});

describe('3. verdicts from evidence', () => {
  test.runIf(linux)('threads downloading pages overlapped their waits; the GIL is not blamed', async () => {
    const f = await trace('io_threads.py');
    const [, oneByOne, together] = /one after another ([\d.]+) s, on threads ([\d.]+) s/.exec(printed(f)[0]) ?? [];
    // The script's own measurement: on threads the downloads took far less than one after another.
    expect(Number(together)).toBeLessThan(0.6 * Number(oneByOne));
    expect(f.summary.verdict.rule).toBe('io-overlapped');
    expect(f.summary.verdict.sentence).not.toMatch(/GIL/);
  });

  test.runIf(linux)('CPU-bound threads: the GIL ran one at a time', async () => {
    const f = await trace('cpu_threads.py');
    expect(f.summary.verdict.rule).toBe('gil-serialised');
  });

  test('a script that does not compile gets no verdict on concurrency', async () => {
    const f = await finished(
      await makeEngine().startScript({ script: resolve(import.meta.dirname, 'scripts', 'syntax_error.py'), args: [] }),
    );
    expect(f.summary.verdict.rule).toBe('failed-before-work');
    expect(f.summary.verdict.sentence).toMatch(/SyntaxError/);
    expect(f.summary.verdict.sentence).not.toMatch(/concurren\w+ (without|paid)|parallelism:/i);
  });
});

describe('4. figures that hold together', () => {
  test.runIf(linux)(
    'a script ended by SIGTERM: CPU time measured as the OS accounted it, beside the sampling rate',
    async () => {
      const f = await trace('killed_by_sigterm.py');
      const own = Number(/process_time ([\d.]+)/.exec(printed(f)[0])?.[1]) * 1e6;
      expect(f.summary.samplingHz).toBeGreaterThan(100);
      expect(f.summary.cpuUs).not.toBeNull();
      // Its own count, taken just before it was killed: within 10% (the interpreter's start-up included).
      expect(Math.abs((f.summary.cpuUs ?? 0) - own)).toBeLessThan(0.1 * own);
      expect(f.ended.message).toMatch(/SIGTERM/);
    },
  );

  test.runIf(linux)('CPU time includes start-up: within 10% of what the script’s process_time says', async () => {
    const f = await trace('cpu_time.py');
    const own = Number(/process_time ([\d.]+)/.exec(printed(f)[0])?.[1]) * 1e6;
    expect(Math.abs((f.summary.cpuUs ?? 0) - own)).toBeLessThan(0.1 * own);
  });

  test.runIf(linux)('one thread with an event loop is never more than one core, however many tasks', async () => {
    const f = await trace('asyncio_alone.py');
    expect(f.summary.peakCores).toBeLessThanOrEqual(1);
    expect(f.summary.peakRunning).toBe(1);
    expect(f.summary.coresBusy).toBeLessThanOrEqual(1);
  });

  test.runIf(linux)('200 processes on this machine: no figure above its cores', async () => {
    const f = await trace('many_processes.py');
    const { cores } = f.summary;
    expect(f.timeline.lanes.filter((l) => l.info.kind === 'process')).toHaveLength(201);
    expect(f.summary.peakCores).toBeLessThanOrEqual(cores);
    expect(f.summary.coresBusy).toBeLessThanOrEqual(cores);
    expect(f.summary.peakRunning).toBeLessThanOrEqual(cores);
    expect(f.summary.workers?.coresBusy).toBeLessThanOrEqual(cores);
  });
});

describe('5 and 6. every lane, and big runs', () => {
  test('2,000 asyncio tasks: 2,000 task lanes, all in the summary', async () => {
    const f = await trace('many_tasks.py', ['2000']);
    expect(printed(f)).toContain('tasks 2000');
    // The script's 2,000, and asyncio.run's main task.
    expect(f.timeline.lanes.filter((l) => l.info.kind === 'task')).toHaveLength(2001);
    expect(f.summary.lanes).toHaveLength(f.timeline.lanes.length);
    expect(f.summary.lanesLeftOut).toBe(0);
    expect(f.summary.peakAlive).toBeGreaterThanOrEqual(2001);
  }, 60_000);

  test('about 200,000 spans: the run completes, its summary is whole and its trace holds every span', async () => {
    const f = await trace('many_awaits.py', ['500', '200']);
    expect(printed(f)).toContain('done 500 x 200');
    expect(f.ended.reason).toBe('completed');
    expect(f.summary.verdict.rule).not.toBe('no-summary');
    const spans = f.timeline.spans.filter((s) => f.timeline.lanes[s.laneId]?.info.kind === 'task');
    // Each task runs at least once per await: 100,000 running slices, and the waits between them.
    expect(spans.filter((s) => s.state === 'running').length).toBeGreaterThanOrEqual(100_000);
    const chrome = toChromeTrace(f.run.model!, f.summary, process.pid, 'engine');
    expect(chrome.traceEvents.filter((e) => e.ph === 'X' && e.pid !== CORES_PID)).toHaveLength(f.timeline.spans.length);
  }, 120_000);
});

describe('7. output', () => {
  test('bytes that are not UTF-8 are drawn; past the lines the chart keeps, the summary counts them all', async () => {
    const f = await trace('output_edges.py');
    const texts = f.timeline.instants.map((i) => i.text);
    // The byte 0xE9 is not UTF-8 on its own: drawn as what it is.
    expect(texts[0]).toBe('caf\\xe9 au lait');
    // One line of bytes, 6,000 printed and a last one without a newline: the chart keeps 5,000.
    expect(f.summary.output).toEqual({ printed: 6002, drawn: 5000 });
    expect(texts).toContain('… more lines were printed; the chart shows the first 5000');
  });

  test('a last line without a newline is drawn', async () => {
    const f = await trace('no_newline.py');
    expect(f.timeline.instants.map((i) => i.text)).toEqual(['first', 'the last line, without a newline']);
    expect(f.summary.output).toEqual({ printed: 2, drawn: 2 });
  });
});

describe('8. tracebacks', () => {
  test('a traced script’s tracebacks are the ones Python prints untraced', async () => {
    const untraced = spawnSync(python.executable, [script('tracebacks.py')], { encoding: 'utf8' });
    const f = await trace('tracebacks.py');
    const lines = (stream: 'stdout' | 'stderr') =>
      f.run.events.flatMap((e) => (e.type === 'console' && e.stream === stream ? [e.text] : []));
    expect(lines('stdout').join('\n')).toBe(untraced.stdout.trimEnd());
    expect(lines('stderr').join('\n')).toBe(untraced.stderr.trimEnd());
    expect(untraced.stdout).toContain('--- Future.result');
    expect(untraced.stderr).toContain('Exception in thread thrower');
  });
});

describe('9. exit status', () => {
  test.runIf(linux)('SIGTERM: kitchen trace exits 143 as a shell would, and says which signal', () => {
    const cli = resolve(import.meta.dirname, '../../bin/kitchen.js');
    const result = spawnSync(
      process.execPath,
      [cli, 'trace', '--', python.executable, script('killed_by_sigterm.py')],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(143);
    expect(result.stderr).toMatch(/exited with SIGTERM \(terminated\)/);
  });

  test.runIf(linux)(
    'a forked child reaped by its parent ends with the status the parent saw; a daemon thread is abandoned',
    async () => {
      const f = await trace('exits.py');
      for (const line of printed(f)) {
        const [, , pid, code] = /^(fork-\w+) (\d+) (-?\d+)$/.exec(line) ?? [];
        if (!pid) continue;
        const lane = f.timeline.lanes.find((l) => l.info.pid === Number(pid) && l.info.kind === 'process');
        expect(lane?.outcome).toEqual({ kind: 'exited', code: Number(code), signal: null });
      }
      expect(laneNamed(f.timeline, 'daemon-sleeper').outcome).toEqual({ kind: 'abandoned' });
    },
  );
});

describe('10. children that are not Python', () => {
  test.runIf(linux)('every program the script starts gets a lane: its command, its time, its status', async () => {
    const f = await trace('not_python_children.py');
    const out = printed(f);
    expect(out).toEqual(['sleep 0', expect.stringMatching(/^shell pid \d+ status 4$/), 'system 0']);
    const sleep = f.timeline.lanes.find((l) => l.info.name.startsWith('sleep 0.3 '));
    expect(sleep?.info.detail).toBe('sleep 0.3');
    expect(sleep?.outcome).toEqual({ kind: 'exited', code: 0, signal: null });
    expect((sleep?.endUs ?? 0) - (sleep?.info.spawnedUs ?? 0)).toBeGreaterThan(250_000);
    const shellPid = Number(/shell pid (\d+)/.exec(out[1])?.[1]);
    const shell = f.timeline.lanes.find((l) => l.info.pid === shellPid);
    expect(shell?.outcome).toEqual({ kind: 'exited', code: 4, signal: null });
    // The shell's own child, found by the OS sampler: the script never heard of it.
    expect(
      f.timeline.lanes.some((l) => l.info.parentLaneId === shell?.info.laneId && /^sleep 0\.2/.test(l.info.name)),
    ).toBe(true);
    // os.system's shell and its sleep.
    expect(f.timeline.lanes.some((l) => /^sleep 0\.1/.test(l.info.name))).toBe(true);
  });
});

describe('11. a blocked event loop', () => {
  test('a task whose timer ran out while another held the loop is ready and held back, for that long', async () => {
    const f = await trace('blocked_loop.py');
    const resumed = Number(/sleeper resumed after ([\d.]+) s/.exec(printed(f)[0])?.[1]) * 1e6;
    const held = spansOf(f.timeline, 'sleeper', ['blocked']).filter((s) => s.detail === LOOP_BUSY);
    // Due at 50 ms, resumed when the loop was free again (the script's own clock says when).
    const heldUs = totalUs(held);
    expect(heldUs).toBeGreaterThan(resumed - 50_000 - 30_000);
    expect(heldUs).toBeLessThan(resumed - 50_000 + 30_000);
    expect(spansOf(f.timeline, 'blocker', ['blocking'])[0]?.detail).toBe('time.sleep(0.3) holds the event loop');
    expect(f.summary.verdict.rule).toBe('loop-blocked');
  });
});
