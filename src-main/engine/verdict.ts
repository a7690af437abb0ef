import type { RunSummary } from '../protocol/events';

/** For several Python threads or processes: how many cores they kept busy, and whether the GIL held them back. */
function workers(s: Omit<RunSummary, 'verdict'>, gil: boolean): string | null {
  const w = s.workers;
  if (!w || w.count < 2 || w.coresBusy === null || (w.kind !== 'thread' && w.kind !== 'process')) return null;
  const busy = `${w.count} ${w.kind === 'thread' ? 'threads' : 'processes'}, ${w.coresBusy.toFixed(1)} cores busy on average`;
  const waited = s.lanes.reduce((t, l) => t + l.stateUs['gil-wait'], 0);
  const running = s.lanes.reduce((t, l) => t + l.stateUs.running, 0);
  if (w.kind === 'thread' && gil && waited > 0.2 * running) return `${busy}: the GIL serialised them.`;
  if (w.kind === 'process' && w.coresBusy > 1.3) return `${busy}: each has its own GIL, so they ran in parallel.`;
  return null;
}

/**
 * What a run showed, in one sentence a teacher can read out and in a few
 * words (under a comparison table). Python runs that sampled the OS speak
 * of their workers and the GIL; every run of parallelism or concurrency.
 */
export function verdictOf(
  s: Omit<RunSummary, 'verdict'>,
  python: { gil: boolean; sampled: boolean } | null,
): RunSummary['verdict'] {
  const w = python?.sampled ? workers(s, python.gil) : null;
  if (w) return { sentence: w, short: w };
  if (s.peakAlive <= 1)
    return { sentence: 'One lane at a time: neither concurrent nor parallel.', short: 'one at a time' };
  if (s.peakReady <= 1) {
    return {
      sentence: `Concurrency without parallelism: ${s.peakAlive} lanes were in progress at once, but never more than one ran at the same instant.`,
      short: `concurrency: ${s.peakAlive} in progress, 1 running at a time`,
    };
  }
  if (python && !python.sampled) {
    // The tracer only knows a thread is outside any waiting call: running, or waiting for the GIL.
    return {
      sentence: `${s.peakReady} lanes were busy at the same instant. The OS scheduler was not sampled, so this run cannot tell whether they ran in parallel or took turns (threads holding the GIL one at a time).`,
      short: `${s.peakReady} busy at once (not sampled)`,
    };
  }
  if (s.peakCores !== null && s.peakRunning < s.peakReady) {
    return {
      sentence: `${s.peakReady} lanes were ready to run at the same instant, but they got only about ${s.peakCores.toFixed(1)} cores between them: the OS made them take turns with each other and with other programs (hatched bars).`,
      short: `${s.peakReady} ready at once, but sharing ${s.peakCores.toFixed(1)} cores`,
    };
  }
  return {
    sentence: `Parallelism: ${s.peakRunning} lanes ran at the same instant on ${s.cores} cores.`,
    short: `parallelism: ${s.peakRunning} running at the same instant`,
  };
}
