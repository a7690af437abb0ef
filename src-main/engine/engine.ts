import { randomUUID } from 'node:crypto';
import { open, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command, CommandResults, Hello, PythonInfo, PythonStatus, TraceFile } from '../protocol/commands';
import { LIVE_REFRESH_MS, type EventBatch, type RunSnapshot } from '../protocol/events';
import type { RunId, ScenarioId } from '../protocol/ids';
import {
  MATRIX_MODELS,
  MATRIX_WORKLOADS,
  resolveParams,
  type ParamValues,
  type ScenarioInfo,
} from '../protocol/scenarios';
import { ValidationError } from '../protocol/validate';
import { findPython } from './python/interpreter';
import { PythonSource } from './python/python-source';
import { Run, type RunSource } from './run';
import { privateTempDir, removeTempDir } from './temp';
import { SCENARIOS, type Scenario, type ScenarioContext } from './scenarios/index';
import { RunModel } from '../../src-shared/run-model';
import { toChromeTrace } from '../../src-shared/trace-export';

/** How a door (Electron, browser mode, CLI, tests) sets up its engine. */
export interface EngineOptions {
  /** The built workload entry script (`out/main/workload.js`). */
  readonly entry: string;
  /** The built sampler entry (`out/main/sampler.js`). */
  readonly samplerEntry: string;
  /** resources/python: the tracer and the lesson scripts. */
  readonly pythonDir: string;
  readonly transport: Hello['transport'];
  readonly version: string;
  /** Defaults to the machine's logical cores. */
  readonly cores?: number;
  readonly flushMs?: number;
  readonly stopGraceMs?: number;
}

/** A command the engine refuses in its current state (as opposed to a malformed one). */
export class EngineStateError extends Error {
  override name = 'EngineStateError';
}

/** How to run a script of the user's under the tracer. */
export interface ScriptRequest {
  readonly script: string;
  readonly args: readonly string[];
  /** Interpreter options before the script (`-X dev`). */
  readonly interpreterArgs?: readonly string[];
  /** An interpreter to use for this run only (`kitchen trace -- python3.12 …`). */
  readonly python?: string;
  /** Working directory; defaults to the script's folder. */
  readonly cwd?: string;
  /** Let the script's output through to this process (the CLI) rather than the console. */
  readonly passthrough?: boolean;
  /**
   * Take a script whatever its name (the CLI: `kitchen trace -- python3 tool`, as the user typed it).
   * Otherwise only a `.py` or `.pyw` file is taken: a page may ask for any path.
   */
  readonly anyName?: boolean;
}

/** Longest part of a script read to check it is Python source. */
const SOURCE_CHECK_BYTES = 1024 * 1024;

/**
 * Refuses a path that is not Python source, saying why: not a file, not named `.py`/`.pyw` (unless
 * `anyName`), binary (a NUL byte), or not UTF-8 (what Python reads a source file as, by default).
 * Python would "run" /etc/passwd and echo its first line in the SyntaxError.
 */
export async function checkPythonSource(path: string, asGiven: string, options: { anyName: boolean }): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new ValidationError('path', `${asGiven} is not a file`);
  if (!options.anyName && !/\.pyw?$/i.test(path))
    throw new ValidationError('path', `${asGiven} is not a Python script (a .py or .pyw file)`);
  const handle = await open(path, 'r');
  try {
    const bytes = Buffer.alloc(Math.min(info.size, SOURCE_CHECK_BYTES));
    await handle.read(bytes, 0, bytes.length, 0);
    if (bytes.includes(0)) throw new ValidationError('path', `${asGiven} is a binary file, not Python source`);
    // (Cut at the check's limit, the last character may be cut in two: that is not the file's fault.)
    const whole = info.size <= SOURCE_CHECK_BYTES;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !whole });
    } catch {
      throw new ValidationError('path', `${asGiven} is not UTF-8 text: not Python source`);
    }
  } finally {
    await handle.close();
  }
}

type Listener = (batch: EventBatch) => void;

/**
 * What one client has chosen for itself: the Python interpreter its runs use. In browser mode each
 * connection has its own (one tab's choice is not another's); the desktop app and the CLI have one.
 */
export class Session {
  private request: string | null = null;
  private resolved: Promise<PythonInfo> | null = null;

  /** The interpreter this session's runs use, found once (shims cost hundreds of milliseconds a run). */
  python(): Promise<PythonInfo> {
    this.resolved ??= findPython(this.request);
    return this.resolved;
  }

  /** Whether Python runs can happen, and if not, why. */
  async status(): Promise<PythonStatus> {
    try {
      return { info: await this.python(), problem: null };
    } catch (err) {
      return { info: null, problem: (err as Error).message };
    }
  }

