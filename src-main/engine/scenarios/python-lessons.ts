import { id, param, python, seconds, SERVER_DELAY, TIMER, type Scenario } from './define';
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

const pages = param({
  key: 'pages',
  label: 'Pages',
  unit: 'pages',
  min: 1,
  max: 32,
  value: 4,
  help: 'How many pages are downloaded, one thread each.',
});

const args = (p: Record<string, number>, ...keys: [string, string][]): string[] =>
  keys.flatMap(([flag, key]) => [flag, String(p[key])]);

export const pyThreading: Scenario = python(
  {
    id: id('py-threading'),
    title: 'Python threads (the notebook)',
    summary: 'The notebook’s threading example in real Python: two threads started, then joined.',
    section: 2,
    explanation:
      'Two threads run inside one process and share its memory. Starting a thread is cheap, and while one ' +
      'sleeps or waits the other can run. This is the notebook’s example, with a short sleep added so the lanes are wide enough to see.',
    lesson:
      'Each Python thread is a lane with its native thread id. They sleep at the same time (waiting), ' +
      'and the main thread is blocked in join() until both finish.',
    params: [pyWait(200)],
  },
  { script: 'py_threading.py', args: (p) => ['--wait', seconds(p.waitMs)] },
);

export const pyThreadsIo: Scenario = python(
  {
    id: id('py-threads-io'),
    title: 'Threads downloading pages (I/O-bound)',
    summary: 'Threads download pages from a real local web server: the GIL is let go while a thread waits.',
    section: 2,
    explanation:
      'I/O-bound work spends its time waiting: here, for a web server (started on this machine for the run) ' +
      'to answer. A thread waiting on a socket does not hold the GIL, so the other threads run and their ' +
      'waits overlap: all the pages take about as long as one. This is what threads are good for in Python.',
    lesson:
      'Look for the downloads waiting (socket.recv_into) at the same time, all of them, for about one server ' +
      'delay. Then run CPU work on Python threads: there the threads never wait, and the GIL lets only one run.',
    params: [pages, SERVER_DELAY],
  },
  {
    script: 'py_threads_io.py',
    args: (p, run) => ['--url', run.url, ...args(p, ['--pages', 'pages'])],
    pages: (p) => p.delayMs,
  },
);

export const pyThreadsCpu: Scenario = python(
  {
    id: id('py-threads-cpu'),
    title: 'CPU work on Python threads (the GIL)',
    summary: 'CPU-bound pure Python on threads: the GIL lets one run at a time.',
    section: 2,
    explanation:
      'CPU-bound work never waits: it computes all the time. In CPython a thread must hold the Global ' +
      'Interpreter Lock (GIL) to run Python code, so threads that only compute take turns, and two threads ' +
      'take as long as one doing both jobs.',
    lesson:
      'Only one thread runs Python at any instant: the others wait for the GIL (purple), and about ' +
      'one core is busy however many threads there are. Compare with the same work on processes.',
    params: [workers, pyWork],
  },
  {
    script: 'py_threads_cpu.py',
    helpers: ['cpu_work.py'],
    args: (p) => ['--workers', String(p.workers), '--work', String(p.work * 1000)],
  },
);

export const pyMultiprocessing: Scenario = python(
  {
    id: id('py-multiprocessing'),
    title: 'Python processes (the notebook)',
    summary: 'The notebook’s multiprocessing example: two processes started, then joined.',
    section: 3,
    explanation:
      'Each process has its own Python interpreter and its own memory, and so its own GIL. Starting one ' +
      'costs more than starting a thread. This is the notebook’s example, with a short sleep added so the lanes are wide enough to see.',
    lesson:
      'Each process has its own pid and its own interpreter; its start-up is the grey starting span. ' +
      'The main process is blocked in join() while they run.',
    params: [pyWait(200)],
  },
  { script: 'py_multiprocessing.py', args: (p) => ['--wait', seconds(p.waitMs)] },
);

export const pyProcessesCpu: Scenario = python(
  {
    id: id('py-processes-cpu'),
    title: 'CPU work on Python processes',
    summary: 'The same CPU-bound work on processes: each has its own GIL, so they run in parallel.',
    section: 3,
    explanation:
      'The same computation as on threads, now on processes. Every process has its own GIL, so on a ' +
      'machine with several cores they compute at the same time: this is how Python code uses more than one core.',
    lesson:
      'Each process runs on its own core at the same time: running overlaps running, and the cores ' +
      'view shows every core busy. Start-up costs more than a thread’s.',
    params: [workers, pyWork],
  },
  {
    script: 'py_processes_cpu.py',
    helpers: ['cpu_work.py'],
    args: (p) => ['--workers', String(p.workers), '--work', String(p.work * 1000)],
  },
);

export const pyAsyncio: Scenario = python(
  {
    id: id('py-asyncio'),
    title: 'Python asyncio (the notebook)',
    summary: 'The notebook’s asyncio example: two tasks awaiting on one event loop.',
    section: 4,
    explanation:
      'One thread runs an event loop; tasks are coroutines that give the loop back at every await. While ' +
      'one task waits, the loop runs another, so the waits overlap without any extra thread. The script ' +
      'uses asyncio.run(), as a script should (Jupyter is different: see the next lessons).',
    lesson:
      'Every task is its own lane on the one thread that runs the loop: short running slices, ' +
      'then waiting together while the loop sits idle.',
    params: [pyWait(1000)],
  },
  { script: 'py_asyncio.py', args: (p) => ['--wait', seconds(p.waitMs)] },
);

export const pyAsyncBlocking: Scenario = python(
  {
    id: id('py-async-blocking'),
    title: 'Blocking the event loop (time.sleep in a coroutine)',
    summary: 'The same tasks with await asyncio.sleep() and with time.sleep(), side by side on one axis.',
    section: 4,
    explanation:
      'An event loop can switch tasks only at an await. Two loops run side by side here, each with the ' +
      'same three tasks. In one, every task awaits asyncio.sleep(); in the other, one task calls ' +
      'time.sleep(), which never gives the loop back: the other tasks are ready but cannot run.',
    lesson:
      'In the time.sleep loop, look for the task holding the loop (blocking) while the other tasks are ' +
      'blocked with “ready; the loop is busy”, and finish one wait later than the tasks of the polite loop.',
    params: [
      param({
        key: 'tasks',
        label: 'Tasks in each loop',
        unit: 'tasks',
        min: 2,
        max: 8,
        value: 3,
        help: 'How many tasks each loop runs.',
      }),
      { ...pyWait(500), label: 'Sleep in each task' },
    ],
  },
  { script: 'py_async_blocking.py', args: (p) => ['--tasks', String(p.tasks), '--wait', seconds(p.waitMs)] },
);

export const pyJupyterLoop: Scenario = python(
  {
    id: id('py-jupyter-loop'),
    title: 'The Jupyter pitfall: asyncio.run in a running loop',
    summary: 'asyncio.run() inside a running event loop (as in Jupyter) fails; await main() works.',
    section: 4,
    explanation:
      'Jupyter runs every cell inside an event loop that is already running. There asyncio.run(main()) ' +
      'raises RuntimeError: it would start a second loop on a thread that already runs one. The notebook’s ' +
      'alternative, await main(), runs the tasks in the loop that is there. This lesson runs both, for real.',
    lesson:
      'The error is printed on the cell’s lane (red). Then await main() starts Task 1 and Task 2 on the same ' +
      'loop, and both complete.',
    params: [pyWait(1000)],
  },
  { script: 'py_jupyter_loop.py', args: (p) => ['--wait', seconds(p.waitMs)] },
);
