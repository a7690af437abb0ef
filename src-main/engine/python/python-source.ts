import { basename, delimiter } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { PythonInfo } from '../../protocol/commands';
import { validateTracerRecord, type TracerRecord } from '../../protocol/tracer';
import { monoNs } from '../clock';
import type { ExitInfo } from '../records';
import { eachLine } from '../lines';
import type { RunSink, RunSource } from '../run';
import type { SamplerCommand, SamplerInit, SamplerReport, Watch } from '../sampler/messages';
import { LANE_KEY, LaneEnds, processPid } from './lane-ends';
import { prepareLaunch, type Launched, type Starter } from './launcher';
import { Merger } from './merge';
import { startRecordServer, type Connection, type RecordServer } from './record-server';
import { preparedTracerDir } from './tracer-dir';

/** A script to run under the tracer. */
export interface ScriptSpec {
  readonly python: PythonInfo;
  /** Options for the interpreter itself, before the script (e.g. `-X dev`). */
  readonly interpreterArgs: readonly string[];
  readonly script: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** resources/python: the tracer package and sitecustomize. */
  readonly tracerDir: string;
  /** The built sampler worker (`sampler.js`); null to run without sampling. */
  readonly samplerEntry: string | null;
  /** Let the script's stdout and stderr through to this process's own (the CLI) instead of the console. */
  readonly passthrough: boolean;
}

/** How far behind the sampler's coverage records are released: the socket may lag a little. */
const MARGIN_US = 20_000;
/** After the script's main process exits, how long its children get to finish. */
const ORPHAN_GRACE_MS = 2000;
/** After everything has ended, how long its output may take to come in (something may still hold a pipe). */
const DRAIN_MS = 500;

/** Console lines kept per run; the rest are counted, not kept (the CLI passes everything through). */
const MAX_CONSOLE_LINES = 5000;

/**
 * The sampling period: 1 ms, or KITCHEN_SAMPLE_US from 100 µs to 10 ms. 0 turns sampling off
 * (states from the tracer alone, as where there is no /proc). Slower than 100 Hz is refused: such
 * samples would draw a wrong picture (two threads caught runnable 100 ms apart look parallel).
 */
export function samplerIntervalUs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.KITCHEN_SAMPLE_US?.trim();
  const asked = text ? Number(text) : NaN;
  if (asked === 0) return 0;
  return Number.isFinite(asked) && asked >= 100 && asked <= 10_000 ? asked : 1000;
}

/** A lane name for a process found by the sampler: its program and arguments, shortened, and its pid. */
export function commandLaneName(command: string, pid: number): string {
  const [program = 'process', ...args] = command.split(' ');
  const words = [basename(program), ...args].join(' ');
  return `${words.length > 60 ? `${words.slice(0, 59)}…` : words} (pid ${pid})`;
}

/** The set kept for the process a lane key belongs to (made on first use), or null for a key of no process. */
function byPid(map: Map<number, Set<string>>, key: string): Set<string> | null {
  const pid = Number(LANE_KEY.exec(key)?.[1]);
  if (!Number.isInteger(pid)) return null;
  let set = map.get(pid);
  if (!set) map.set(pid, (set = new Set()));
  return set;
}

/**
 * The Python runtime: runs a script under the stdlib tracer, one record
 * connection per traced process, and refines thread states with the OS
 * scheduler's samples (Linux) so waiting for the GIL shows.
 */
