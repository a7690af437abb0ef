import { join } from 'node:path';
import type { PythonInfo } from '../../protocol/commands';
import type { ScenarioId } from '../../protocol/ids';
import type { ParamSpec, ParamValues, ScenarioInfo } from '../../protocol/scenarios';
import { PlanSource } from '../node/plan-source';
import type { ExecutorSpec, Plan, Step } from '../node/plan';
import { PythonSource } from '../python/python-source';
import type { RunSource } from '../run';

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

/** A scenario: what the UI shows of it, and what its parameters run. */
export interface Scenario {
  readonly info: ScenarioInfo;
  source(params: ParamValues, context: ScenarioContext): Promise<RunSource>;
}

type Described = Omit<ScenarioInfo, 'runtime'>;

/** A Node scenario: a plan of worker threads, processes and async tasks. */
const node = (info: Described, plan: (p: ParamValues) => Plan): Scenario => ({
  info: { ...info, runtime: 'node' },
  source: async (p, context) => new PlanSource(plan(p), context.entry),
});

/** A Python scenario: a lesson script run under the tracer, parameters as its options. */
const python = (info: Described, script: string, args: (p: ParamValues) => string[]): Scenario => ({
  info: { ...info, runtime: 'python' },
  source: async (p, context) =>
    new PythonSource({
      python: await context.python(),
      interpreterArgs: [],
      script: join(context.pythonDir, 'lessons', script),
      args: args(p),
      cwd: join(context.pythonDir, 'lessons'),
      tracerDir: context.pythonDir,
      samplerEntry: context.samplerEntry,
      passthrough: false,
    }),
});

const id = (s: string): ScenarioId => s as ScenarioId;

/** A whole-number parameter; `value` is its default. */
const param = (spec: Omit<ParamSpec, 'step' | 'default'> & { value: number }): ParamSpec => {
  const { value, ...rest } = spec;
  return { ...rest, step: 1, default: value };
};

const TIMER = 'a real timer, no CPU';

const dishes = param({
  key: 'dishes',
  label: 'Dishes',
  unit: 'dishes',
  min: 1,
  max: 4,
  value: 2,
  help: 'How many dishes are cooked.',
});
const chop = param({
  key: 'chop',
  label: 'Chopping work',
  unit: 'M ops',
  min: 1,
  max: 2000,
  value: 250,
  help: 'CPU work to chop one dish’s vegetables (million hash rounds).',
});
const boil = param({
  key: 'boilMs',
  label: 'Water boils in',
  unit: 'ms',
  min: 0,
  max: 10000,
  value: 700,
  help: `How long the water takes to boil: ${TIMER}.`,
});
const finish = param({
  key: 'finish',
  label: 'Cooking work',
  unit: 'M ops',
  min: 0,
  max: 2000,
  value: 50,
  help: 'CPU work to cook the pasta once the water boils.',
});
const tasks = param({
  key: 'tasks',
  label: 'Tasks',
  unit: 'tasks',
  min: 1,
  max: 8,
  value: 2,
  help: 'How many tasks run.',
});
const work = param({
  key: 'work',
  label: 'CPU work per task',
  unit: 'M ops',
  min: 0,
  max: 2000,
  value: 150,
  help: 'Million hash rounds each task computes.',
});
const wait = (value: number): ParamSpec =>
  param({
    key: 'waitMs',
    label: 'Wait per task',
    unit: 'ms',
    min: 0,
    max: 10000,
    value,
    help: `How long each task sleeps or awaits: ${TIMER}.`,
  });