  /** Chooses the interpreter (null: KITCHEN_PYTHON, else python3 on PATH) and says what was found. */
  configure(path: string | null): Promise<PythonStatus> {
    this.request = path;
    this.resolved = null;
    return this.status();
  }
}

/** Runs kept for export and late clients: the model matrix's eight, and a few more. */
const KEEP_RUNS = 12;

/** A script run's scenario entry: runs are named after their script. */
const scriptInfo = (path: string): ScenarioInfo => ({
  id: 'script' as ScenarioId,
  title: basename(path),
  summary: `Your script ${basename(path)}, traced`,
  section: 5,
  explanation: 'Your own Python script, run under the tracer.',
  lesson: 'Every process, thread and asyncio task of your script, as it really ran.',
  runtime: 'python',
  params: [],
});

/**
 * The engine every door shares: scenarios, one run at a time, event batches
 * to every listener, snapshots and trace export. Never imports electron.
 */
export class Engine {
  private readonly options: EngineOptions;
  private readonly listeners = new Set<Listener>();
  private readonly runs = new Map<RunId, Run>();
  private current: Run | null = null;
  private starting = false;
  /** The session of a client that brings none (the desktop app, the CLI, tests). */
  readonly session = new Session();

  constructor(options: EngineOptions) {
    this.options = options;
  }

  get cores(): number {
    return this.options.cores ?? availableParallelism();
  }

  /** Every scenario's public description. */
  scenarios(): ScenarioInfo[] {
    return SCENARIOS.map((s) => s.info);
  }

  private code: Promise<ScenarioInfo[]> | null = null;

  /** Every scenario with the code it runs (read once: the lesson files do not change while the app runs). */
  lessons(): Promise<ScenarioInfo[]> {
    this.code ??= Promise.all(
      SCENARIOS.map(async (s) => ({ ...s.info, code: await s.code(this.options.pythonDir).catch(() => []) })),
    );
    return this.code;
  }

  private scenario(id: string): Scenario {
    const found = SCENARIOS.find((s) => s.info.id === id);
    if (!found) {
      // The matrix's eight cells are named as one pattern: the message stays short enough to read.
      const lessons = SCENARIOS.filter((s) => !s.info.matrix).map((s) => s.info.id);
      const known = [...lessons, `matrix-{${MATRIX_WORKLOADS.join(',')}}-{${MATRIX_MODELS.join(',')}}`].join(', ');
      throw new ValidationError('scenarioId', `unknown scenario ${JSON.stringify(id)} (known: ${known})`);
    }
    return found;
  }

  /** Whether Python runs can happen (for the default session), and if not, why. */
  pythonStatus(): Promise<PythonStatus> {
    return this.session.status();
  }

  /** Chooses the interpreter of the default session (null: KITCHEN_PYTHON, else python3 on PATH). */
  configurePython(path: string | null): Promise<PythonStatus> {
    return this.session.configure(path);
  }

  private context(python: () => Promise<PythonInfo>): ScenarioContext {
    return {
      entry: this.options.entry,
      samplerEntry: process.platform === 'linux' ? this.options.samplerEntry : null,
      pythonDir: this.options.pythonDir,
      python,
    };
  }

