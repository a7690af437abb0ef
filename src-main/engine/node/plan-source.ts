import { launch, type Launched } from './launch';
import { planLanes, type ExecutorSpec, type Plan } from './plan';
import type { RunSink, RunSource } from '../run';

/**
 * The Node runtime: a plan's executors (worker threads, child processes in
 * their own process group, an event loop in a worker), each reporting its
 * lanes' records; only the plan's lane keys may appear.
 */
export class PlanSource implements RunSource {
  readonly runtime = 'node';
  readonly sampled = false;
  readonly python = null;
  private readonly keys: ReadonlySet<string>;
  private readonly executors: Launched[] = [];

  constructor(
    private readonly plan: Plan,
    /** The built workload entry script. */
    private readonly entry: string,
  ) {
    this.keys = new Set(planLanes(plan).map(({ lane }) => lane.key));
  }

  allows(key: string): boolean {
    return this.keys.has(key);
  }

  samplingHz(): null {
    return null;
  }

  start(sink: RunSink): Promise<void> {
    return Promise.all(this.plan.executors.map((executor) => this.launchTop(sink, executor))).then(() => undefined);
  }

  private launchTop(sink: RunSink, executor: ExecutorSpec): Promise<void> {
    const tsUs = sink.nowUs();
    const launched = launch(
      { executor, t0Ns: sink.t0Ns.toString(), lock: new SharedArrayBuffer(4) },
      {
        entry: this.entry,
        ownGroup: true,
        onRecord: (record) => sink.ingest(record),
        onOutput: (stream, line) => sink.console(stream, line),
      },
    );
    this.executors.push(launched);
    sink.accept({
      t: 'spawn',
      parent: null,
      kind: executor.kind === 'loop' ? 'task' : executor.kind,
      lanes: executor.lanes.map(({ key, name }) => ({ key, name, detail: null })),
      pid: launched.pid,
      tsUs,
    });
    return launched.exited.then((exit) =>
      sink.exitLanes(
        executor.lanes.map((l) => l.key),
        exit,
      ),
    );
  }

  async stop(graceMs: number): Promise<void> {
    await Promise.all(this.executors.map((e) => e.stop(graceMs)));
  }
}
