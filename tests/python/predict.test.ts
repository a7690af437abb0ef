import { describe, expect, test } from 'vitest';
import { answerFor, questionFor, revealSentence } from '../../src-shared/predict';
import { makeEngine, runToEnd } from '../engine/helpers';

/** Every lesson's Predict question, answered by a real run: the answer is what was measured. */
const QUICK: Record<string, Record<string, number>> = {
  'chef-concurrent': { chop: 60, boilMs: 100, finish: 10 },
  'chef-parallel': { chop: 120, boilMs: 100, finish: 10 },
  'node-threads': { work: 100, waitMs: 50, locked: 10 },
  'node-processes': { work: 100, waitMs: 50 },
  'node-async': { waitMs: 150 },
  'py-threading': { waitMs: 150 },
  'py-multiprocessing': { waitMs: 150 },
  'py-asyncio': { waitMs: 150 },
  'py-threads-io': { pages: 3, delayMs: 150 },
  'py-threads-cpu': { work: 1500 },
  'py-processes-cpu': { work: 1500 },
  'py-async-blocking': { waitMs: 200 },
  'py-jupyter-loop': { waitMs: 100 },
};

/** Answers that do not depend on how busy the machine is. */
const SURE: Record<string, string> = {
  'chef-concurrent': 'one',
  'py-threading': 'together',
  'py-multiprocessing': 'together',
  'py-asyncio': 'together',
  'node-async': 'together',
  'py-threads-io': 'together',
  'py-threads-cpu': 'same',
  'py-async-blocking': 'wait',
  'py-jupyter-loop': 'error',
};

describe('Predict: every lesson asks, and the run answers with its numbers', () => {
  const engine = makeEngine();
  for (const [id, params] of Object.entries(QUICK)) {
    test(id, async () => {
      const { run, summary } = await runToEnd(engine, id, params);
      const model = run.model!;
      const question = questionFor(id, model.params);
      expect(question).not.toBeNull();
      expect(question!.choices.length).toBeGreaterThanOrEqual(2);
      expect(question!.choices.length).toBeLessThanOrEqual(4);
      const { timelineOf } = await import('../../src-shared/timeline');
      const answer = answerFor(id, { params: model.params, summary, timeline: timelineOf(model) });
      expect(answer).not.toBeNull();
      expect(question!.choices.map((c) => c.id)).toContain(answer!.choice);
      if (SURE[id]) expect(answer!.choice).toBe(SURE[id]);
      // The reveal says a measured number.
      expect(answer!.measured).toMatch(/\d/);
      const wrong = question!.choices.find((c) => c.id !== answer!.choice)!.id;
      expect(revealSentence(question!, answer!.choice, answer!)).toMatch(/: right\. /);
      if (process.env.SHOW_REVEALS)
        console.log(`${question!.question}\n  ${revealSentence(question!, wrong, answer!)}`);
      expect(revealSentence(question!, wrong, answer!)).toContain('the run says');
    });
  }
});

describe('lessons say what the machine did, from the measurement', () => {
  test('more threads than cores: the note names the cores and the lanes that waited for one', async () => {
    const { machineNotes } = await import('../../src-shared/machine');
    const engine = makeEngine();
    const cores = engine.cores;
    const { run, summary } = await runToEnd(engine, 'node-threads', {
      tasks: Math.min(8, cores + 2),
      work: 400,
      waitMs: 0,
      locked: 0,
    });
    const notes = machineNotes(run.model!, summary);
    expect(summary.peakReady).toBeGreaterThan(cores);
    expect(notes.join(' ')).toContain(`This machine has ${cores} cores and ${summary.peakReady} lanes were ready`);
    // The threads took turns for the cores: the hatched share is measured and said.
    expect(notes.join(' ')).toMatch(/For \d+% of their running time \(\d+ ms\) the lanes shared a core/);
  });
});
