import type { RunSummary, SpanState, Verdict, VerdictRule } from '../src-main/protocol/events';

/**
 * What the verdict rules read: the run's figures, and the evidence behind
 * them that the figures alone do not carry.
 */
export interface Evidence {
  readonly summary: Omit<RunSummary, 'verdict'>;
  /** For Python runs: whether the interpreter has a GIL and whether the OS scheduler was sampled. */
  readonly python: { readonly gil: boolean; readonly sampled: boolean } | null;
  /** The first failure of a lane, in one line ("SyntaxError: invalid syntax"); null if none failed. */
  readonly failure: string | null;
  /**
   * Time the workers (the lanes something in the run started) spent in each state, summed; how much of
   * it they waited on I/O or timers (`waiting`); and the time from the first one ready to the last one's end.
   */
  readonly workers: {
    readonly stateUs: Readonly<Record<SpanState, number>>;
    readonly waitedUs: number;
    readonly spanUs: number;
  };
  /**
   * The CPU-bound threads of the Python process that had the most of them (threads, the main thread
   * included, that wanted a core, running or waiting for the GIL, CPU_BOUND_SHARE of their lives):
   * how many, the time they were alive, wanted a core and waited for the GIL, in all, and the cores
   * they kept busy over their lives. Null where no process had a thread that did.
   */
  readonly gil: {
    readonly threads: number;
    readonly aliveUs: number;
    readonly wantedUs: number;
    readonly gilWaitUs: number;
    readonly coresBusy: number | null;
  } | null;
  /** Event loops: how long tasks held their loop, and how long other tasks were ready but held back by it. */
  readonly loop: {
    readonly blockingUs: number;
    /** What held the loop longest ("time.sleep(0.3) holds the event loop"), if anything did. */
    readonly blocker: string | null;
    readonly heldBackUs: number;
    /** How many tasks were held back. */
    readonly heldBack: number;
  };
}

// The thresholds each rule reads, named so a rule reads as a sentence.

/** Threads are CPU-bound when they wanted a core (running or waiting for the GIL) this share of their time. */
export const CPU_BOUND_SHARE = 0.6;
/** The GIL is to blame when the CPU-bound threads waited for it this share of the time they wanted a core. */
export const GIL_WAIT_SHARE = 0.25;
/** Workers are I/O-bound when they waited (on I/O, timers, sleeps) this share of their time. */
export const WAITING_SHARE = 0.5;
/** Waits overlapped when they add up to this much more than the time the workers were alive together. */
export const OVERLAP_FACTOR = 1.2;
/** Processes ran in parallel when they kept more than this many cores busy on average. */
export const PARALLEL_CORES = 1.3;
/** A run that failed with one lane after running less than this (µs, past its start-up) did no work. */
export const FAILED_EARLY_US = 50_000;
/** A held-up loop is worth a verdict when a task held it, and others were held back, this long (µs). */
export const LOOP_BLOCKED_US = 10_000;

const percent = (share: number): string => `${Math.round(share * 100)}%`;
const seconds = (us: number): string => (us >= 1e6 ? `${(us / 1e6).toFixed(2)} s` : `${Math.round(us / 1000)} ms`);
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The workers' count and noun: "11 threads". */
function workersNoun(s: Evidence['summary']): string | null {
  const w = s.workers;
  if (!w) return null;
  const noun = { thread: ['thread', 'threads'], process: ['process', 'processes'], task: ['task', 'tasks'] }[w.kind];
  return plural(w.count, noun[0], noun[1]);
}

/** Time the workers were alive after their start-up, in all. */
function aliveUs(e: Evidence): number {
  const t = e.workers.stateUs;
  return t.running + t.waiting + t.blocked + t['gil-wait'] + t.blocking;
}

/**
 * A run that failed with only its own lane, having run for next to nothing past its start-up (a
 * SyntaxError, an import that failed, a crash at once), did no work to judge: no verdict says otherwise.
 */
/** Imported slices are this share of the workers' time: the file says when lanes were busy, not how. */
export const SLICE_SHARE = 0.5;

