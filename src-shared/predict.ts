import { LOOP_BUSY, type LaneKind, type RunSummary } from '../src-main/protocol/events';
import type { ParamValues } from '../src-main/protocol/scenarios';
import { bestOf, times, type MatrixCell } from './matrix';
import type { LaneRecord, Timeline } from './timeline';

/**
 * Predict: a question asked before Run, answered by the run. Which choice is right is decided by what
 * was measured (on a one-core machine two cooks do not chop at once, and the answer says so), and the
 * reveal says the measured numbers.
 */

export interface Choice {
  readonly id: string;
  readonly text: string;
}

export interface Question {
  readonly question: string;
  readonly choices: readonly Choice[];
}

/** What the run answered: the right choice, as measured, and the numbers that say so. */
export interface Answer {
  readonly choice: string;
  readonly measured: string;
}

/** What a finished run offers a question to be answered with. */
export interface Evidence {
  readonly params: ParamValues;
  readonly summary: RunSummary;
  readonly timeline: Timeline;
}

interface Spec {
  ask(p: ParamValues): Question;
  /** The answer, or null where the run cannot say (it failed before the part asked about). */
  answer(e: Evidence): Answer | null;
}

/** Milliseconds as said: "210 ms", "1.42 s". */
export function ms(us: number): string {
  return us >= 10_000_000
    ? `${(us / 1e6).toFixed(1)} s`
    : us >= 1e6
      ? `${(us / 1e6).toFixed(2)} s`
      : `${Math.round(us / 1000)} ms`;
}

