import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Command, CommandResults, Hello, TraceFile } from '../protocol/commands';
import type { EventBatch, RunSnapshot } from '../protocol/events';
import type { RunId, ScenarioId } from '../protocol/ids';
import { resolveParams, type ScenarioInfo } from '../protocol/scenarios';
import { ValidationError } from '../protocol/validate';
import { Run } from './run';
import { SCENARIOS, type Scenario } from './scenarios/index';
import { summarize } from './summary';
import { buildTimeline } from './timeline';
import { toChromeTrace } from './trace-export';

/** How a door (Electron, browser mode, CLI, tests) sets up its engine. */
export interface EngineOptions {
  /** The built workload entry script (`out/main/workload.js`). */
  readonly entry: string;
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

type Listener = (batch: EventBatch) => void;

const KEEP_RUNS = 8;

/**
 * The engine every door shares: scenarios, one run at a time, event batches
 * to every listener, snapshots and trace export. Never imports electron.
 */
export class Engine {
  private readonly options: EngineOptions;
  private readonly listeners = new Set<Listener>();
  private readonly runs = new Map<RunId, Run>();
  private current: Run | null = null;

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

  private scenario(id: string): Scenario {
    const found = SCENARIOS.find((s) => s.info.id === id);
    if (!found) {
      const known = SCENARIOS.map((s) => s.info.id).join(', ');
      throw new ValidationError('scenarioId', `unknown scenario ${JSON.stringify(id)} (known: ${known})`);
    }
    return found;
  }

  /** Receives every batch of every run; returns a function that unsubscribes. */
  onBatch(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts a scenario; refuses while another run is going. */
  start(scenarioId: string, rawParams: Readonly<Record<string, number>> = {}): Run {
    const scenario = this.scenario(scenarioId);
    const params = resolveParams(scenario.info.params, rawParams);
    if (this.current?.running) {
      throw new EngineStateError(`a run is already going (${this.current.scenario.id}); stop it first`);
    }
    const run = new Run({
      runId: randomUUID() as RunId,
      scenario: scenario.info,
      params,
      plan: scenario.plan(params),
      entry: this.options.entry,
      cores: this.cores,
      flushMs: this.options.flushMs ?? 16,
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
    const timeline = buildTimeline(run.events, run.running ? run.nowUs() : undefined);
    const ended = run.events.findLast((e) => e.type === 'run-ended');
    const summary = ended?.type === 'run-ended' ? ended.summary : summarize(timeline, this.cores, timeline.endUs);
    const trace = toChromeTrace(run.events, timeline, summary, process.pid, 'Concurrency Kitchen engine');
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    return { fileName: `${run.scenario.id}-${stamp}.trace.json`, json: JSON.stringify(trace) };
  }

  /** The hello a new client gets. */
  hello(): Hello {
    return {
      app: { name: 'Concurrency Kitchen', version: this.options.version },
      host: { cores: this.cores, platform: process.platform },
      transport: this.options.transport,
      scenarios: this.scenarios(),
    };
  }

  /** Runs one validated command: the single router behind IPC and the browser-mode socket. */
  async handle<C extends Command>(command: C): Promise<CommandResults[C['type']]> {
    // Each branch returns the result type of its own command; TypeScript cannot
    // narrow the generic return by the switch, hence the casts.
    type R = CommandResults[C['type']];
    const c: Command = command;
    switch (c.type) {
      case 'hello':
        return this.hello() as R;
      case 'start-run': {
        const run = this.start(c.scenarioId, c.params);
        return { runId: run.runId, scenarioId: run.scenario.id as ScenarioId } as R;
      }
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
