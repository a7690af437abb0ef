import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { findPython } from '../../src-main/engine/python/interpreter';
import { cachedTracerDir, preparedTracerDir } from '../../src-main/engine/python/tracer-dir';

const source = resolve(import.meta.dirname, '../../resources/python');
const scratch: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const compiled = (dir: string) => readdirSync(join(dir, '__pycache__')).filter((f) => f.startsWith('kitchen_tracer.'));

describe('the compiled tracer is kept in the cache', () => {
  test('made once, compiled, then found again as it was', async () => {
    const python = await findPython(null);
    const cache = temp('kitchen-cache-');
    const dir = await cachedTracerDir(python, source, cache);
    expect(dir.startsWith(cache)).toBe(true);
    expect(existsSync(join(dir, 'sitecustomize.py'))).toBe(true);
    expect(compiled(dir)).toHaveLength(1);
    const pyc = join(dir, '__pycache__', compiled(dir)[0]);
    const madeAt = statSync(pyc).mtimeMs;
    expect(await cachedTracerDir(python, source, cache)).toBe(dir);
    expect(statSync(pyc).mtimeMs).toBe(madeAt);
    expect(readdirSync(cache)).toEqual([dir.slice(cache.length + 1)]);
  });

  test('changed sources get a copy of their own; two preparations at once leave one copy', async () => {
    const python = await findPython(null);
    const cache = temp('kitchen-cache-');
    const [a, b] = await Promise.all([cachedTracerDir(python, source, cache), cachedTracerDir(python, source, cache)]);
    expect(a).toBe(b);
    const changed = temp('kitchen-source-');
    cpSync(source, changed, { recursive: true, filter: (p) => !p.includes('__pycache__') && !p.includes('lessons') });
    appendFileSync(join(changed, 'kitchen_tracer.py'), '\n# changed\n');
    const c = await cachedTracerDir(python, changed, cache);
    expect(c).not.toBe(a);
    // No half-made copy is left behind.
    expect(readdirSync(cache).sort()).toEqual([a, c].map((d) => d.slice(cache.length + 1)).sort());
  });

  // (POSIX ownership and modes: Windows has neither.)
  test.skipIf(typeof process.getuid !== 'function')('a cache folder others can write to is refused', async () => {
    const python = await findPython(null);
    const cache = temp('kitchen-cache-');
    chmodSync(cache, 0o777);
    await expect(cachedTracerDir(python, source, cache)).rejects.toThrow(/is not private to this user/);
    const dir = await preparedTracerDir(python, source, cache);
    expect(dir.startsWith(cache)).toBe(false);
    expect(readdirSync(cache)).toEqual([]);
  });

  test('where the cache cannot be written, a private copy is used instead', async () => {
    const python = await findPython(null);
    const file = join(temp('kitchen-cache-'), 'not-a-folder');
    writeFileSync(file, '');
    const dir = await preparedTracerDir(python, source, join(file, 'cache'));
    expect(dir.startsWith(file)).toBe(false);
    expect(existsSync(join(dir, 'kitchen_tracer.py'))).toBe(true);
  });
});