const plural = (n: number, one: string, many = one.endsWith('s') ? `${one}es` : `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`;

/** The lanes something in the run started, of one kind. */
function started(t: Timeline, kind: LaneKind): LaneRecord[] {
  return t.lanes.filter((l) => l.info.kind === kind && l.info.parentLaneId !== null);
}

/** From the first of these lanes starting to the last one's end. */
function lifetimeUs(lanes: readonly LaneRecord[]): number | null {
  if (lanes.length === 0) return null;
  let from = Infinity;
  let to = -Infinity;
  for (const l of lanes) {
    from = Math.min(from, l.info.spawnedUs);
    to = Math.max(to, l.endUs);
  }
  return to - from;
}

/** The choice whose expected figure is nearest the measured one. */
function nearest(measured: number, expected: readonly [string, number][]): string {
  return expected.reduce((best, e) => (Math.abs(e[1] - measured) < Math.abs(best[1] - measured) ? e : best))[0];
}

/** "How long until they are done": about one wait (together) or about n waits (one after another). */
function together(
  noun: string,
  count: (p: ParamValues) => number,
  waitKey: string,
  lanes: (t: Timeline) => LaneRecord[],
  what: string,
): Spec {
  return {
    ask: (p) => ({
      question: `${plural(count(p), noun)} each ${what} ${p[waitKey]} ms. How long from the first starting to the last finishing?`,
      choices: [
        { id: 'together', text: `About ${p[waitKey]} ms: they wait at the same time` },
        { id: 'in-turn', text: `About ${count(p) * p[waitKey]} ms: one after another` },
      ],
    }),
    answer: ({ params: p, timeline }) => {
      const found = lanes(timeline);
      const took = lifetimeUs(found);
      if (took === null) return null;
      const n = count(p);
      const wait = p[waitKey] * 1000;
      const choice = nearest(took, [
        ['together', wait],
        ['in-turn', n * wait],
      ]);
      const how = choice === 'together' ? 'their waits overlapped' : 'they took turns';
      return {
        choice,
        measured: `${plural(found.length, noun)} took ${ms(took)} from the first starting to the last finishing: ${how}.`,
      };
    },
  };
}

/** "Do they compute at the same time?": answered by the most lanes that really ran at one instant. */
function atOnce(question: string): Spec {
  return {
    ask: () => ({
      question,
      choices: [
        { id: 'one', text: 'One: they take turns' },
        { id: 'several', text: 'Two or more: at the same time, on different cores' },
      ],
    }),
    answer: ({ summary: s }) => {
      const choice = s.peakRunning >= 2 ? 'several' : 'one';
      const cores = s.peakCores === null ? '' : ` (${s.peakCores.toFixed(2)} cores’ worth of CPU at the busiest 25 ms)`;
      const machine = s.cores < 2 ? ' This machine has one core: nothing can run in parallel on it.' : '';
      return {
        choice,
        measured: `At most ${plural(s.peakRunning, 'lane')} ran at the same instant${cores}, on this ${s.cores}-core machine.${machine}`,
      };
    },
  };
}

/** "Compared with one worker doing it all, they finish…": answered by the cores they kept busy. */
function cpuSpeed(noun: string): Spec {
  return {
    ask: (p) => ({
      question: `${plural(p.workers, noun)} share CPU-bound work. Compared with one ${noun} doing all of it, they finish…`,
      choices: [
        { id: 'faster', text: `Faster: up to ${p.workers}× (one core each)` },
        { id: 'same', text: 'In about the same time' },
      ],
    }),
    answer: ({ params: p, summary: s }) => {
      const busy = s.workers?.coresBusy ?? null;
      if (busy === null) return null;
      const choice = p.workers > 1 && busy >= 1.3 ? 'faster' : 'same';
      const why =
        choice === 'faster'
          ? `they computed at the same time, so about ${busy.toFixed(1)}× faster than one ${noun} doing it all`
          : s.cores < 2
            ? 'this machine has one core, so they took turns'
            : noun === 'thread'
              ? 'the GIL let one run at a time, so they took about as long as one thread doing it all'
              : 'they did not get more than a core between them';
      return {
        choice,
        measured: `The ${plural(p.workers, noun)} kept ${busy.toFixed(2)} cores busy while they ran: ${why}.`,
      };
    },
  };
}

const taskLanes = (t: Timeline): LaneRecord[] => t.lanes.filter((l) => l.info.kind === 'task');
const names = (t: Timeline, re: RegExp): LaneRecord[] => t.lanes.filter((l) => re.test(l.info.name));

const SPECS: Readonly<Record<string, Spec>> = {
  'chef-concurrent': atOnce(
    'One cook, two dishes. At the busiest moment, how many dishes are being worked on at the same instant?',
  ),
  'chef-parallel': atOnce(
    'A cook and an assistant, a dish each. At the busiest moment, how many dishes are being worked on at the same instant?',
  ),
  'node-threads': atOnce('At the busiest moment, how many worker threads are computing at the same instant?'),
  'node-processes': atOnce('At the busiest moment, how many worker processes are computing at the same instant?'),
  'py-threading': together(
    'thread',
    () => 2,
    'waitMs',
    (t) => started(t, 'thread'),
    'sleep',
  ),
  'py-multiprocessing': together(
    'process',
    () => 2,
    'waitMs',
    (t) => started(t, 'process'),
    'sleep',
  ),
  'py-asyncio': together(
    'task',
    () => 2,
    'waitMs',
    (t) => taskLanes(t).filter((l) => /\btask[12]\b/.test(l.info.detail ?? '')),
    'await asyncio.sleep for',
  ),
  'node-async': together('task', (p) => p.tasks, 'waitMs', taskLanes, 'await a timer of'),
  'py-threads-io': together(
    'thread',
    (p) => p.pages,
    'delayMs',
    (t) => names(t, /^Download-\d+$/),
    'download a page the server sends after',
  ),
  'py-threads-cpu': cpuSpeed('thread'),
  'py-processes-cpu': cpuSpeed('process'),
  'py-async-blocking': {
    ask: (p) => ({
      question: `One task calls time.sleep(${p.waitMs / 1000}) inside its coroutine. What do the other tasks on its loop do meanwhile?`,
      choices: [
        { id: 'run', text: 'They keep running: the loop switches to them' },
        { id: 'wait', text: 'They wait: nothing else on that loop can run' },
      ],
    }),
    answer: ({ params: p, timeline }) => {
      // Time each task was ready but held back by its busy loop, on average, on each loop.
      const heldBack = (re: RegExp): { count: number; each: number } => {
        const ids = new Set(names(timeline, re).map((l) => l.info.laneId));
        let held = 0;
        for (const s of timeline.spans)
          if (ids.has(s.laneId) && s.state === 'blocked' && s.detail === LOOP_BUSY) held += s.endUs - s.startUs;
        return { count: ids.size, each: ids.size > 0 ? held / ids.size : 0 };
      };
      const rude = heldBack(/^time\.sleep task [2-9]/);
      const polite = heldBack(/^await task \d/);
      if (rude.count === 0) return null;
      const choice = rude.each >= 0.5 * p.waitMs * 1000 ? 'wait' : 'run';
      return {
        choice,
        measured:
          `The other ${plural(rude.count, 'task')} on the time.sleep loop were ready but held back ${ms(rude.each)} each on ` +
          `average (“ready; the event loop is busy”); on the loop that awaited, ${ms(polite.each)}.`,
      };
    },
  },
  'py-jupyter-loop': {
    ask: () => ({
      question:
        'Inside an event loop that is already running (as in a Jupyter cell), what does asyncio.run(main()) do?',
      choices: [
        { id: 'runs', text: 'It runs main() as usual' },
        { id: 'error', text: 'It raises an error' },
      ],
    }),
    answer: ({ timeline }) => {
      const error = timeline.instants.find((i) => i.text.includes('cannot be called from a running event loop'));
      const done = timeline.instants.filter((i) => /Task \d is complete/.test(i.text)).length;
      return {
        choice: error ? 'error' : 'runs',
        measured: error
          ? `It raised “${error.text.trim()}”. Then await main() ran in the loop that was there: ${plural(done, 'task')} completed.`
          : `No error was printed, and ${plural(done, 'task')} completed.`,
      };
    },
  },
};

/** The Predict question of a scenario, for its parameters; null where it has none. */
export function questionFor(scenarioId: string, params: ParamValues): Question | null {
  return SPECS[scenarioId]?.ask(params) ?? null;
}

/** What the run answered, or null where it has no question or cannot say. */
export function answerFor(scenarioId: string, evidence: Evidence): Answer | null {
  return SPECS[scenarioId]?.answer(evidence) ?? null;
}

/** The reveal, read out: "You predicted …: right. …measured…" */
export function revealSentence(question: Question, chosen: string | null, answer: Answer): string {
  const text = (id: string) => question.choices.find((c) => c.id === id)?.text ?? id;
  const right = text(answer.choice);
  if (chosen === null) return `The run’s answer: “${right}”. ${answer.measured}`;
  if (chosen === answer.choice) return `You predicted “${text(chosen)}”: right. ${answer.measured}`;
  return `You predicted “${text(chosen)}”; the run says “${right}”. ${answer.measured}`;
}

/** The model matrix's question: asked before "Run all", answered by the arithmetic row. */
export const MATRIX_QUESTION: Question = {
  question: 'Arithmetic (counting primes) on four models: which one finishes it fastest on this machine?',
  choices: [
    { id: 'threads', text: 'Threads' },
    { id: 'asyncio', text: 'asyncio' },
    { id: 'processes', text: 'Processes' },
    { id: 'none', text: 'None: one after another is as fast' },
  ],
};

/** The matrix's answer, from the measured arithmetic row (null until it is complete). */
export function matrixAnswer(cells: readonly MatrixCell[], cores: number): Answer | null {
  const best = bestOf(cells, 'cpu');
  if (best === null) return null;
  const cell = cells.find((c) => c.workload === 'cpu' && c.model === best);
  const speedup = cell?.speedup ?? 1;
  const choice = best !== 'sequential' && speedup >= 1.3 ? best : 'none';
  const figures = cells
    .filter((c) => c.workload === 'cpu' && c.model !== 'sequential')
    .map((c) => `${c.model} ${times(c.speedup ?? 1)}`)
    .join(', ');
  return { choice, measured: `Against one after another, on this ${cores}-core machine: ${figures}.` };
}
