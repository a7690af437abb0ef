import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const CLI = resolve('out/main/cli.js');
const kitchen = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('kitchen CLI', () => {
  test('lists every scenario with a line that says what it is', () => {
    const out = kitchen('scenarios');
    expect(out.status).toBe(0);
    for (const id of ['chef-concurrent', 'chef-parallel', 'node-threads', 'node-processes', 'node-async']) {
      expect(out.stdout).toMatch(new RegExp(`^${id} +\\S`, 'm'));
    }
  });

  test('runs a scenario headless, prints output and the summary, and writes a Chrome trace', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'kitchen-')), 'run.trace.json');
    const result = kitchen('run', 'chef-concurrent', '--param', 'chop=20', '--param', 'boilMs=50', '--out', out);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Dish 1 │ Dish 1: water on the stove');
    expect(result.stdout).toContain('chef-concurrent: completed');
    expect(result.stdout).toMatch(/parallelism +1 lane running at the same instant/);
    const trace = JSON.parse(readFileSync(out, 'utf8'));
    expect(trace.traceEvents.some((e: { ph: string }) => e.ph === 'X')).toBe(true);
    expect(trace.otherData.params).toEqual({ dishes: 2, chop: 20, boilMs: 50, finish: 50 });
  });

  test('trace passes the script through: its output, its exit code; the summary goes to stderr', () => {
    const result = kitchen('trace', '--', 'python3', resolve('tests/python/scripts/exits.py'), '3');
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('exiting with 3\n');
    expect(result.stderr).toContain('exits.py: failed (exits.py exited with code 3)');
    const syntax = kitchen('trace', '--', 'python3', resolve('tests/python/scripts/syntax_error.py'));
    expect(syntax.status).toBe(1);
    expect(syntax.stderr).toContain('SyntaxError');
    // Python's own options go before the script, as they would on the command line.
    const dev = kitchen('trace', '--', 'python3', '-X', 'dev', resolve('tests/python/scripts/exits.py'), '3');
    expect(dev.status).toBe(3);
    expect(dev.stdout).toBe('exiting with 3\n');
    const module = kitchen('trace', '--', 'python3', '-m', 'http.server');
    expect(module.status).toBe(2);
    expect(module.stderr).toContain('-m and -c are not traced');
  });

  test('bad input gets a clear message and exit code 2', () => {
    const unknown = kitchen('run', 'chef-paralel');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown scenario "chef-paralel" \(known: chef-concurrent, /);
    const bounds = kitchen('run', 'chef-parallel', '--param', 'chop=0');
    expect(bounds.status).toBe(2);
    expect(bounds.stderr).toContain('params.chop: expected a number from 1 to 2000, got 0');
    const shape = kitchen('run', 'chef-parallel', '--param', 'chop');
    expect(shape.status).not.toBe(0);
    expect(shape.stderr).toContain('expected key=value, got "chop"');
    const nan = kitchen('run', 'chef-parallel', '--param', 'chop=lots');
    expect(nan.stderr).toContain('chop: expected a number, got "lots"');
  });
});
