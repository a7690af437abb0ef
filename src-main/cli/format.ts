import { SPAN_STATES, type RunEndReason, type RunSummary, type SpanState } from '../protocol/events';

/** Microseconds as a short human duration: `850 µs`, `12.3 ms`, `1.21 s`. */
export function formatUs(us: number): string {
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(us < 1e4 ? 2 : 1)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const plural = (n: number, word: string): string =>
  `${n} ${n === 1 ? word : word.endsWith('s') ? `${word}es` : `${word}s`}`;

/** Lanes listed one a row under the summary; the rest are counted (a script may start thousands). */
const MAX_LANE_ROWS = 40;

const HEADINGS: Readonly<Record<SpanState, string>> = {
  starting: 'starting',
  running: 'running',
  waiting: 'waiting',
  blocked: 'blocked',
  'gil-wait': 'GIL wait',
  blocking: 'blocking',
  slice: 'in slice',
};

/**
 * The run summary as the CLI prints it. `more` says where the lanes not listed are (a run's: its
 * trace; a file's: the file).
 */
export function formatSummary(
  scenarioId: string,
  reason: RunEndReason,
  message: string | null,
  s: RunSummary,
  more = 'every one is in the trace (--out)',
): string {
  // The six states of a live run; an imported trace's slices where it has them, and then only states it has.
  const has = (state: SpanState) => s.lanes.some((l) => l.stateUs[state] > 0);
  const states = SPAN_STATES.filter((state) => (has('slice') ? has(state) : state !== 'slice'));
  const unknownStates = s.verdict.rule === 'states-unknown';
  const lines = [
    `${scenarioId}: ${reason}${message ? ` (${message})` : ''}`,
    `  ${s.verdict.sentence}`,
    `  wall time          ${formatUs(s.wallUs)}`,
    s.cpuUs === null || s.coresBusy === null
      ? '  CPU time           not measured (the OS scheduler was not sampled)'
      : `  CPU time           ${formatUs(s.cpuUs)} (${s.coresBusy.toFixed(2)} of ${plural(s.cores, 'core')} busy on average)`,
    unknownStates
      ? '  parallelism        not recorded (the slices do not say whether their lanes ran or waited)'
      : `  parallelism        ${plural(s.peakRunning, 'lane')} running at the same instant, at most` +
        (s.peakCores === null
          ? ''
          : ` (${s.peakCores.toFixed(2)} cores' worth of CPU` +
            `${s.peakReady > s.peakRunning ? `; ${s.peakReady} were ready at once and took turns` : ''})`),
    `  concurrency        ${plural(s.peakAlive, 'lane')} alive at the same instant, at most`,
    ...(s.workers
      ? [
          `  the workers        ${plural(s.workers.count, s.workers.kind)}` +
            (s.workers.coresBusy === null
              ? ''
              : `, ${s.workers.coresBusy.toFixed(2)} cores busy on average while they ran`),
        ]
      : []),
    ...(s.samplingHz ? [`  OS sampling        ${s.samplingHz} Hz`] : []),
    ...(s.output.printed > s.output.drawn
      ? [`  printed lines      ${s.output.printed} (the chart and the trace keep the first ${s.output.drawn})`]
      : []),
    ...(s.lanesLeftOut > 0
      ? [
          `  lanes left out     ${s.lanesLeftOut} (past the ${s.lanes.length} a run keeps: they ran, but are not in the trace)`,
        ]
      : []),
    s.sequentialUs === null || s.speedup === null
      ? '  one after another  unknown (a traced script does not say how long its parts take alone)'
      : `  one after another  ${formatUs(s.sequentialUs)} → speedup ${s.speedup.toFixed(2)}×`,
    '',
    `  ${pad('lane', 28)}${['cpu', ...states.map((state) => HEADINGS[state])].map((h) => lpad(h, 10)).join('')}`,
  ];
  for (const lane of s.lanes.slice(0, MAX_LANE_ROWS)) {
    const cells = [
      lane.cpuUs === null ? '—' : formatUs(lane.cpuUs),
      ...states.map((state) => formatUs(lane.stateUs[state])),
    ];
    lines.push(`  ${pad(lane.name.slice(0, 27), 28)}${cells.map((c) => lpad(c, 10)).join('')}`);
  }
  const left = s.lanes.length - MAX_LANE_ROWS;
  if (left > 0) lines.push(`  … and ${plural(left, 'more lane')}: ${more}`);
  return lines.join('\n');
}