export class PythonSource implements RunSource {
  readonly runtime = 'python';
  readonly sampled: boolean;
  readonly python: { gil: boolean; sampled: boolean };
  /** Ready to start the script (prepare), then the script started. */
  private starter: Starter | null = null;
  private launched: Launched | null = null;
  /** The script's own process. */
  private mainPid: number | undefined;
  private server: RecordServer | null = null;
  private sampler: Worker | null = null;
  private samplerDone: Promise<void> = Promise.resolve();
  private merger: Merger | null = null;
  private readonly pidOfConnection = new Map<number, number>();
  /** Every lane key seen, by the pid it belongs to. */
  private readonly keysByPid = new Map<number, Set<string>>();
  /** Thread lanes (besides each process's main thread) that have started and not yet exited, by pid. */
  private readonly liveThreads = new Map<number, Set<string>>();
  private ticks = 0;
  private sampledUs = 0;
  private consoleLines = 0;
  /** The run this source feeds, once it has started (see prepare). */
  private sink: RunSink | null = null;
  /** The sampler's zero (it starts before the run's clock), and how far the run's zero is past it. */
  private samplerT0Ns = 0n;
  private samplerShiftUs = 0;
  /** Problems met before the run started, reported to it when it does. */
  private readonly early: string[] = [];
  /** How the script's interpreter ended, once it has. */
  private exit: ExitInfo | null = null;
  /** When the lanes of processes and threads end, from what is heard of them. */
  private readonly ends = new LaneEnds({
    mainPid: () => this.mainPid,
    keysOf: (pid) => this.keysByPid.get(pid),
    processes: () => [...this.keysByPid].flatMap(([pid, keys]) => (keys.has(`p${pid}`) ? [pid] : [])),
    connections: (pid) => this.connected.get(pid) ?? 0,
    unidentified: () => {
      let identified = 0;
      for (const open of this.connected.values()) identified += open;
      return (this.server?.open() ?? 0) - identified;
    },
    record: (record) => this.merger?.record(record),
    nowUs: () => this.sink?.nowUs() ?? 0,
  });
  /** Processes whose main thread the sampler reads (it says when they go). */
  private readonly watching = new Set<number>();
  /** Open connections of each traced process: until they close, its records are still coming. */
  private readonly connected = new Map<number, number>();
  /** Lanes of processes the sampler found (not announced by a tracer): programs that are not Python. */
  private readonly discovered = new Set<string>();

  constructor(private readonly spec: ScriptSpec) {
    this.sampled = spec.samplerEntry !== null && process.platform === 'linux' && samplerIntervalUs() > 0;
    this.python = { gil: spec.python.gilEnabled, sampled: this.sampled };
  }

  allows(key: string): boolean {
    return LANE_KEY.test(key);
  }

  exitStatus(): ExitInfo | null {
    return this.exit;
  }

  samplingHz(): number | null {
    return this.sampled && this.sampledUs > 0 ? Math.round((this.ticks * 1e6) / this.sampledUs) : null;
  }

  /**
   * What the script needs before it starts, done before the run's clock starts (the engine calls this
   * first), so the chart and the summary begin with the script: the record server listening, the
   * tracer compiled, the sampler's thread on its way.
   */
  async prepare(): Promise<void> {
    if (this.server) return;
    this.merger = new Merger((record) => this.sink?.accept(record), this.spec.python.gilEnabled);
    this.samplerT0Ns = monoNs();
    const samplerUp = this.sampled && this.spec.samplerEntry ? this.startSampler(this.spec.samplerEntry) : null;
    try {
      this.server = await startRecordServer(
        (raw, connection) => {
          if (this.sink && this.merger) this.onRecord(this.sink, this.merger, raw, connection);
        },
        (connection) => {
          if (this.sink && this.merger) this.onClose(this.sink, this.merger, connection);
        },
      );
      const tracerDir = await preparedTracerDir(this.spec.python, this.spec.tracerDir);
      // The sampler is not waited for: its worker loads while the interpreter starts (a Worker keeps the
      // pids it is told to watch until it is up), which takes about 35 ms off every traced run's start.
      void samplerUp;
      // `python script.py` as the user would type it: the tracer starts from sitecustomize (PYTHONPATH).
      this.starter = await prepareLaunch({
        executable: this.spec.python.executable,
        argv: [...this.spec.interpreterArgs, this.spec.script, ...this.spec.args],
        cwd: this.spec.cwd,
        env: {
          ...process.env,
          PYTHONPATH: [tracerDir, process.env.PYTHONPATH].filter(Boolean).join(delimiter),
          KITCHEN_TRACE_SOCKET: this.server.address,
          PYTHONUNBUFFERED: '1',
        },
        passthrough: this.spec.passthrough,
        pythonDir: this.spec.tracerDir,
      });
    } catch (err) {
      await this.sampler?.terminate();
      await this.server?.close();
      this.server = null;
      throw err;
    }
  }

