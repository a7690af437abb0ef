/**
 * `node scripts/record-verdict-fixtures.mjs [rule ...]`: records the real runs that the verdict tests
 * read (tests/engine/fixtures/verdicts), one for each verdict rule, through the built CLI.
 *
 * Each run's engine events are kept (gzipped JSON lines), less the cores view and the console, which
 * no verdict reads. A run is kept only if the engine gave it the verdict it is meant to show; a run
 * on a busy machine can show another, so each is tried up to three times. Re-record after a change
 * to the engine's events, and look at the diff of the tests, not of the files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const python = process.env.KITCHEN_PYTHON || 'python3';
/** @param {string} name a script of tests/python/scripts/fidelity */
const fidelity = (name) => join(root, 'tests/python/scripts/fidelity', name);
/** @param {string} script */
const trace = (script) => ['trace', '--', python, script];

/** @type {{ rule: string, command: string[], env?: Record<string, string> }[]} */
const FIXTURES = [
  { rule: 'failed-before-work', command: trace(join(root, 'tests/python/scripts/syntax_error.py')) },
  { rule: 'gil-serialised', command: trace(fidelity('cpu_threads.py')) },
  { rule: 'io-overlapped', command: trace(fidelity('io_threads.py')) },
  { rule: 'processes-parallel', command: ['run', 'py-processes-cpu', '-p', 'workers=2', '-p', 'work=1500'] },
  { rule: 'loop-blocked', command: trace(fidelity('blocked_loop.py')) },
  { rule: 'one-at-a-time', command: trace(fidelity('cpu_time.py')) },
  { rule: 'concurrent-not-parallel', command: trace(fidelity('asyncio_alone.py')) },
  { rule: 'not-sampled', command: trace(fidelity('cpu_threads.py')), env: { KITCHEN_SAMPLE_US: '0' } },
  { rule: 'took-turns', command: trace(fidelity('many_processes.py')) },
  { rule: 'parallel', command: ['run', 'chef-parallel'] },
];

const asked = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), 'kitchen-fixtures-'));
let failed = false;
for (const { rule, command, env } of FIXTURES) {
  if (asked.length > 0 && !asked.includes(rule)) continue;
  let kept = false;
  for (let attempt = 1; attempt <= 3 && !kept; attempt++) {
    const events = join(work, `${rule}.jsonl`);
    const [verb, ...rest] = command;
    spawnSync(process.execPath, [join(root, 'bin/kitchen.js'), verb, '--events', events, ...rest], {
      stdio: 'ignore',
      env: { ...process.env, ...env },
    });
    const lines = readFileSync(events, 'utf8').trim().split('\n');
    const ended = JSON.parse(lines.at(-1) ?? '{}');
    const got = ended.summary?.verdict?.rule;
    if (got !== rule) {
      console.log(`${rule}: attempt ${attempt} showed ${got}`);
      continue;
    }
    const kept_ = lines.filter((line) => !/^\{"type":"(core-span|console)"/.test(line));
    writeFileSync(
      join(root, 'tests/engine/fixtures/verdicts', `${rule}.events.jsonl.gz`),
      gzipSync(kept_.join('\n') + '\n', { level: 9 }),
    );
    console.log(`${rule}: recorded (${kept_.length} events)`);
    kept = true;
  }
  if (!kept) failed = true;
}
rmSync(work, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