/** One dish: water on, chop while it boils, cook once it has boiled, serve. */
function recipe(n: number, p: ParamValues, onOneLoop: boolean): Step[] {
  return [
    { op: 'print', text: `Dish ${n}: water on the stove` },
    { op: 'timer', name: 'boil', ms: p.boilMs },
    ...(onOneLoop ? [{ op: 'yield', label: 'waiting for the cook' } as const] : []),
    { op: 'cpu', mops: p.chop, label: 'chopping vegetables' },
    { op: 'await-timer', name: 'boil', label: 'water boiling' },
    { op: 'cpu', mops: p.finish, label: 'cooking the pasta' },
    { op: 'print', text: `Dish ${n}: served` },
  ];
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

const chefConcurrent = node(
  {
    id: id('chef-concurrent'),
    title: 'One cook, two dishes (concurrency)',
    summary: 'One cook switches between dishes: chops one while the other’s water boils.',
    lesson:
      'Both dishes are in progress at once, yet the cook works on only one at any instant: ' +
      'look for waiting (water boiling) overlapping the other dish’s running, and never two running at once.',
    params: [dishes, chop, boil, finish],
  },
  (p) => ({
    executors: [
      {
        kind: 'loop',
        busyDetail: 'ready; the cook is busy',
        lanes: range(p.dishes).map((n) => ({ key: `dish${n}`, name: `Dish ${n}`, steps: recipe(n, p, true) })),
      },
    ],
  }),
);

const helpers = ['Cook', 'Assistant', 'Second assistant', 'Third assistant'];

const chefParallel = node(
  {
    id: id('chef-parallel'),
    title: 'Cook and assistant (parallelism)',
    summary: 'A cook and an assistant, two separate processes, each cook a dish at the same time.',
    lesson:
      'Each person is a separate OS process with its own pid, so on two cores both chop at the same instant: ' +
      'running overlaps running. Process start-up is the grey starting span.',
    params: [dishes, chop, boil, finish],
  },
  (p) => ({
    executors: range(p.dishes).map((n): ExecutorSpec => ({
      kind: 'process',
      lanes: [{ key: `cook${n}`, name: `${helpers[n - 1]} · dish ${n}`, steps: recipe(n, p, false) }],
    })),
  }),
);

const lockedWork = param({
  key: 'locked',
  label: 'Work under the shared lock',
  unit: 'M ops',
  min: 0,
  max: 2000,
  value: 50,
  help: 'Million hash rounds each thread computes while holding one shared lock.',
});

/**
 * The notebook's threading and multiprocessing examples, the Node way: a
 * main thread or process starts one worker per task and joins them all.
 */
function mainAndWorkers(kind: 'thread' | 'process', p: ParamValues, workerSteps: (n: number) => Step[]): Plan {
  const noun = kind === 'thread' ? 'threads' : 'processes';
  const title = kind === 'thread' ? 'Thread' : 'Process';
  return {
    executors: [
      {
        kind,
        lanes: [
          {
            key: 'main',
            name: `Main ${kind}`,
            steps: [
              { op: 'print', text: `Main: starting ${noun}` },
              {
                op: 'spawn',
                executors: range(p.tasks).map((n) => ({
                  kind,
                  lanes: [{ key: `task${n}`, name: `${title} ${n}`, steps: workerSteps(n) }],
                })),
              },
              { op: 'join', label: `join(): waiting for the ${noun}` },
              { op: 'print', text: `Main: all ${noun} joined` },
            ],
          },
        ],
      },
    ],
  };
}

const nodeThreads = node(
  {
    id: id('node-threads'),
    title: 'Threads (worker_threads)',
    summary: 'The notebook’s threading example: a main thread starts worker threads and joins them.',
    lesson:
      'Threads share one process (one pid, one tid each). They compute at the same time on different cores, ' +
      'queue up (blocked) for the shared lock, and the main thread is blocked in join until they finish.',
    params: [tasks, work, wait(300), lockedWork],
  },
  (p) =>
    mainAndWorkers('thread', p, (n) => [
      { op: 'print', text: `Task ${n} is running` },
      { op: 'cpu', mops: p.work, label: 'computing' },
      { op: 'sleep', ms: p.waitMs, label: 'sleeping (like I/O)' },
      { op: 'locked', mops: p.locked, label: 'updating the shared total' },
      { op: 'print', text: `Task ${n} is complete` },
    ]),
);

const nodeProcesses = node(
  {
    id: id('node-processes'),
    title: 'Processes (child_process)',
    summary: 'The notebook’s multiprocessing example: a main process starts worker processes and joins them.',
    lesson:
      'Every worker is its own OS process with its own pid and memory, so they compute in parallel; ' +
      'each pays a start-up cost (starting), and the main process is blocked in join until they exit.',
    params: [tasks, work, wait(300)],
  },
  (p) =>
    mainAndWorkers('process', p, (n) => [
      { op: 'print', text: `Task ${n} is running` },
      { op: 'cpu', mops: p.work, label: 'computing' },
      { op: 'sleep', ms: p.waitMs, label: 'sleeping (like I/O)' },
      { op: 'print', text: `Task ${n} is complete` },
    ]),
);

const nodeAsync = node(
  {
    id: id('node-async'),
    title: 'Async tasks (one event loop)',
    summary: 'The notebook’s asyncio example: tasks await on one event loop, in a worker thread.',
    lesson:
      'All tasks wait at the same time but only one runs at any instant, on one thread. ' +
      'Give Task 1 blocking work and it holds the loop (blocking): the others wake late.',
    params: [
      tasks,
      wait(1000),
      param({
        key: 'block',
        label: 'Blocking work in Task 1',
        unit: 'M ops',
        min: 0,
        max: 2000,
        value: 0,
        help: 'Synchronous work Task 1 does without awaiting: it holds the event loop.',
      }),
    ],
  },
  (p) => ({
    executors: [
      {
        kind: 'loop',
        lanes: range(p.tasks).map((n) => ({
          key: `task${n}`,
          name: `Task ${n}`,
          steps: [
            { op: 'print', text: `Task ${n} is running` },
            ...(n === 1 && p.block > 0
              ? [{ op: 'cpu', mops: p.block, label: 'synchronous work (never awaits)', holdsLoop: true } as const]
              : []),
            { op: 'sleep', ms: p.waitMs, label: 'await sleep()' },
            { op: 'print', text: `Task ${n} is complete` },
          ],
        })),
      },
    ],
  }),
);

const pyWait = (value: number) =>
  param({
    key: 'waitMs',
    label: 'Wait in each task',
    unit: 'ms',
    min: 0,
    max: 10000,
    value,
    help: `Added so the lanes are wide enough to see (${TIMER}); 0 runs the notebook's code exactly.`,
  });
const workers = param({
  key: 'workers',
  label: 'Workers',
  unit: 'workers',
  min: 1,
  max: 8,
  value: 2,
  help: 'How many threads or processes compute.',
});
const pyWork = param({
  key: 'work',
  label: 'Work per worker',
  unit: 'k loops',
  min: 1,
  max: 100000,
  value: 3000,
  help: 'Thousands of pure-Python loop rounds per worker: it holds the GIL all along.',
});
const seconds = (ms: number): string => String(ms / 1000);

const pyThreading = python(
  {
    id: id('py-threading'),
    title: 'Python threads (the notebook)',
    summary: 'The notebook’s threading example in real Python: two threads started, then joined.',
    lesson:
      'Each Python thread is a lane with its native thread id. They sleep at the same time (waiting), ' +
      'and the main thread is blocked in join() until both finish.',
    params: [pyWait(200)],
  },
  'py_threading.py',
  (p) => ['--wait', seconds(p.waitMs)],
);

const pyMultiprocessing = python(
  {
    id: id('py-multiprocessing'),
    title: 'Python processes (the notebook)',
    summary: 'The notebook’s multiprocessing example: two processes started, then joined.',
    lesson:
      'Each process has its own pid and its own interpreter; its start-up is the grey starting span. ' +
      'The main process is blocked in join() while they run.',
    params: [pyWait(200)],
  },
  'py_multiprocessing.py',
  (p) => ['--wait', seconds(p.waitMs)],
);

const pyAsyncio = python(
  {
    id: id('py-asyncio'),
    title: 'Python asyncio (the notebook)',
    summary: 'The notebook’s asyncio example: two tasks awaiting on one event loop.',
    lesson:
      'Every task is its own lane on the one thread that runs the loop: short running slices, ' +
      'then waiting together while the loop sits idle.',
    params: [pyWait(1000)],
  },
  'py_asyncio.py',
  (p) => ['--wait', seconds(p.waitMs)],
);

const pyThreadsCpu = python(
  {
    id: id('py-threads-cpu'),
    title: 'CPU work on Python threads (the GIL)',
    summary: 'CPU-bound pure Python on threads: the GIL lets one run at a time.',
    lesson:
      'Only one thread runs Python at any instant: the others wait for the GIL (purple), and about ' +
      'one core is busy however many threads there are. Compare with the same work on processes.',
    params: [workers, pyWork],
  },
  'py_threads_cpu.py',
  (p) => ['--workers', String(p.workers), '--work', String(p.work * 1000)],
);

const pyProcessesCpu = python(
  {
    id: id('py-processes-cpu'),
    title: 'CPU work on Python processes',
    summary: 'The same CPU-bound work on processes: each has its own GIL, so they run in parallel.',
    lesson:
      'Each process runs on its own core at the same time: running overlaps running, and the cores ' +
      'view shows every core busy. Start-up costs more than a thread’s.',
    params: [workers, pyWork],
  },
  'py_processes_cpu.py',
  (p) => ['--workers', String(p.workers), '--work', String(p.work * 1000)],
);

/** Every scenario, in the order the picker shows them. */
export const SCENARIOS: readonly Scenario[] = [
  chefConcurrent,
  chefParallel,
  nodeThreads,
  nodeProcesses,
  nodeAsync,
  pyThreading,
  pyMultiprocessing,
  pyAsyncio,
  pyThreadsCpu,
  pyProcessesCpu,
];
