import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { findPython } from '../../src-main/engine/python/interpreter';
import { finished, makeEngine } from '../engine/helpers';

/**
 * The tracer must be invisible: CPython's own regression tests for what it
 * patches pass traced exactly as they do untraced, test by test.
 *
 * `npm test` runs the modules below marked fast; `npm run test:pythons` runs
 * them all, once per interpreter (KITCHEN_STDLIB=all). Left out, and why:
 * - test_multiprocessing_fork / _spawn / _forkserver: the whole multiprocessing
 *   suite takes minutes per start method and starts thousands of processes; its
 *   main-module handling (test_multiprocessing_main_handling) is in.
 * - the rest of test_asyncio (events, streams, subprocess, …): the tracer patches
 *   tasks, the loop's handles and selectors; the suites named here cover those.
 */
const MODULES: readonly { readonly name: string; readonly fast: boolean; readonly since?: string }[] = [
  { name: 'test.test_threading', fast: true },
  { name: 'test.test_thread', fast: true },
  { name: 'test.test_threading_local', fast: true },
  { name: 'test.test_asyncio.test_locks', fast: true },
  { name: 'test.test_asyncio.test_queues', fast: true },
  { name: 'test.test_asyncio.test_threads', fast: true },
  { name: 'test.test_asyncio.test_taskgroups', fast: true, since: '3.11' },
  { name: 'test.test_queue', fast: false },
  { name: 'test.test_threadsignals', fast: false },
  { name: 'test.test_multiprocessing_main_handling', fast: false },
  { name: 'test.test_asyncio.test_tasks', fast: false },
];

const RUNNER = resolve(import.meta.dirname, 'stdlib', 'run_tests.py');
const all = process.env.KITCHEN_STDLIB === 'all';
const work = mkdtempSync(join(tmpdir(), 'kitchen-stdlib-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
/** A timing-dependent test can differ by chance: a difference is looked at again this many times. */
const RETRIES = 2;

type Outcomes = Record<string, string>;

const python = await findPython(null).catch(() => null);

/** Whether this interpreter has the test module (some distributions ship Python without its tests). */
function available(module: string): boolean {
  if (!python) return false;
  return spawnSync(python.executable, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

let runs = 0;
function outFile(): string {
  return join(work, `outcomes-${runs++}.json`);
}

/** The tests' outcomes, run as `python run_tests.py` in a plain environment. */
function untraced(names: readonly string[]): Outcomes {
  if (!python) throw new Error('no Python');
  const out = outFile();
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1' };
  delete env.KITCHEN_TRACE_SOCKET;
  delete env.KITCHEN_T0_NS;
  spawnSync(python.executable, [RUNNER, out, ...names], { env, stdio: 'ignore', timeout: 600_000 });
  return JSON.parse(readFileSync(out, 'utf8')) as Outcomes;
}

/** The same, traced by the engine as the app traces a script. */
async function traced(names: readonly string[]): Promise<Outcomes> {
  if (!python) throw new Error('no Python');
  const out = outFile();
  await finished(await makeEngine().startScript({ script: RUNNER, args: [out, ...names], python: python.executable }));
  return JSON.parse(readFileSync(out, 'utf8')) as Outcomes;
}

/** Test ids whose outcomes differ (one missing counts as differing). */
function differences(a: Outcomes, b: Outcomes): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((id) => a[id] !== b[id]).sort();
}

describe("CPython's own tests pass traced as they do untraced", () => {
  for (const module of MODULES) {
    const run = all || module.fast;
    test.runIf(run)(
      module.name,
      async (ctx) => {
        if (!python) ctx.skip('no Python');
        if (module.since && compareVersions(python?.version ?? '0', module.since) < 0) {
          console.log(`${module.name}: not in Python ${python?.version} (from ${module.since})`);
          ctx.skip();
        }
        if (!available(module.name)) {
          console.log(`${module.name}: this Python has no such test module (its tests are not installed): skipped`);
          ctx.skip();
        }
        const plain = untraced([module.name]);
        const ours = await traced([module.name]);
        expect(Object.keys(plain).length).toBeGreaterThan(0);
        let differing = differences(plain, ours);
        if (differing.length > 0)
          console.log(`${module.name}: differed at first, looked at again: ${differing.join(', ')}`);
        // A test that differs is run again, both ways, on its own: chance does not repeat, a difference does.
        for (let attempt = 0; attempt < RETRIES && differing.length > 0; attempt++) {
          const again = untraced(differing);
          const againOurs = await traced(differing);
          differing = differences(again, againOurs);
          for (const id of differing) {
            plain[id] = again[id];
            ours[id] = againOurs[id];
          }
        }
        expect(
          differing.map((id) => `${id}: ${plain[id] ?? 'missing'} untraced, ${ours[id] ?? 'missing'} traced`),
        ).toEqual([]);
      },
      900_000,
    );
  }
});

/** -1, 0 or 1 as version a ("3.11.7") is before, at or after b ("3.11"), compared over b's parts. */
function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < y.length; i++) {
    if ((x[i] ?? 0) !== y[i]) return (x[i] ?? 0) < y[i] ? -1 : 1;
  }
  return 0;
}
