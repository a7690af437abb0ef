/**
 * `npm run bench`: timing figures, measured through the real CLI and the
 * traces it writes (nothing here is simulated). Prints a Markdown table to
 * paste into docs/BENCHMARKS.md. Runs each case several times and reports
 * the median, as ratios where possible.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'out/main/cli.js');
const scratch = mkdtempSync(join(tmpdir(), 'kitchen-bench-'));
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
// BENCH_ONLY=overhead measures the tracer's overhead on the Python scripts and nothing else, with
// BENCH_PY_TURNS turns (21 by default): more turns, a tighter median. BENCH_ONLY=phases measures only
// where a traced run of the multiprocessing lesson spends its extra time, step by step.
// BENCH_ONLY=instructions counts the instructions the Python scripts execute, untraced and traced
// (Valgrind's cachegrind: the same count every run, whatever else the machine is doing).
// BENCH_ONLY=gil measures only how much CPU-bound threads under the GIL are drawn running at once.
// BENCH_ONLY=scale measures only opening 100k- and 1M-span traces, here and in speedscope (bench/scale.mjs).
// BENCH_ONLY=matrix runs only the model matrix (`kitchen matrix --json`, 3 times): each cell's median.
const ONLY = process.env.BENCH_ONLY ?? null;
const MODES = ['overhead', 'phases', 'instructions', 'gil', 'scale', 'matrix'];
if (ONLY !== null && !MODES.includes(ONLY))
  throw new Error(`BENCH_ONLY: expected one of ${MODES.join(', ')}, not ${JSON.stringify(ONLY)}`);
const PY_TURNS = Number(process.env.BENCH_PY_TURNS ?? Math.max(REPEAT, 21));

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/**
 * Half the interquartile range, as a percentage of the median: how much runs vary by themselves.
 * @param {number[]} xs
 */
const spread = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const q = (/** @type {number} */ f) => sorted[Math.floor(f * (sorted.length - 1))];
  return (50 * (q(0.75) - q(0.25))) / median(xs);
};
/** @param {number} us */
const ms = (us) => `${(us / 1000).toFixed(0)} ms`;

/** @typedef {{ ph: string, name: string, pid: number, tid: number, ts: number, dur: number, args: { state?: string, name?: string } }} TraceEvent */
/** @typedef {{ traceEvents: TraceEvent[], otherData: { summary: { wallUs: number, peakCores: number, speedup: number, samplingHz: number | null, workers: { coresBusy: number } | null } } }} Trace */

/**
 * Runs a scenario through the CLI and returns its trace.
 * @param {string} scenario
 * @param {Record<string, number>} params
 * @returns {Trace}
 */
