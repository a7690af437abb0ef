import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PythonInfo } from '../../protocol/commands';
import type { ScenarioId } from '../../protocol/ids';
import type { CodeFile, ParamSpec, ParamValues, ScenarioInfo } from '../../protocol/scenarios';
import { PlanSource } from '../node/plan-source';
import type { Plan } from '../node/plan';
import { PythonSource } from '../python/python-source';
import type { RunSource } from '../run';
import { planText } from './plan-text';
import { WithTeardown } from './teardown';

/** What scenarios need from the engine to build their sources. */
export interface ScenarioContext {
  /** The built workload entry (Node scenarios). */
  readonly entry: string;
  /** The built sampler entry, or null where the OS scheduler is not sampled. */
  readonly samplerEntry: string | null;
  /** resources/python: the tracer and the lesson scripts. */
  readonly pythonDir: string;
  /** The interpreter, resolved (throws with a clear message if there is none). */
  python(): Promise<PythonInfo>;
}

/** A scenario: what the UI shows of it, the code it runs, and what its parameters run. */
export interface Scenario {
  readonly info: ScenarioInfo;
  /** The code the lesson runs, as the Code region shows it. */
  code(pythonDir: string): Promise<CodeFile[]>;
  source(params: ParamValues, context: ScenarioContext): Promise<RunSource>;
}

export type Described = Omit<ScenarioInfo, 'runtime' | 'code'>;

const defaults = (specs: readonly ParamSpec[]): ParamValues => Object.fromEntries(specs.map((s) => [s.key, s.default]));

/** A Node scenario: a plan of worker threads, processes and async tasks. */
export const node = (info: Described, plan: (p: ParamValues) => Plan): Scenario => ({
  info: { ...info, runtime: 'node' },
  code: async () => [
    { name: 'workload (default parameters)', language: 'workload', text: planText(plan(defaults(info.params))) },
  ],
  source: async (p, context) => new PlanSource(plan(p), context.entry),
});

/** What a Python lesson's arguments may use besides its parameters. */
export interface PythonRunContext {
  /** The local page server's address, for lessons that download (`pages`). */
  readonly url: string;
}

/** How a Python lesson runs: its script, the helper files shown with it, its arguments. */
export interface PythonLesson {
  readonly script: string;
  /** Other lesson files it imports, shown after it in the Code region. */
  readonly helpers?: readonly string[];
  readonly args: (p: ParamValues, run: PythonRunContext) => string[];
  /** Starts a page server answering after `pages(p)` ms for the run (I/O lessons). */
  readonly pages?: (p: ParamValues) => number;
}

/** A Python scenario: a lesson script run under the tracer, parameters as its options. */
export const python = (info: Described, lesson: PythonLesson): Scenario => ({
  info: { ...info, runtime: 'python' },
  code: async (pythonDir) =>
    Promise.all(
      [lesson.script, ...(lesson.helpers ?? [])].map(async (name) => ({
        name,
        language: 'python' as const,
        text: await readFile(join(pythonDir, 'lessons', name), 'utf8'),
      })),
    ),
  source: async (p, context) => {
    const python = await context.python();
    // Loaded only for the lessons that download: Node's HTTP server is start-up cost the others do not need.
    const server = lesson.pages ? await (await import('../python/page-server')).startPageServer(lesson.pages(p)) : null;
    const source = new PythonSource({
      python,
      interpreterArgs: [],
      script: join(context.pythonDir, 'lessons', lesson.script),
      args: lesson.args(p, { url: server?.url ?? '' }),
      cwd: join(context.pythonDir, 'lessons'),
      tracerDir: context.pythonDir,
      samplerEntry: context.samplerEntry,
      passthrough: false,
    });
    return server ? new WithTeardown(source, () => server.close()) : source;
  },
});

export const id = (s: string): ScenarioId => s as ScenarioId;

/** A whole-number parameter; `value` is its default. */
export const param = (spec: Omit<ParamSpec, 'step' | 'default'> & { value: number }): ParamSpec => {
  const { value, ...rest } = spec;
  return { ...rest, step: 1, default: value };
};

export const TIMER = 'a real timer, no CPU';

/** How long the I/O lessons' local web server takes to answer each page. */
export const SERVER_DELAY = param({
  key: 'delayMs',
  label: 'Server answers in',
  unit: 'ms',
  min: 0,
  max: 5000,
  value: 300,
  help: 'How long the local web server takes to answer each page: real network waiting, no CPU.',
});

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

export const seconds = (ms: number): string => String(ms / 1000);
