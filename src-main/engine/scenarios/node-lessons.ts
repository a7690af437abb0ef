import type { ParamSpec, ParamValues } from '../../protocol/scenarios';
import type { ExecutorSpec, Plan, Step } from '../node/plan';
import { id, node, param, range, TIMER, type Scenario } from './define';

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

export const chefConcurrent: Scenario = node(
  {
    id: id('chef-concurrent'),
    title: 'One cook, two dishes (concurrency)',
    summary: 'One cook switches between dishes: chops one while the other’s water boils.',
    section: 1,
    explanation:
      'One cook prepares two dishes. While one dish’s water boils, the cook chops the other dish’s vegetables: both dishes make progress over the same stretch of time, but the cook does one thing at any instant. That is concurrency.',
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

export const chefParallel: Scenario = node(
  {
    id: id('chef-parallel'),
    title: 'Cook and assistant (parallelism)',
    summary: 'A cook and an assistant, two separate processes, each cook a dish at the same time.',
    section: 1,
    explanation:
      'A cook and an assistant each prepare a dish, at the same time. Two people (two processes, on two cores) really work at the same instant: that is parallelism. Run both cooks to see the two pictures side by side.',
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

export const nodeThreads: Scenario = node(
  {
    id: id('node-threads'),
    title: 'Threads (worker_threads)',
    summary: 'The notebook’s threading example: a main thread starts worker threads and joins them.',
    section: 2,
    explanation:
      'The notebook’s threading example, in Node: worker threads share one process. Node has no GIL, so its threads compute at the same time on different cores; a shared lock still makes them take turns for the part it guards.',
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

export const nodeProcesses: Scenario = node(
  {
    id: id('node-processes'),
    title: 'Processes (child_process)',
    summary: 'The notebook’s multiprocessing example: a main process starts worker processes and joins them.',
    section: 3,
    explanation:
      'The notebook’s multiprocessing example, in Node: every worker is a child process with its own memory. They compute in parallel, and each pays a start-up cost that a thread does not.',
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

export const nodeAsync: Scenario = node(
  {
    id: id('node-async'),
    title: 'Async tasks (one event loop)',
    summary: 'The notebook’s asyncio example: tasks await on one event loop, in a worker thread.',
    section: 4,
    explanation:
      'The notebook’s asyncio example, in Node: tasks await on one event loop. While one waits, the loop runs another, so the waits overlap on one thread. Work that never awaits holds the loop, and the others wake late.',
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