function trace(scenario, params) {
  const out = join(scratch, `${scenario}.json`);
  const args = [
    cli,
    'run',
    scenario,
    '--out',
    out,
    ...Object.entries(params).flatMap(([k, v]) => ['--param', `${k}=${v}`]),
  ];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`kitchen run ${scenario} failed:\n${result.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

/**
 * Time covered by both lists of [start, end] intervals.
 * @param {[number, number][]} a
 * @param {[number, number][]} b
 */
function overlap(a, b) {
  let total = 0;
  for (const [s1, e1] of a) for (const [s2, e2] of b) total += Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
  return total;
}

/**
 * Running spans per lane (by tid), as [start, end] in µs.
 * @param {Trace} t
 */
function runningByLane(t) {
  /** @type {Map<number, [number, number][]>} */
  const lanes = new Map();
  for (const e of t.traceEvents) {
    if (e.ph !== 'X' || e.args.state !== 'running') continue;
    lanes.set(e.tid, [...(lanes.get(e.tid) ?? []), [e.ts, e.ts + e.dur]]);
  }
  return [...lanes.values()];
}

/** CPU time used so far by every Chromium process, in clock ticks (1/100 s). */
function chromiumTicks() {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      if (!/\((chromium|chrome)/.test(stat)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks;
}

/** @param {[number, number][]} spans */
const busy = (spans) => spans.reduce((t, [s, e]) => t + e - s, 0);

/**
 * Time during which at least `k` of the intervals are open.
 * @param {[number, number][]} intervals
 * @param {number} k
 */
function atLeast(intervals, k) {
  const edges = intervals.flatMap(([s, e]) => [/** @type {[number, number]} */ ([s, 1]), [e, -1]]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let since = 0;
  let total = 0;
  for (const [t, d] of edges) {
    if (open < k && open + d >= k) since = t;
    if (open >= k && open + d < k) total += t - since;
    open += d;
  }
  return total;
}

/**
 * CPU-bound threads under the GIL: the share of the time any of them is drawn running during which two
 * or more are (at most one holds the GIL at any instant; what shows is the sampler's resolution).
 * @param {number} workers
 */
function gilOverlap(workers) {
  const shares = Array.from({ length: Math.max(REPEAT, 6) }, () => {
    const t = trace('py-threads-cpu', { workers, work: 2500 });
    const names = new Map(
      t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [e.tid, e.args.name]),
    );
    const running = t.traceEvents
      .filter((e) => e.ph === 'X' && e.args.state === 'running' && /^Worker-/.test(names.get(e.tid) ?? ''))
      .map((e) => /** @type {[number, number]} */ ([e.ts, e.ts + e.dur]));
    return (100 * atLeast(running, 2)) / atLeast(running, 1);
  });
  const sorted = [...shares].sort((a, b) => a - b);
  return [
    `py-threads-cpu (${workers} workers): drawn running at once`,
    `median ${median(shares).toFixed(1)}% of the time any ran (${sorted[0].toFixed(1)}–${sorted.at(-1)?.toFixed(1)}% over ${shares.length} runs)`,
  ];
}

const rows = [];
if (ONLY === null || ONLY === 'gil') for (const workers of [2, 4]) rows.push(gilOverlap(workers));

if (ONLY === null) {
  // 1. The chef pair: how much of the cooks' running time overlaps, and what the OS measured.
  for (const scenario of ['chef-concurrent', 'chef-parallel']) {
    const runs = Array.from({ length: REPEAT }, () => trace(scenario, {}));
    const ratio = runs.map((t) => {
      const [a, b] = runningByLane(t);
      return overlap(a, b) / Math.min(busy(a), busy(b));
    });
    const s = runs.map((t) => t.otherData.summary);
    rows.push([
      `${scenario} (defaults)`,
      `running overlap ${(100 * median(ratio)).toFixed(0)}% of the shorter lane's running time; ` +
        `wall ${ms(median(s.map((x) => x.wallUs)))}; peak ${median(s.map((x) => x.peakCores)).toFixed(2)} cores; ` +
        `speedup ${median(s.map((x) => x.speedup)).toFixed(2)}× vs one after another`,
    ]);
  }

  // 2. Start-up cost: a worker thread versus a child process (the grey "starting" spans).
  for (const [scenario, kind] of [
    ['node-threads', 'thread'],
    ['node-processes', 'process'],
  ]) {
    const starts = Array.from({ length: REPEAT }, () => trace(scenario, { work: 1, waitMs: 0 })).flatMap((t) =>
      t.traceEvents.filter((e) => e.ph === 'X' && e.args.state === 'starting').map((e) => e.dur),
    );
    rows.push([`start-up of one ${kind} (${scenario})`, `median ${ms(median(starts))} over ${starts.length} lanes`]);
  }

  // 3. Stop: from SIGINT to the CLI's exit, with every process it started gone.
  const stops = [];
  for (let i = 0; i < REPEAT; i++) {
    const out = join(scratch, `stop-${i}.json`);
    const child = spawn(
      process.execPath,
      [cli, 'run', 'node-processes', '--param', 'work=2000', '--param', 'waitMs=9000', '--out', out],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    let seen = '';
    await new Promise((resolve) => {
      child.stdout.on('data', (d) => {
        seen += d;
        if (seen.includes('Task 1 is running') && seen.includes('Task 2 is running')) resolve(undefined);
      });
    });
    const t0 = performance.now();
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    stops.push(performance.now() - t0);
    const pids = [
      ...new Set(JSON.parse(readFileSync(out, 'utf8')).traceEvents.map((/** @type {{pid: number}} */ e) => e.pid)),
    ];
    const alive = pids.filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
        return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
      } catch {
        return false;
      }
    });
    if (alive.length > 0) throw new Error(`processes still alive after stop: ${alive.join(', ')}`);
  }
  rows.push([
    'stop node-processes (3 processes, 2 of them grandchildren)',
    `median ${median(stops).toFixed(0)} ms from SIGINT to exit, none left`,
  ]);
}