  async start(sink: RunSink): Promise<void> {
    await this.prepare();
    const { server, merger, starter } = this;
    if (!server || !merger || !starter) throw new Error('the Python runtime was not prepared');
    this.sink = sink;
    // The sampler's times are on its own zero, from before the run's: they are shifted onto the run's.
    this.samplerShiftUs = Number(sink.t0Ns - this.samplerT0Ns) / 1000;
    for (const message of this.early.splice(0)) sink.warn(message);
    const spawnedUs = sink.nowUs();
    const launched = await starter.start(sink.t0Ns);
    this.launched = launched;
    this.mainPid = launched.pid;
    const mainKey = `p${launched.pid}`;
    if (this.sampled) merger.track(mainKey);
    this.remember(mainKey);
    sink.accept({
      t: 'spawn',
      parent: null,
      kind: 'process',
      lanes: [{ key: mainKey, name: basename(this.spec.script), detail: null }],
      pid: launched.pid,
      tsUs: spawnedUs,
    });
    const outputs = Promise.all([
      eachLine(launched.stdout, (line) => this.console(sink, 'stdout', line)),
      eachLine(launched.stderr, (line) => this.console(sink, 'stderr', line)),
    ]);
    const exit = await launched.exited;
    // Stamped when it is seen, not once its output has drained.
    const exitUs = sink.nowUs();
    this.exit = exit;
    this.ends.processEnded(launched.pid, exit, exitUs);
    // Its children may still be finishing; past the grace, whatever is left under the script is ended.
    let allGone = false;
    void launched.allGone.then(() => (allGone = true));
    const deadline = Date.now() + ORPHAN_GRACE_MS;
    while ((!allGone || this.childrenLeft(server)) && Date.now() < deadline && !sink.stopping) await delay(5);
    if (!allGone && !sink.stopping) {
      sink.warn('the script exited but some of its processes were still running: they were ended');
      await launched.stop(300);
      // Ended by the engine, as the warning says: how each one ended is not known.
      const atUs = sink.nowUs();
      for (const pid of this.ends.running()) this.ends.childGone(pid, atUs);
    }
    // The output of what was ended comes in now; past a moment, whatever still holds a pipe is not waited for.
    // (Not ref'd: once the outputs are in, the timer must not hold the process for the rest of DRAIN_MS.)
    await Promise.race([outputs, delay(DRAIN_MS, undefined, { ref: false })]);
    await this.finishSampling();
    this.ends.endAll();
    merger.flush();
    this.lastWords(sink);
    await server.close();
  }

  /** Whether any process of the script's is still running: a traced one connected, or any other not seen to go. */
  private childrenLeft(server: RecordServer): boolean {
    return server.open() > 0 || this.ends.running().length > 0;
  }

  private console(sink: RunSink, stream: 'stdout' | 'stderr', line: string): void {
    this.consoleLines++;
    if (this.consoleLines <= MAX_CONSOLE_LINES) sink.console(stream, line);
  }

  private lastWords(sink: RunSink): void {
    const dropped = this.consoleLines - MAX_CONSOLE_LINES;
    if (dropped > 0)
      sink.warn(`the script printed ${dropped} more lines than the console keeps (${MAX_CONSOLE_LINES})`);
  }