  /** Receives every batch of every run; returns a function that unsubscribes. */
  onBatch(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts a run of whatever `makeSource` builds; refuses while another run is going. */
  private async begin(info: ScenarioInfo, params: ParamValues, makeSource: () => Promise<RunSource>): Promise<Run> {
    if (this.starting || this.current?.running) {
      const what = this.current?.running ? ` (${this.current.scenario.id})` : '';
      throw new EngineStateError(`a run is already going${what}; stop it first`);
    }
    this.starting = true;
    try {
      const source = await makeSource();
      // Before the run's clock starts: its chart and its summary begin with what it runs.
      await source.prepare?.();
      const run = new Run({
        runId: randomUUID() as RunId,
        scenario: info,
        params,
        source,
        cores: this.cores,
        flushMs: this.options.flushMs ?? LIVE_REFRESH_MS,
        stopGraceMs: this.options.stopGraceMs ?? 400,
        onBatch: (batch) => {
          for (const listener of this.listeners) listener(batch);
        },
      });
      this.current = run;
      this.runs.set(run.runId, run);
      for (const old of this.runs.keys()) {
        if (this.runs.size <= KEEP_RUNS) break;
        this.runs.delete(old);
      }
      run.start();
      return run;
    } finally {
      this.starting = false;
    }
  }

  /** Starts a scenario. */
  start(scenarioId: string, rawParams: Readonly<Record<string, number>> = {}, session = this.session): Promise<Run> {
    const scenario = this.scenario(scenarioId);
    const params = resolveParams(scenario.info.params, rawParams);
    return this.begin(scenario.info, params, () =>
      scenario.source(
        params,
        this.context(() => session.python()),
      ),
    );
  }

  /** Runs a script of the user's under the tracer. */
  async startScript(request: ScriptRequest, session = this.session): Promise<Run> {
    const script = resolve(request.script);
    await checkPythonSource(script, request.script, { anyName: request.anyName ?? false });
    const python = request.python ? findPython(request.python) : session.python();
    return this.begin(
      scriptInfo(script),
      {},
      async () =>
        new PythonSource({
          python: await python,
          interpreterArgs: request.interpreterArgs ?? [],
          script,
          args: request.args,
          cwd: request.cwd ?? dirname(script),
          tracerDir: this.options.pythonDir,
          samplerEntry: process.platform === 'linux' ? this.options.samplerEntry : null,
          passthrough: request.passthrough ?? false,
        }),
    );
  }

  /**
   * Runs Python source from the page's code box: saved as `name` in a private temporary folder (removed
   * when the run has ended), then traced like a script from disk, in that folder.
   */
  async startCode(name: string, code: string, args: readonly string[], session = this.session): Promise<Run> {
    const dir = privateTempDir('code');
    const script = join(dir, name);
    await writeFile(script, code, { mode: 0o600 });
    let run: Run;
    try {
      run = await this.startScript({ script, args, cwd: dir }, session);
    } catch (err) {
      removeTempDir(dir);
      throw err;
    }
    const cleanUp = (): void => removeTempDir(dir);
    void run.finished.then(cleanUp, cleanUp);
    return run;
  }

  /** Stops a run if it is going; true if it was. */
  async stop(runId: string): Promise<boolean> {
    const run = this.runs.get(runId as RunId);
    if (!run?.running) return false;
    await run.stop();
    return true;
  }

  /** Stops whatever is going: on quit, on SIGINT, on a closed window. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.runs.values()].filter((r) => r.running).map((r) => r.stop()));
  }

  /** The current (or last) run's events so far. */
  snapshot(): RunSnapshot | null {
    return this.current?.snapshot() ?? null;
  }

  /** A run as a Chrome Trace Event file. */
  exportTrace(runId: string): TraceFile {
    const run = this.runs.get(runId as RunId);
    if (!run) throw new EngineStateError(`no run ${runId} is kept (the last ${KEEP_RUNS} are)`);
    const endUs = run.running ? run.nowUs() : undefined;
    const model = run.model ?? RunModel.fromEvents(run.events, -1, 0, true);
    if (!model) throw new EngineStateError(`run ${runId} has no events yet`);
    // A run still going has no summary yet.
    const summary = model.end?.summary ?? null;
    const trace = toChromeTrace(model, summary, process.pid, 'Concurrency Kitchen engine', endUs);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const name = run.scenario.id === 'script' ? run.scenario.title.replace(/\W+/g, '-') : run.scenario.id;
    return { fileName: `${name}-${stamp}.trace.json`, json: JSON.stringify(trace) };
  }

  /** The hello a new client gets. */
  async hello(session = this.session): Promise<Hello> {
    return {
      app: { name: 'Concurrency Kitchen', version: this.options.version },
      host: { cores: this.cores, platform: process.platform, sampling: process.platform === 'linux' },
      python: await session.status(),
      transport: this.options.transport,
      scenarios: await this.lessons(),
    };
  }

  /**
   * Runs one validated command for a client (its session: browser mode gives each connection its own):
   * the single router behind IPC and the browser-mode socket.
   */
  async handle<C extends Command>(command: C, session = this.session): Promise<CommandResults[C['type']]> {
    // Each branch returns the result type of its own command; TypeScript cannot
    // narrow the generic return by the switch, hence the casts.
    type R = CommandResults[C['type']];
    const c: Command = command;
    switch (c.type) {
      case 'hello':
        return (await this.hello(session)) as R;
      case 'start-run': {
        const run = await this.start(c.scenarioId, c.params, session);
        return { runId: run.runId, scenarioId: run.scenario.id } as R;
      }
      case 'start-script': {
        const run = await this.startScript({ script: c.path, args: c.args }, session);
        return { runId: run.runId, scenarioId: run.scenario.id } as R;
      }
      case 'start-code': {
        const run = await this.startCode(c.name, c.code, c.args, session);
        return { runId: run.runId, scenarioId: run.scenario.id } as R;
      }
      case 'configure-python':
        return (await session.configure(c.path)) as R;
      case 'stop-run':
        return { stopped: await this.stop(c.runId) } as R;
      case 'snapshot':
        return this.snapshot() as R;
      case 'export-trace':
        return this.exportTrace(c.runId) as R;
      default: {
        const unreachable: never = c;
        throw new ValidationError('command.type', `unknown command ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