// 4. The Python runtime: the tracer's cost, the sampler's rate, the GIL, the shared clock.
const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
if (python) {
  const lessons = join(root, 'resources/python/lessons');
  const cases = [
    ...['py_threading.py', 'py_multiprocessing.py', 'py_asyncio.py', 'py_threads_cpu.py', 'py_processes_cpu.py'].map(
      (lesson) => join(lessons, lesson),
    ),
    join(root, 'bench/python/call_heavy.py'),
  ];
  /** @type {number[]} */
  const hz = [];
  /** The script's own life under `kitchen trace`: its main process lane, from spawn to exit. */
  const tracedMs = (/** @type {string} */ path, /** @type {NodeJS.ProcessEnv} */ env) => {
    const out = join(scratch, 'py.json');
    spawnSync(process.execPath, [cli, 'trace', '--out', out, '--', python, path], {
      cwd: lessons,
      stdio: 'ignore',
      env: { ...process.env, ...env },
    });
    /** @type {Trace} */
    const t = JSON.parse(readFileSync(out, 'utf8'));
    const main = mainLane(t);
    return { ms: (main.endUs - main.startUs) / 1000, hz: t.otherData.summary.samplingHz };
  };
  const measureOverhead = ONLY === null || ONLY === 'overhead';
  const speedsBefore = measureOverhead ? coreSpeeds(python) : null;
  for (const path of measureOverhead ? cases : []) {
    /** @type {number[]} */
    const plain = [];
    /** @type {number[]} */
    const traced = [];
    /** @type {number[]} */
    const alone = [];
    // The three kinds of run take turns, so a slow spell of this shared machine hits all of them alike,
    // in an order that rotates, so none always follows the same one (on this VM a run is faster or
    // slower after a sampled one). "Alone" turns the OS sampler off: the tracer's own cost. "Traced" is
    // what the app does by default.
    const kinds = [
      () => {
        const t = performance.now();
        spawnSync(python, [path], { cwd: lessons, stdio: 'ignore' });
        plain.push(performance.now() - t);
      },
      () => alone.push(tracedMs(path, { KITCHEN_SAMPLE_US: '0' }).ms),
      () => {
        const full = tracedMs(path, {});
        traced.push(full.ms);
        if (full.hz) hz.push(full.hz);
      },
    ];
    for (let i = 0; i < PY_TURNS; i++) for (let k = 0; k < 3; k++) kinds[(i + k) % 3]();
    // Each turn's traced run over the same turn's untraced one: drift between turns cancels out. The
    // median of those ratios, and the middle half of them (how far to trust it).
    /** @param {number[]} runs */
    const ratios = (runs) => {
      const r = runs.map((ms, i) => ms / plain[i]).sort((a, b) => a - b);
      const at = (/** @type {number} */ q) => r[Math.round(q * (r.length - 1))].toFixed(3);
      return `${at(0.5)}× (middle half ${at(0.25)}–${at(0.75)})`;
    };
    rows.push([
      `tracer overhead: ${basename(path)}`,
      `tracer ${ratios(alone)} the untraced run (sampler off); tracer and 1 kHz sampler ${ratios(traced)}; ` +
        `${median(plain).toFixed(0)} → ${median(alone).toFixed(0)} / ${median(traced).toFixed(0)} ms wall; ` +
        `untraced runs alone vary ±${spread(plain).toFixed(0)}%`,
    ]);
  }
  if (speedsBefore) {
    const after = coreSpeeds(python);
    if (after)
      rows.push([
        'speed of each core before / after the overhead runs (a fixed loop pinned to it, best of 5)',
        `${speedsBefore.map((ms, cpu) => `cpu${cpu} ${ms.toFixed(1)} / ${after[cpu].toFixed(1)} ms`).join(', ')}`,
      ]);
  }
  if (hz.length > 0)
    rows.push(['OS scheduler sampling rate (Linux /proc)', `median ${median(hz)} Hz over ${hz.length} traced runs`]);
  if (ONLY === null || ONLY === 'instructions')
    for (const row of await instructions(python, lessons, cases)) rows.push(row);
  if (ONLY === null || ONLY === 'phases') for (const row of phases(lessons)) rows.push(row);
  if (ONLY === null) {
    // What the tracer costs around fork(): page faults and CPU per forked child, and the parent's faults per fork.
    const forks = join(root, 'bench/python/fork_children.py');
    /** @param {string[]} command @param {NodeJS.ProcessEnv} env */
    const forkCost = (command, env) => {
      const result = spawnSync(command[0], command.slice(1), {
        cwd: lessons,
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, ...env },
      });
      const m = /FORKS child-faults (\S+) child-cpu-ms (\S+) parent-faults (\S+)/.exec(result.stderr ?? '');
      return m ? { faults: Number(m[1]), cpu: Number(m[2]), parent: Number(m[3]) } : null;
    };
    /** @type {({ faults: number, cpu: number, parent: number } | null)[]} */
    const plainForks = [];
    /** @type {({ faults: number, cpu: number, parent: number } | null)[]} */
    const tracedForks = [];
    for (let i = 0; i < REPEAT; i++) {
      plainForks.push(forkCost([python, forks], {}));
      tracedForks.push(forkCost([process.execPath, cli, 'trace', '--', python, forks], { KITCHEN_SAMPLE_US: '0' }));
    }
    /** @param {({faults: number, cpu: number, parent: number} | null)[]} runs @param {'faults' | 'cpu' | 'parent'} key */
    const mid = (runs, key) => median(runs.flatMap((r) => (r ? [r[key]] : [])));
    rows.push([
      'per forked child (20 multiprocessing children, sampler off)',
      `page faults ${mid(plainForks, 'faults').toFixed(0)} untraced → ${mid(tracedForks, 'faults').toFixed(0)} traced; ` +
        `CPU ${mid(plainForks, 'cpu').toFixed(1)} → ${mid(tracedForks, 'cpu').toFixed(1)} ms; ` +
        `the parent's page faults per fork ${mid(plainForks, 'parent').toFixed(0)} → ${mid(tracedForks, 'parent').toFixed(0)}`,
    ]);

    for (const scenario of ['py-threads-cpu', 'py-processes-cpu']) {
      const runs = Array.from({ length: REPEAT }, () => trace(scenario, {}));
      const ratio = runs.map((t) => {
        const names = new Map(
          t.traceEvents
            .filter((e) => e.ph === 'M' && e.name === 'thread_name')
            .map((e) => [`${e.pid}:${e.tid}`, e.args.name]),
        );
        /** @param {string} name */
        const running = (name) =>
          t.traceEvents
            .filter((e) => e.ph === 'X' && e.args.state === 'running' && names.get(`${e.pid}:${e.tid}`) === name)
            .map((e) => /** @type {[number, number]} */ ([e.ts, e.ts + e.dur]));
        const a = running('Worker-1');
        const b = running('Worker-2');
        return overlap(a, b) / Math.min(busy(a), busy(b));
      });
      const s = runs.map((t) => t.otherData.summary);
      rows.push([
        `${scenario} (2 workers)`,
        `workers' running overlap ${(100 * median(ratio)).toFixed(0)}% of the shorter one's; ` +
          `${median(s.map((x) => x.workers?.coresBusy ?? 0)).toFixed(2)} cores busy while they ran; ` +
          `wall ${ms(median(s.map((x) => x.wallUs)))}`,
      ]);
    }

    const clock = spawn(python, [join(root, 'tests/python/scripts/clock.py')], { stdio: ['pipe', 'pipe', 'ignore'] });
    clock.stdout.setEncoding('utf8');
    const samples = [];
    for (let i = 0; i < 200; i++) {
      const before = process.hrtime.bigint();
      const answer = new Promise((resolve) => clock.stdout.once('data', resolve));
      clock.stdin.write('\n');
      const pythonNs = BigInt(String(await answer).trim());
      const after = process.hrtime.bigint();
      samples.push({ skew: Number(pythonNs - (before + after) / 2n) / 1000, rtt: Number(after - before) / 1000 });
    }
    clock.stdin.end();
    const best = samples.sort((a, b) => a.rtt - b.rtt).slice(0, 20);
    rows.push([
      "clock skew, Python's perf_counter_ns vs Node's hrtime",
      `median ${median(best.map((x) => Math.abs(x.skew))).toFixed(1)} µs over the 20 fastest of 200 round trips (round trip ${median(best.map((x) => x.rtt)).toFixed(0)} µs)`,
    ]);
  }
}