  private onRecord(sink: RunSink, merger: Merger, raw: unknown, connection: Connection): void {
    let record: TracerRecord;
    try {
      record = validateTracerRecord(raw);
    } catch (err) {
      sink.warn(`ignored a bad record from the tracer: ${(err as Error).message}`);
      return;
    }
    if (!this.pidOfConnection.has(connection.id)) {
      const pid = record.t === 'spawn' ? record.pid : record.t === 'ready' ? record.pid : null;
      if (pid !== null) {
        this.pidOfConnection.set(connection.id, pid);
        this.connected.set(pid, (this.connected.get(pid) ?? 0) + 1);
      }
    }
    const from = this.pidOfConnection.get(connection.id);
    if (from !== undefined) this.ends.heard(from, record.tsUs);
    if (record.t === 'spawn') {
      const lanes = record.lanes.filter((lane) => {
        // Found by the sampler before its tracer spoke: the lane is there; it takes the tracer's name.
        if (!this.discovered.has(lane.key)) return true;
        sink.accept({ t: 'name', lane: lane.key, name: lane.name, tsUs: record.tsUs });
        return false;
      });
      if (lanes.length === 0) return;
      for (const lane of lanes) {
        this.remember(lane.key);
        if (record.kind === 'thread') this.threadsOf(lane.key)?.add(lane.key);
        // Threads and processes are refined by the OS samples; tasks are what the tracer says.
        if (this.sampled && record.kind !== 'task') merger.track(lane.key);
      }
      sink.accept({ ...record, lanes });
      return;
    }
    if (record.t === 'ready') {
      // The sampler reads this thread from now on (a Python child found by the sampler first: as Python).
      // (A child that is not Python is said ready by its parent: it has no GIL.)
      const python = record.pid === this.pidOfConnection.get(connection.id);
      if (merger.tracks(record.lane))
        this.watch({ pid: record.pid, tid: record.tid, key: record.lane, gil: python && this.spec.python.gilEnabled });
      if (this.discovered.has(record.lane)) return;
      // Unsampled, the CPU at ready would be the only CPU a lane reports: none is reported rather than a part.
      if (!this.sampled) record = { ...record, cpuUs: null };
    }
    if (record.t === 'exit') {
      const pid = processPid(record.lane);
      if (pid !== null && pid !== this.mainPid) {
        // A child process's status: from its own last words, or from its parent's wait.
        const own = this.pidOfConnection.get(connection.id) === pid;
        this.ends.childStatus(pid, { code: record.code, signal: record.signal }, record.tsUs, own);
        return;
      }
      this.threadsOf(record.lane)?.delete(record.lane);
      this.ends.threadEnded(record.lane);
    }
    // Unsampled, "outside any waiting call" is all the tracer knows: the thread may be waiting for the GIL.
    if (this.unsampledGil(record.lane)) {
      if (record.t === 'state' && record.state === 'running') record = { ...record, mayWaitForGil: true };
      if (record.t === 'ready') {
        merger.record(record);
        record = {
          t: 'state',
          lane: record.lane,
          state: 'running',
          detail: null,
          mayWaitForGil: true,
          cpuUs: null,
          tsUs: record.tsUs,
        };
      }
    }
    merger.record(record);
  }

  /**
   * A thread's lane in a run that does not sample the OS, under a GIL, while its process has another
   * thread to share the GIL with (a process alone on its thread, or an asyncio task, never waits for it).
   */
  private unsampledGil(lane: string): boolean {
    if (this.sampled || !this.spec.python.gilEnabled) return false;
    const match = LANE_KEY.exec(lane);
    if (!match || match[2] === 'a') return false;
    return match[2] === 't' || (this.threadsOf(lane)?.size ?? 0) > 0;
  }

  /** The live thread lanes of the process a lane key belongs to. */
  private threadsOf(key: string): Set<string> | null {
    return byPid(this.liveThreads, key);
  }

  private remember(key: string): void {
    byPid(this.keysByPid, key)?.add(key);
  }

  /** A traced child's connection closed: it exited (or exec'd, which a sampled run sees go on). */
  private onClose(sink: RunSink, merger: Merger, connection: Connection): void {
    const pid = this.pidOfConnection.get(connection.id);
    if (pid === undefined) return;
    const left = (this.connected.get(pid) ?? 1) - 1;
    this.connected.set(pid, left);
    if (left > 0) return;
    // Sampled, the sampler says when the process goes (it may live on after an exec).
    if (this.sampled && merger.tracks(`p${pid}`) && this.watching.has(pid)) {
      this.ends.check(pid);
      return;
    }
    this.ends.childGone(pid, sink.nowUs());
  }

