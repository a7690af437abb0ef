import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    const ids = ['chef-concurrent', 'chef-parallel', 'node-threads', 'node-processes', 'node-async'];
    // Issue 16's lessons, and the model matrix's cells.
    ids.push('py-threads-io', 'py-async-blocking', 'py-jupyter-loop', 'matrix-io-threads', 'matrix-cpu-processes');
    for (const id of ids) {
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

  test('run py-jupyter-loop prints the RuntimeError, then both tasks complete', () => {
    const result = kitchen('run', 'py-jupyter-loop', '--param', 'waitMs=100');
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('RuntimeError: asyncio.run() cannot be called from a running event loop');
    expect(result.stdout).toContain('Task 1 is complete');
    expect(result.stdout).toContain('Task 2 is complete');
  });

  test('matrix runs the eight cells for real and writes them as JSON (loose bounds: a shared machine)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kitchen-')), 'matrix.json');
    const params = ['--param', 'jobs=4', '--param', 'delayMs=250', '--param', 'size=40'];
    const result = spawnSync(process.execPath, [CLI, 'matrix', ...params, '--json', file], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const cells = JSON.parse(readFileSync(file, 'utf8')) as {
      workload: string;
      model: string;
      wallMs: number;
      speedup: number;
    }[];
    expect(cells.map((c) => `${c.workload}/${c.model}`)).toEqual([
      'io/sequential',
      'io/threads',
      'io/asyncio',
      'io/processes',
      'cpu/sequential',
      'cpu/threads',
      'cpu/asyncio',
      'cpu/processes',
    ]);
    const cell = (w: string, m: string) => cells.find((c) => c.workload === w && c.model === m)!;
    // Four downloads of 250 ms: one after another at least 1 s; overlapped, far less.
    expect(cell('io', 'sequential').wallMs).toBeGreaterThan(1000);
    expect(cell('io', 'threads').speedup).toBeGreaterThan(2);
    expect(cell('io', 'asyncio').speedup).toBeGreaterThan(2);
    // Arithmetic under the GIL: threads and asyncio gain nothing to speak of.
    expect(cell('cpu', 'threads').speedup).toBeLessThan(1.35);
    expect(cell('cpu', 'asyncio').speedup).toBeLessThan(1.35);
    for (const c of cells) expect(c.speedup).toBeCloseTo(cell(c.workload, 'sequential').wallMs / c.wallMs, 6);
    expect(result.stdout).toMatch(/^On this \d+-core machine, for downloads .+; for arithmetic .+\.$/m);
  });

  test('bad input gets a clear message and exit code 2', () => {
    const unknown = kitchen('run', 'chef-paralel');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown scenario "chef-paralel" \(known: chef-concurrent, /);
    const bounds = kitchen('run', 'chef-parallel', '--param', 'chop=0');
    expect(bounds.status).toBe(2);
    expect(bounds.stderr).toContain('params.chop: Chopping work must be a whole number from 1 to 2000, got 0');
    const shape = kitchen('run', 'chef-parallel', '--param', 'chop');
    expect(shape.status).not.toBe(0);
    expect(shape.stderr).toContain('expected key=value, got "chop"');
    const nan = kitchen('run', 'chef-parallel', '--param', 'chop=lots');
    expect(nan.stderr).toContain('chop: expected a decimal number, got "lots"');
    // Decimal numbers only: not hexadecimal, not blank.
    for (const odd of ['chop=0x10', 'chop= 5', 'chop=', 'chop=Infinity']) {
      const refused = kitchen('run', 'chef-parallel', '--param', odd);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('expected a decimal number');
    }
    // The option parser's own errors exit 2 too, as documented; help and the version exit 0.
    expect(kitchen('run').status).toBe(2);
    expect(kitchen('no-such-command').status).toBe(2);
    expect(kitchen('--version').status).toBe(0);
    expect(kitchen('--help').status).toBe(0);
  });

  test('--out that cannot be written is refused before the run; one that fails at the end is saved elsewhere', () => {
    const missing = kitchen('run', 'chef-parallel', '--out', '/no/such/folder/t.json');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--out: cannot write /no/such/folder/t.json: there is no folder /no/such/folder');
    expect(missing.stdout).toBe('');
    // The script removes the folder the trace was to go to: the trace goes to the temporary folder, the
    // CLI says where, and exits with the script's own code.
    const folder = mkdtempSync(join(tmpdir(), 'kitchen-out-'));
    const gone = kitchen(
      'trace',
      '--out',
      join(folder, 't.json'),
      '--',
      'python3',
      resolve('tests/python/scripts/remove_folder.py'),
      folder,
    );
    expect(gone.status).toBe(4);
    const saved = /written to (\S+) instead/.exec(gone.stderr)?.[1] ?? '';
    expect(JSON.parse(readFileSync(saved, 'utf8')).traceEvents.length).toBeGreaterThan(0);
    rmSync(saved);
  });
});
