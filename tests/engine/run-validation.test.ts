import { describe, expect, test } from 'vitest';
import { EngineStateError } from '../../src-main/engine/engine';
import { ValidationError } from '../../src-main/protocol/validate';
import { makeEngine } from './helpers';

describe('the engine at its borders', () => {
  test('a bad record from a workload is reported on the chart, not trusted', async () => {
    const engine = makeEngine();
    const run = await engine.start('chef-concurrent', { chop: 5, boilMs: 20, finish: 1 });
    run.ingest({ t: 'state', lane: 'dish1', state: 'dancing', detail: null, cpuUs: null, tsUs: 1 });
    run.ingest({ t: 'print', lane: 'nobody', stream: 'stdout', text: 'hi', tsUs: 1 });
    run.ingest('not json');
    await run.finished;
    const warnings = run.events.flatMap((e) => (e.type === 'console' && e.stream === 'stderr' ? [e.text] : []));
    expect(warnings).toEqual([
      expect.stringMatching(/^\[kitchen\] ignored a bad record: record.state: expected one of/),
      '[kitchen] ignored a record for unknown lane "nobody"',
      '[kitchen] ignored a bad record: record: expected an object, got "not json"',
    ]);
    expect(run.events.some((e) => e.type === 'state' && (e.state as string) === 'dancing')).toBe(false);
  });

  test('refuses unknown scenarios, bad parameters and a second run at once', async () => {
    const engine = makeEngine();
    expect(() => engine.start('chef-paralel')).toThrow(ValidationError);
    expect(() => engine.start('chef-parallel', { chop: 0 })).toThrow(
      'params.chop: Chopping work must be a whole number from 1 to 2000, got 0',
    );
    const run = await engine.start('node-async', { waitMs: 5000 });
    await expect(engine.start('node-async')).rejects.toThrow(EngineStateError);
    await engine.stopAll();
    expect(run.running).toBe(false);
  });

  test('a late client gets a snapshot whose seq continues the live batches', async () => {
    const engine = makeEngine();
    const seqs: number[] = [];
    engine.onBatch((b) => seqs.push(b.seq));
    const run = await engine.start('node-async', { tasks: 2, waitMs: 60 });
    await run.finished;
    const snapshot = engine.snapshot();
    expect(snapshot?.running).toBe(false);
    expect(snapshot?.seq).toBe(seqs.at(-1));
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(snapshot?.events).toEqual(run.events);
  });
});