  /** A process a traced one started, found by the sampler: every child gets a lane, Python or not. */
  private onChild(
    sink: RunSink,
    merger: Merger,
    child: { pid: number; parentKey: string; command: string; atUs: number },
  ): void {
    const key = `p${child.pid}`;
    if (this.keysByPid.get(child.pid)?.has(key)) return; // announced already by a tracer
    this.discovered.add(key);
    this.remember(key);
    merger.track(key);
    const tsUs = Math.min(child.atUs, sink.nowUs());
    sink.accept({
      t: 'spawn',
      parent: child.parentKey,
      kind: 'process',
      lanes: [{ key, name: commandLaneName(child.command, child.pid), detail: child.command.slice(0, 200) }],
      pid: child.pid,
      tsUs,
    });
    merger.record({ t: 'ready', lane: key, pid: child.pid, tid: child.pid, cpuUs: null, tsUs });
    this.watch({ pid: child.pid, tid: child.pid, key, gil: false });
  }

  /** Starts the sampler's thread; resolves once it is loaded and sampling (or has failed, which is reported). */
  private startSampler(entry: string): Promise<void> {
    const init: SamplerInit = { t0Ns: this.samplerT0Ns.toString(), intervalUs: samplerIntervalUs() };
    const worker = new Worker(entry, { workerData: init });
    this.sampler = worker;
    let ready = (): void => {};
    const up = new Promise<void>((resolve) => (ready = resolve));
    worker.on('message', (report: SamplerReport) => this.onReport(report, ready));
    worker.on('error', (err) => {
      const message = `the scheduler sampler failed: ${err.message}`;
      if (this.sink) this.sink.warn(message);
      else this.early.push(message);
      ready();
    });
    this.samplerDone = new Promise((resolve) =>
      worker.once('exit', () => {
        ready();
        resolve();
      }),
    );
    return up;
  }

  private onReport(report: SamplerReport, ready: () => void): void {
    if (report.type === 'ready') {
      ready();
      return;
    }
    // (Before the run starts nothing is watched: there is nothing to report.)
    const { sink, merger } = this;
    if (!sink || !merger) return;
    const shift = this.samplerShiftUs;
    switch (report.type) {
      case 'batch': {
        this.ticks = report.ticks;
        if (process.env.KITCHEN_DEBUG_SAMPLER)
          console.error('sampler cpu', (report.selfCpuUs / report.elapsedUs).toFixed(3), report.ticks);
        this.sampledUs = report.elapsedUs;
        const segments = report.segments.map((s) => ({ ...s, fromUs: s.fromUs - shift, toUs: s.toUs - shift }));
        merger.os(segments);
        for (const s of segments) {
          if (s.os === 'cpu' && s.core !== null) sink.coreSpan(s.core, s.key, s.fromUs, s.toUs, s.cpuUs);
        }
        merger.advance(report.untilUs - shift - MARGIN_US);
        return;
      }
      case 'base':
        merger.base(report.key, report.cpuUs);
        return;
      case 'child':
        this.onChild(sink, merger, { ...report, atUs: report.atUs - shift });
        return;
      case 'gone': {
        const pid = processPid(report.key);
        if (pid === null) {
          this.threadsOf(report.key)?.delete(report.key);
          this.ends.threadGone(report.key, report.atUs - shift);
          return;
        }
        if (report.exit) this.ends.childStatus(pid, report.exit, report.atUs - shift, false);
        this.ends.childGone(pid, report.atUs - shift);
        return;
      }
      default: {
        const unreachable: never = report;
        throw new Error(`unknown sampler report ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private watch(watch: Watch): void {
    if (watch.tid === watch.pid) this.watching.add(watch.pid);
    const command: SamplerCommand = { type: 'watch', watch };
    this.sampler?.postMessage(command);
  }

  private async finishSampling(): Promise<void> {
    if (!this.sampler) return;
    const command: SamplerCommand = { type: 'stop' };
    this.sampler.postMessage(command);
    await this.samplerDone;
    this.sampler = null;
  }

  async stop(graceMs: number): Promise<void> {
    if (this.launched) await this.launched.stop(graceMs);
    else this.starter?.cancel();
  }
}
