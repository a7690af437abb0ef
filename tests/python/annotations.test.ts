import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { annotationsOf, type AnnotationKind } from '../../src-shared/annotations';
import { RunModel } from '../../src-shared/run-model';
import type { EngineEvent, VerdictRule } from '../../src-main/protocol/events';
import { makeEngine, runToEnd } from '../engine/helpers';

/**
 * A run recorded with the engine (`kitchen run … --events`), as the page would hold it: a verdict's
 * (tests/engine/fixtures/verdicts), or one of this file's own (fixtures/).
 */
function recorded(rule: VerdictRule | 'pool-imbalance'): {
  kinds: AnnotationKind[];
  texts: string[];
  model: RunModel;
  found: ReturnType<typeof annotationsOf>;
} {
  const file =
    rule === 'pool-imbalance'
      ? resolve(import.meta.dirname, 'fixtures', `${rule}.events.jsonl.gz`)
      : resolve(import.meta.dirname, '../engine/fixtures/verdicts', `${rule}.events.jsonl.gz`);
  const events = gunzipSync(readFileSync(file))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as EngineEvent);
  const model = RunModel.fromEvents(events);
  if (!model?.end) throw new Error(`${rule}: not a whole run`);
  const found = annotationsOf(model, model.end.summary);
  for (const a of found) {
    // Each label points at an instant inside its lane's life.
    expect(a.atUs).toBeGreaterThanOrEqual(model.lanes[a.laneId].info.spawnedUs);
  }
  return { kinds: found.map((a) => a.kind), texts: found.map((a) => a.text), model, found };
}

/** The chart's labels come from the run's evidence: each pattern is pointed at, and only where it is. */
describe('annotations on the chart, from recorded runs (the verdict rules they share)', () => {
  test('threads under the GIL: the hand-over is pointed at', () => {
    const { kinds, texts } = recorded('gil-serialised');
    expect(kinds).toContain('gil-handover');
    expect(texts.join()).toMatch(/GIL handed over (by \S+ )?after \d+ ms waiting/);
  });

  test('a blocked event loop is pointed at, with the tasks of that loop it held', () => {
    const { kinds, texts } = recorded('loop-blocked');
    expect(kinds).toContain('loop-blocked');
    expect(kinds).not.toContain('gil-handover');
    expect(texts.join()).toMatch(/holds the event loop \d+ ms: \d+ tasks? ready, waiting/);
  });

  test('three equal jobs on a pool of two processes: the worker that did two finishes long after', () => {
    // Recorded on an idle 2-core machine. Live, how late a worker finishes depends on what else the
    // machine runs: under load a single job stretches past the gap, and two equal jobs can end far apart
    // (both happened in CI), so only a recorded run says what the rule must find.
    const { found, model } = recorded('pool-imbalance');
    const late = found.find((a) => a.kind === 'imbalance');
    expect(late?.text).toMatch(/^finished its work \d+ ms after the others$/);
    expect(model.lanes[late!.laneId].info.name).toMatch(/^ForkProcess-\d$/);
  });

  test('lanes taking turns for the cores; nothing of the kind where waits overlapped', () => {
    expect(recorded('took-turns').kinds).toContain('oversubscribed');
    const io = recorded('io-overlapped').kinds;
    for (const k of ['gil-handover', 'loop-blocked', 'oversubscribed'] as const) expect(io).not.toContain(k);
  });
});

describe('annotations that are plain measurements, from real runs', () => {
  const engine = makeEngine();

  test('child processes: their start-up cost', async () => {
    const { run, summary } = await runToEnd(engine, 'node-processes', { work: 50, waitMs: 50 });
    const startUp = annotationsOf(run.model!, summary).find((a) => a.kind === 'start-up');
    expect(startUp?.text).toMatch(/^process start-up \d+ ms$/);
  });
});