/**
 * An imported trace whose slices name no state (most traces other tools write): the file shows when
 * each lane was inside a slice, not whether it ran on a CPU or waited, so only concurrency is judged.
 */
function statesUnknown(e: Evidence): Verdict | null {
  let total = 0;
  for (const us of Object.values(e.workers.stateUs)) total += us;
  if (total === 0 || e.workers.stateUs.slice < SLICE_SHARE * total) return null;
  const alive = e.summary.peakAlive;
  return {
    rule: 'states-unknown',
    sentence: `Up to ${alive} lanes were alive at once: that is concurrency. This trace's slices do not say whether their threads ran on a CPU or waited, so whether any ran in parallel cannot be told from it.`,
    short: `${alive} at once; ran or waited: not recorded`,
  };
}

function failedBeforeWork(e: Evidence): Verdict | null {
  const [only, ...others] = e.summary.lanes;
  if (e.failure === null || !only || others.length > 0) return null;
  if (only.stateUs.running + only.stateUs.blocking >= FAILED_EARLY_US) return null;
  return {
    rule: 'failed-before-work',
    sentence: `The run failed (${e.failure}) before it did any work: there is no concurrency or parallelism to judge.`,
    short: 'failed before any work',
  };
}

/**
 * Two or more CPU-bound threads of one Python process under a GIL (the main thread counts, if it
 * computes too) that waited for the GIL a good share of the time they wanted a core: the GIL let
 * one run Python at a time. Only where the OS was sampled: that is where waiting for the GIL is
 * seen, not guessed.
 */
function gilSerialised(e: Evidence): Verdict | null {
  const g = e.gil;
  if (!e.python?.sampled || !e.python.gil || !g || g.threads < 2 || g.aliveUs <= 0) return null;
  if (g.gilWaitUs < GIL_WAIT_SHARE * g.wantedUs) return null;
  const busy = g.coresBusy === null ? '' : `, ${g.coresBusy.toFixed(1)} cores busy on average`;
  const threads = plural(g.threads, 'thread', 'threads');
  return {
    rule: 'gil-serialised',
    sentence: `${threads} wanted the CPU ${percent(g.wantedUs / g.aliveUs)} of their time but waited for the GIL ${percent(g.gilWaitUs / g.wantedUs)} of it: the GIL let one run Python at a time${busy}.`,
    short: `${threads}: the GIL ran one at a time`,
  };
}

/**
 * Workers that mostly waited (on I/O, timers, sleeps) and whose waits add up to more than the time they
 * were alive together: their waits overlapped. Concurrency paid off without any parallelism.
 */
function ioOverlapped(e: Evidence): Verdict | null {
  const w = e.summary.workers;
  if (!w || w.count < 2 || e.summary.peakAlive < 2) return null;
  const alive = aliveUs(e);
  const waited = e.workers.waitedUs;
  if (alive <= 0 || waited < WAITING_SHARE * alive) return null;
  // One after another, the waits would take longer than the time the workers were alive together.
  const within = e.workers.spanUs;
  if (within <= 0 || waited < OVERLAP_FACTOR * within) return null;
  return {
    rule: 'io-overlapped',
    sentence: `${workersNoun(e.summary)} spent ${percent(waited / alive)} of their time waiting (on I/O, timers, sleeps), and their waits overlapped: ${seconds(waited)} of waiting fit in ${seconds(within)}. Concurrency paid off without parallelism.`,
    short: `${workersNoun(e.summary)}: overlapped their waits`,
  };
}

/** Python processes that kept more than one core busy: each has its own interpreter and GIL. */
function processesParallel(e: Evidence): Verdict | null {
  const w = e.summary.workers;
  if (!e.python?.sampled || w?.kind !== 'process' || w.count < 2 || w.coresBusy === null) return null;
  if (w.coresBusy <= PARALLEL_CORES) return null;
  return {
    rule: 'processes-parallel',
    sentence: `${workersNoun(e.summary)}, ${w.coresBusy.toFixed(1)} cores busy on average: each has its own interpreter and GIL, so they ran in parallel.`,
    short: `${workersNoun(e.summary)}: in parallel`,
  };
}

