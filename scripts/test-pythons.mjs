/**
 * `npm run test:pythons [-- /path/to/python ...]`: the Python tests (tests/python) once per interpreter.
 *
 * The interpreters are the arguments, else KITCHEN_TEST_PYTHONS (space-separated paths), else whichever
 * of python3.9 … python3.14 run on PATH. Each run sets KITCHEN_PYTHON, as a user would. Exits non-zero
 * if any interpreter's run fails, or if none was found.
 */
import { spawnSync } from 'node:child_process';

const VERSIONS = ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];

const asked = process.argv.slice(2).length
  ? process.argv.slice(2)
  : (process.env.KITCHEN_TEST_PYTHONS ?? '').split(/\s+/).filter(Boolean);
const candidates = asked.length ? asked : VERSIONS.map((v) => `python${v}`);

/**
 * The interpreter's version, or null if it does not run (a missing one, or a pyenv shim not enabled).
 * @param {string} python
 * @returns {string | null}
 */
function version(python) {
  const probe = spawnSync(python, ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

const found = candidates.flatMap((python) => {
  const v = version(python);
  if (v === null && asked.length) console.error(`${python}: does not run; skipped`);
  return v === null ? [] : [{ python, version: v }];
});
if (found.length === 0) {
  console.error(`No interpreter to test: pass paths, or set KITCHEN_TEST_PYTHONS, or put python3.x on PATH.`);
  process.exit(1);
}

const results = found.map(({ python, version: v }) => {
  console.log(`\n=== Python ${v} (${python})`);
  const run = spawnSync('npx', ['vitest', 'run', 'tests/python'], {
    stdio: 'inherit',
    // Every stdlib module (tests/python/stdlib.test.ts), not only the fast ones npm test runs.
    env: { ...process.env, KITCHEN_PYTHON: python, KITCHEN_STDLIB: 'all' },
  });
  return { python, version: v, ok: run.status === 0 };
});

console.log('\nPython tests by interpreter:');
for (const r of results) console.log(`  ${r.ok ? 'passed' : 'FAILED'}  ${r.version}  ${r.python}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
