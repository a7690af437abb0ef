import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Engine } from '../../src-main/engine/engine';
import { builtLayout } from '../../src-main/engine/build-paths';
import type { Run } from '../../src-main/engine/run';
import { buildTimeline, type Span, type SpanArrayTimeline as Timeline } from '../../src-shared/timeline';
import type { EngineEvent, RunSummary } from '../../src-main/protocol/events';

const layout = builtLayout(resolve(import.meta.dirname, '../../out/main'));

/** The built workload every thread and process runs. */
export const WORKLOAD_ENTRY = layout.entry;

/** A real engine over the built workload, sampler and tracer. */
export function makeEngine(): Engine {
  return new Engine({ ...layout, transport: 'browser', version: 'test' });
}

/** What a finished run did. */
export interface Finished {
  readonly run: Run;
  readonly summary: RunSummary;
  readonly timeline: Timeline;
  readonly ended: Extract<EngineEvent, { type: 'run-ended' }>;
}

/** Runs a scenario to its end. */
export async function runToEnd(
  engine: Engine,
  scenarioId: string,
  params: Record<string, number> = {},
): Promise<Finished> {
  return finished(await engine.start(scenarioId, params));
}

/** What a run did, once it has ended. */
export async function finished(run: Run): Promise<Finished> {
  const summary = await run.finished;
  const ended = run.events.at(-1);
  if (ended?.type !== 'run-ended') throw new Error('the last event is not run-ended');
  return { run, summary, timeline: buildTimeline(run.events), ended };
}

/** Spans of one lane (by name) in some states. */
export function spansOf(timeline: Timeline, laneName: string, states: readonly string[]): Span[] {
  const lane = timeline.lanes.find((l) => l.info.name === laneName);
  if (!lane) throw new Error(`no lane named ${laneName}: ${timeline.lanes.map((l) => l.info.name).join(', ')}`);
  return timeline.spans.filter((s) => s.laneId === lane.info.laneId && states.includes(s.state));
}

/** Sum of span lengths. */
export const totalUs = (spans: readonly Span[]): number => spans.reduce((t, s) => t + s.endUs - s.startUs, 0);

/**
 * Whether a process still exists. A zombie (exited, not yet reaped by
 * whoever adopted it) no longer runs and counts as gone.
 */
export function processAlive(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether an OS thread of this process still exists (Linux). */
export function threadAlive(tid: number): boolean {
  try {
    readFileSync(`/proc/self/task/${tid}/stat`);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `predicate` holds over the run's events (polling), or fails after `ms`. */
export async function until(
  run: Run,
  predicate: (events: readonly EngineEvent[]) => boolean,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate(run.events)) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the run to reach the expected point');
    await new Promise((r) => setTimeout(r, 10));
  }
}
