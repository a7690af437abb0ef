import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { failedSummary, summarize, type SummaryContext } from '../../src-shared/summary';
import { buildTimeline } from '../../src-shared/timeline';
import type { EngineEvent, RunSummary, VerdictRule } from '../../src-main/protocol/events';

/**
 * One test per verdict rule, each fed by a real run recorded with the engine
 * (scripts/record-verdict-fixtures.mjs): the summary and the verdict are
 * worked out again from the run's events, as the engine did when it ran.
 */

const FIXTURES = resolve(import.meta.dirname, 'fixtures', 'verdicts');

/** A recorded run: its events, and the summary the engine gave it then. */
function recorded(rule: VerdictRule): { events: EngineEvent[]; then: RunSummary; context: SummaryContext } {
  const text = gunzipSync(readFileSync(resolve(FIXTURES, `${rule}.events.jsonl.gz`))).toString('utf8');
  const events = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as EngineEvent);
  const started = events.find((e) => e.type === 'run-started');
  const ended = events.at(-1);
  if (started?.type !== 'run-started' || ended?.type !== 'run-ended') throw new Error(`${rule}: not a whole run`);
  const then = ended.summary;
  const context: SummaryContext = {
    cores: started.cores,
    wallUs: then.wallUs,
    samplingHz: then.samplingHz,
    python: started.gil === null ? null : { gil: started.gil, sampled: started.sampled },
    lanesLeftOut: then.lanesLeftOut,
    threadCpu: true,
    output: then.output,
  };
  return { events, then, context };
}

/** The verdict worked out again from a recorded run; it must be the one the engine gave then. */
function verdictOf(rule: VerdictRule): { now: RunSummary; then: RunSummary } {
  const { events, then, context } = recorded(rule);
  const now = summarize(buildTimeline(events), context);
  expect(now.verdict).toEqual(then.verdict);
  return { now, then };
}

describe('verdicts, each from a recorded real run', () => {
  test('failed-before-work: a script that does not compile gets no verdict on concurrency', () => {
    const { now } = verdictOf('failed-before-work');
    expect(now.verdict.rule).toBe('failed-before-work');
    expect(now.verdict.sentence).toMatch(/^The run failed \(SyntaxError: .*\) before it did any work/);
  });

  test('gil-serialised: two CPU-bound threads, one at a time under the GIL', () => {
    const { now } = verdictOf('gil-serialised');
    expect(now.verdict.rule).toBe('gil-serialised');
    expect(now.verdict.sentence).toMatch(/^2 threads wanted the CPU \d+% of their time but waited for the GIL \d+%/);
    expect(now.workers?.coresBusy).toBeLessThan(1.2);
  });

  test('io-overlapped: threads downloading pages overlapped their waits, and the GIL is not blamed', () => {
    const { now } = verdictOf('io-overlapped');
    expect(now.verdict.rule).toBe('io-overlapped');
    expect(now.verdict.sentence).not.toMatch(/GIL/);
    expect(now.lanes.reduce((t, l) => t + l.stateUs['gil-wait'], 0)).toBeLessThan(0.05 * now.wallUs);
  });

  test('processes-parallel: two processes kept more than one core busy', () => {
    const { now } = verdictOf('processes-parallel');
    expect(now.verdict.rule).toBe('processes-parallel');
    expect(now.workers).toMatchObject({ kind: 'process', count: 2 });
  });

  test('loop-blocked: time.sleep in a coroutine held the loop while another task was ready', () => {
    const { now } = verdictOf('loop-blocked');
    expect(now.verdict.rule).toBe('loop-blocked');
    expect(now.verdict.sentence).toMatch(
      /^A task held the event loop for \d+ ms \(time\.sleep\(0\.3\)\): 1 other task was ready/,
    );
  });

  test('one-at-a-time: a single thread', () => {
    expect(verdictOf('one-at-a-time').now.verdict.rule).toBe('one-at-a-time');
  });

  test('concurrent-not-parallel: tasks on one loop that compute in turns', () => {
    const { now } = verdictOf('concurrent-not-parallel');
    expect(now.verdict.rule).toBe('concurrent-not-parallel');
    expect(now.peakCores).toBeLessThanOrEqual(1);
  });

  test('not-sampled: without the OS scheduler, threads busy at once are not called parallel', () => {
    const { now } = verdictOf('not-sampled');
    expect(now.verdict.rule).toBe('not-sampled');
    expect(now.cpuUs).toBeNull();
  });

  test('took-turns: 200 processes on the cores there are', () => {
    const { now } = verdictOf('took-turns');
    expect(now.verdict.rule).toBe('took-turns');
    expect(now.peakRunning).toBeLessThanOrEqual(now.cores);
    expect(now.peakCores).toBeLessThanOrEqual(now.cores);
  });

  test('parallel: the cook and the assistant chop at the same instant', () => {
    const { now } = verdictOf('parallel');
    expect(now.verdict.rule).toBe('parallel');
    expect(now.peakRunning).toBe(2);
  });

  test('no-summary: when the figures cannot be worked out, the verdict says so and nothing is claimed', () => {
    const { events, context } = recorded('parallel');
    const s = failedSummary(buildTimeline(events), context, 'something broke');
    expect(s.verdict).toEqual({ rule: 'no-summary', sentence: 'No verdict: something broke.', short: 'no summary' });
    expect([s.peakRunning, s.peakAlive, s.cpuUs]).toEqual([0, 0, null]);
  });
});
