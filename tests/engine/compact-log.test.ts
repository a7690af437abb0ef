import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src-main/protocol/events';
import { makeEngine } from './helpers';

/**
 * A run keeps its state events as the spans they opened (about 8 bytes each instead of 125): what it
 * hands a late client, `--events` and the tests must be exactly the events it sent live.
 */
describe('the compact event log', () => {
  for (const [what, start] of [
    [
      'a Node scenario',
      (e: ReturnType<typeof makeEngine>) => e.start('node-threads', { tasks: 3, work: 20, waitMs: 30, locked: 10 }),
    ],
    [
      'a traced Python script',
      (e: ReturnType<typeof makeEngine>) =>
        e.startScript({ script: resolve(import.meta.dirname, '../python/scripts/fidelity/task_names.py'), args: [] }),
    ],
  ] as const) {
    test(`${what}: the events kept are the events sent, in order, field for field`, async () => {
      const engine = makeEngine();
      const sent: EngineEvent[] = [];
      engine.onBatch((batch) => {
        for (const event of batch.events) sent.push(event);
      });
      const run = await start(engine);
      await run.finished;
      run.flush();
      const kept = run.events;
      expect(kept.filter((e) => e.type === 'state').length).toBeGreaterThan(5);
      expect(JSON.stringify(kept)).toBe(JSON.stringify(sent));
      expect(run.snapshot().events).toEqual(sent);
    }, 30_000);
  }
});