/** A task held its event loop (a blocking call inside a coroutine) while other tasks were ready and held back. */
function loopBlocked(e: Evidence): Verdict | null {
  const l = e.loop;
  if (l.blockingUs < LOOP_BLOCKED_US || l.heldBackUs < LOOP_BLOCKED_US || l.heldBack === 0) return null;
  const what = l.blocker ? ` (${l.blocker.replace(/ holds the event loop$/, '')})` : '';
  return {
    rule: 'loop-blocked',
    sentence: `A task held the event loop for ${seconds(l.blockingUs)}${what}: ${plural(l.heldBack, 'other task was', 'other tasks were')} ready to go on but had to wait, ${seconds(l.heldBackUs)} in all.`,
    short: 'a task blocked the event loop',
  };
}

/** Never more than one lane alive at once. */
function oneAtATime(e: Evidence): Verdict | null {
  if (e.summary.peakAlive > 1) return null;
  return {
    rule: 'one-at-a-time',
    sentence: 'One lane at a time: neither concurrent nor parallel.',
    short: 'one at a time',
  };
}

/** Several lanes in progress, never two running at the same instant. */
function concurrentNotParallel(e: Evidence): Verdict | null {
  const s = e.summary;
  if (s.peakReady > 1) return null;
  return {
    rule: 'concurrent-not-parallel',
    sentence: `Concurrency without parallelism: ${s.peakAlive} lanes were in progress at once, but never more than one ran at the same instant.`,
    short: `concurrency: ${s.peakAlive} in progress, 1 running at a time`,
  };
}

/** Python traced without sampling the OS: "running" may be waiting for the GIL, so parallelism is not claimed. */
function notSampled(e: Evidence): Verdict | null {
  if (!e.python || e.python.sampled) return null;
  const s = e.summary;
  return {
    rule: 'not-sampled',
    sentence: `${s.peakReady} lanes were busy at the same instant. The OS scheduler was not sampled, so this run cannot tell whether they ran in parallel or took turns (threads holding the GIL one at a time).`,
    short: `${s.peakReady} busy at once (not sampled)`,
  };
}

/** More lanes ready at once than the CPU they got: they took turns for the cores. */
function tookTurns(e: Evidence): Verdict | null {
  const s = e.summary;
  if (s.peakCores === null || s.peakRunning >= s.peakReady) return null;
  return {
    rule: 'took-turns',
    sentence: `${s.peakReady} lanes were ready to run at the same instant, but they got only about ${s.peakCores.toFixed(1)} cores between them: the OS made them take turns with each other and with other programs (hatched bars).`,
    short: `${s.peakReady} ready at once, but sharing ${s.peakCores.toFixed(1)} cores`,
  };
}

/** Lanes that ran at the same instant. */
function parallel(e: Evidence): Verdict {
  const s = e.summary;
  return {
    rule: 'parallel',
    sentence: `Parallelism: ${s.peakRunning} lanes ran at the same instant on ${s.cores} cores.`,
    short: `parallelism: ${s.peakRunning} running at the same instant`,
  };
}

/** The rules, most specific first: the first that holds gives the verdict. */
const RULES: readonly ((e: Evidence) => Verdict | null)[] = [
  statesUnknown,
  failedBeforeWork,
  gilSerialised,
  loopBlocked,
  processesParallel,
  ioOverlapped,
  oneAtATime,
  concurrentNotParallel,
  notSampled,
  tookTurns,
];

/**
 * What a run showed, in one sentence a teacher can read out and in a few
 * words (under a comparison table), from the first rule its evidence meets.
 */
export function verdictOf(e: Evidence): Verdict {
  for (const rule of RULES) {
    const verdict = rule(e);
    if (verdict) return verdict;
  }
  return parallel(e);
}

/** Every rule the evidence meets (not only the first): what the chart's annotations are drawn from. */
export function rulesThatHold(e: Evidence): Set<VerdictRule> {
  const holds = new Set<VerdictRule>();
  for (const rule of RULES) {
    const verdict = rule(e);
    if (verdict) holds.add(verdict.rule);
  }
  return holds;
}