/**
 * How fast each core is right now: the best of 5 runs of a fixed Python loop pinned to it (Linux,
 * `taskset`), in ms. On a virtual machine one core can be much slower than the other for seconds at a
 * time (its host shares it), which moves a run's time by more than the tracer's cost. Null elsewhere.
 * @param {string} python
 * @returns {number[] | null}
 */
function coreSpeeds(python) {
  if (process.platform !== 'linux' || spawnSync('taskset', ['-V']).status !== 0) return null;
  const loop =
    'import time\nt=time.perf_counter_ns()\nx=0\nfor i in range(300000): x+=i\nprint(time.perf_counter_ns()-t)';
  return Array.from({ length: availableParallelism() }, (_, cpu) => {
    const times = Array.from({ length: 5 }, () =>
      Number(spawnSync('taskset', ['-c', String(cpu), python, '-c', loop], { encoding: 'utf8' }).stdout),
    );
    return times.reduce((a, b) => Math.min(a, b), Infinity) / 1e6;
  });
}

/**
 * Instructions executed by every process of each script, untraced and traced, counted by Valgrind's
 * cachegrind: a count that does not depend on what else the machine is doing, where wall time does.
 * Traced runs load the tracer as the engine starts it (sitecustomize on PYTHONPATH) and send their
 * records to a socket that discards them. Python's hash seed is fixed so both runs do the same work.
 * @param {string} python
 * @param {string} lessons where the scripts run
 * @param {string[]} cases the scripts' paths
 * @returns {Promise<[string, string][]>}
 */
