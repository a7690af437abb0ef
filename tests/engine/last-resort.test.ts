import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { stopRunsBeforeDying } from '../../src-main/engine/last-resort';
import { makeEngine, processAlive, until } from './helpers';

test('an error nobody caught stops every run (its processes gone) before the process exits', async () => {
  const engine = makeEngine();
  const listeners: ((err: unknown) => void)[] = [];
  const said: string[] = [];
  let exited: number | null = null;
  stopRunsBeforeDying(engine, {
    on: (_event, listener) => listeners.push(listener),
    exit: (code) => (exited = code),
    say: (line) => said.push(line),
  });
  expect(listeners).toHaveLength(2);
  const run = await engine.startScript({ script: resolve('tests/python/scripts/forever.py'), args: [] });
  const pids = () => [...new Set(run.events.flatMap((e) => (e.type === 'lane-ready' ? [e.pid] : [])))];
  await until(run, () => pids().length >= 2);
  listeners[0](new Error('something broke'));
  await until(run, () => exited !== null, 5000);
  expect(exited).toBe(1);
  expect(run.running).toBe(false);
  expect(pids().filter(processAlive)).toEqual([]);
  expect(said[0]).toMatch(/^Concurrency Kitchen stopped on an error it did not expect: something broke\n/);
});