async function instructions(python, lessons, cases) {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.error('instructions: skipped, valgrind is not installed');
    return [];
  }
  const tracer = join(scratch, 'tracer');
  mkdirSync(tracer);
  for (const file of ['kitchen_tracer.py', 'sitecustomize.py'])
    copyFileSync(join(root, 'resources/python', file), join(tracer, file));
  // Compiled once here (as the engine does in its cache), not in the measured runs.
  spawnSync(python, ['-m', 'compileall', '-q', tracer]);
  const socket = join(scratch, 'discard.sock');
  const server = createServer((c) => c.resume());
  await new Promise((resolve) => server.listen(socket, () => resolve(undefined)));
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, PYTHONHASHSEED: '0' };
  delete env.PYTHONDONTWRITEBYTECODE;
  delete env.PYTHONUNBUFFERED;
  /**
   * @param {string[]} args
   * @param {NodeJS.ProcessEnv} runEnv
   * @returns {Promise<{ total: number, processes: number }>}
   */
  const count = (args, runEnv) =>
    new Promise((resolve) => {
      const child = spawn(
        'valgrind',
        ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', ...args],
        {
          cwd: lessons,
          env: runEnv,
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('close', () => {
        const counts = [...err.matchAll(/==\d+== I\s+refs:\s+([\d,]+)/g)].map((m) => Number(m[1].replaceAll(',', '')));
        resolve({ total: counts.reduce((a, b) => a + b, 0), processes: counts.length });
      });
    });
  /** @type {[string, string][]} */
  const out = [];
  for (const path of cases) {
    spawnSync(python, [path], { cwd: lessons, stdio: 'ignore', env }); // compiles what the script imports
    const plain = await count([python, path], env);
    const traced = await count([python, path], {
      ...env,
      PYTHONPATH: tracer,
      KITCHEN_TRACE_SOCKET: socket,
      KITCHEN_T0_NS: String(process.hrtime.bigint()),
      PYTHONUNBUFFERED: '1',
    });
    const m = (/** @type {number} */ n) => `${(n / 1e6).toFixed(1)} M`;
    out.push([
      `instructions: ${basename(path)}`,
      `${((100 * (traced.total - plain.total)) / plain.total).toFixed(2)}% traced (${m(plain.total)} → ` +
        `${m(traced.total)} over ${traced.processes} process${traced.processes === 1 ? '' : 'es'})`,
    ]);
  }
  server.close();
  return out;
}

/**
 * A Python script's main process lane in a trace from `kitchen trace`: from the spawn to the exit, in µs.
 * @param {Trace} trace
 */
function mainLane(trace) {
  const mainPid = trace.traceEvents.find((e) => e.ph === 'X')?.pid;
  const main = trace.traceEvents.filter((e) => e.ph === 'X' && e.pid === mainPid && e.tid === mainPid);
  return {
    startUs: main.reduce((t, e) => Math.min(t, e.ts), Infinity),
    endUs: main.reduce((t, e) => Math.max(t, e.ts + e.dur), -Infinity),
  };
}

/**
 * Where a traced run of the multiprocessing lesson spends its extra time: the script marks each step
 * (bench/python/mp_phases.py), untraced and traced runs (sampler off) take turns, and each step's
 * traced-minus-untraced difference is taken per turn, then the median. Linux and macOS: it forks.
 * @param {string} lessons
 * @returns {[string, string][]}
 */
function phases(lessons) {
  const script = join(root, 'bench/python/mp_phases.py');
  /** @param {string} stderr @param {number} startUs @param {number} endUs */
  const steps = (stderr, startUs, endUs) => {
    /** @type {Record<string, number>} */
    const at = {};
    for (const line of stderr.split('\n')) {
      if (!line.startsWith('PHASES ')) continue;
      for (const pair of line.slice(7).split(' ')) {
        const [name, us] = pair.split('=');
        at[name] ??= Number(us) - startUs;
      }
    }
    /** @type {[string, number][]} */
    const out = [
      ['start-up: spawn to the script’s first line', at.main],
      ['the parent starts the first process', at.start2 - at.start1],
      ['the parent starts the second process', at.started - at.start2],
      ['the second process: fork to its task’s first line', at['c2-run'] - at['pre-fork2']],
      ['… of which the fork and the after-fork hooks', at['c2-forked'] - at['pre-fork2']],
      ['… then until multiprocessing bootstraps it', at['c2-bootstrap'] - at['c2-forked']],
      ['… then the bootstrap, until the task runs', at['c2-run'] - at['c2-bootstrap']],
      ['the second process: print, then sleep 0.2 s', at['c2-slept'] - at['c2-run']],
      ['the second process’s end, until the parent’s join returns', at.join2 - at['c2-slept']],
      ['the parent: after the last join, until it has exited', endUs - startUs - at.join2],
      ['whole run', endUs - startUs],
    ];
    return out.every(([, us]) => Number.isFinite(us)) ? out : null;
  };
  /** @type {[string, number][][]} */
  const plain = [];
  /** @type {[string, number][][]} */
  const traced = [];
  const out = join(scratch, 'phases.json');
  const runPlain = () => {
    const t0 = process.hrtime.bigint();
    const p = spawnSync(python, [script], {
      cwd: lessons,
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, BENCH_T0_NS: t0.toString() },
    });
    return steps(p.stderr ?? '', 0, Number(process.hrtime.bigint() - t0) / 1000);
  };
  const runTraced = () => {
    const t = spawnSync(process.execPath, [cli, 'trace', '--out', out, '--', python, script], {
      cwd: lessons,
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, KITCHEN_SAMPLE_US: '0' },
    });
    const main = mainLane(JSON.parse(readFileSync(out, 'utf8')));
    return steps(t.stderr ?? '', main.startUs, main.endUs);
  };
  for (let i = 0; i < PY_TURNS; i++) {
    // Each goes first every other turn, as in the overhead runs above.
    const [plainSteps, tracedSteps] = i % 2 === 0 ? [runPlain(), runTraced()] : [runTraced(), runPlain()].reverse();
    if (plainSteps && tracedSteps) {
      plain.push(plainSteps);
      traced.push(tracedSteps);
    }
  }
  if (plain.length === 0) return [['multiprocessing lesson, step by step', 'no complete run (see mp_phases.py)']];
  return plain[0].map(([name], k) => {
    const a = median(plain.map((run) => run[k][1]));
    const b = median(traced.map((run) => run[k][1]));
    const d = median(traced.map((run, i) => run[k][1] - plain[i][k][1]));
    return [
      `multiprocessing lesson, ${name}`,
      `${(a / 1000).toFixed(1)} ms untraced, ${(b / 1000).toFixed(1)} ms traced: ` +
        `${Math.abs(d) < 50 ? '±' : d > 0 ? '+' : '−'}${Math.abs(d / 1000).toFixed(1)} ms ` +
        `(median over ${plain.length} turns of each turn’s difference)`,
    ];
  });
}

// 5. The UI in browser mode: page load, and the CPU Chromium takes to draw a live run (the app shares
// the machine with the workload it measures, so this is work the workload does not get).
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (ONLY === null && process.platform === 'linux' && existsSync(chromiumPath)) {
  const { chromium } = await import('@playwright/test');
  const server = spawn(process.execPath, [join(root, 'out/main/web.js'), '--port', '0', '--no-open'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise((resolve) => {
    server.stdout.on('data', (d) => {
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(String(d));
      if (match) resolve(match[0]);
    });
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--disable-gpu', '--disable-background-networking'],
  });
  const loads = [];
  const cpu = [];
  for (let i = 0; i < REPEAT; i++) {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(String(url));
    loads.push(Number(await page.evaluate('performance.getEntriesByType("navigation")[0].loadEventEnd')));
    await page.getByRole('radio', { name: /node-async/ }).check();
    await page.getByRole('spinbutton', { name: /Wait per task/ }).fill('4000');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForTimeout(800);
    const before = chromiumTicks();
    await page.waitForTimeout(2000);
    cpu.push((chromiumTicks() - before) / 2);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.close();
  }
  // The Kitchen tab animates the cooks who chop: what that costs while two Python processes compute.
  /** @type {Record<string, number[]>} */
  const byTab = { Kitchen: [], Console: [] };
  if (python) {
    for (let i = 0; i < REPEAT; i++) {
      for (const tab of ['Kitchen', 'Console']) {
        const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
        await page.goto(String(url));
        await page.getByRole('radio', { name: /py-processes-cpu/ }).check();
        await page.getByRole('spinbutton', { name: /Work per worker/ }).fill('60000');
        await page.getByRole('button', { name: 'Run', exact: true }).click();
        await page.getByRole('tab', { name: tab, exact: true }).click();
        await page.waitForTimeout(800);
        const before = chromiumTicks();
        await page.waitForTimeout(2000);
        byTab[tab].push((chromiumTicks() - before) / 2);
        const stop = page.getByRole('button', { name: 'Stop', exact: true });
        if (await stop.isEnabled()) await stop.click();
        await page.close();
      }
    }
  }
  await browser.close();
  server.kill('SIGTERM');
  rows.push(['browser mode: page load (navigation start to load event)', `median ${median(loads).toFixed(0)} ms`]);
  if (byTab.Kitchen.length > 0) {
    rows.push([
      'browser mode: Chromium CPU while py-processes-cpu computes (Kitchen tab / Console tab)',
      `median ${median(byTab.Kitchen).toFixed(0)}% / ${median(byTab.Console).toFixed(0)}% of one core`,
    ]);
  }
  rows.push([
    'browser mode: Chromium CPU while a run is drawn live (1920×1080, software rendering)',
    `median ${median(cpu).toFixed(0)}% of one core`,
  ]);
}

if ((ONLY === null || ONLY === 'scale') && existsSync(chromiumPath)) {
  const { scaleBench } = await import('./scale.mjs');
  for (const row of await scaleBench({ root, scratch, chromiumPath, repeat: Math.max(3, Math.min(REPEAT, 5)) }))
    rows.push(row);
}

if (ONLY === null || ONLY === 'matrix') {
  // Section 5's model matrix with its defaults: 8 pages of 300 ms, 8 ranges of 60,000 numbers.
  const turns = Math.max(3, Math.min(REPEAT, 5));
  /** @type {Map<string, {wallMs: number[], speedup: number[]}>} */
  const cells = new Map();
  for (let turn = 0; turn < turns; turn++) {
    const file = join(scratch, `matrix-${turn}.json`);
    const result = spawnSync(process.execPath, [cli, 'matrix', '--json', file], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`kitchen matrix failed: ${result.stderr}`);
    for (const c of JSON.parse(readFileSync(file, 'utf8'))) {
      const key = `${c.workload} / ${c.model}`;
      const entry = cells.get(key) ?? { wallMs: [], speedup: [] };
      entry.wallMs.push(c.wallMs);
      entry.speedup.push(c.speedup);
      cells.set(key, entry);
    }
  }
  for (const [key, { wallMs, speedup }] of cells)
    rows.push([
      `model matrix: ${key} (wall time, speedup against sequential; median of ${turns} matrices)`,
      `${median(wallMs).toFixed(0)} ms, ${median(speedup).toFixed(2)}× (range ${speedup.reduce((a, b) => Math.min(a, b)).toFixed(2)}–${speedup.reduce((a, b) => Math.max(a, b)).toFixed(2)}×)`,
    ]);
}

rmSync(scratch, { recursive: true, force: true });
console.log(
  `Machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ` +
    `median of ${REPEAT} runs (${PY_TURNS} turns for the tracer's overhead)\n`,
);
console.log('| case | result |\n| --- | --- |');
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
