import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PythonInfo } from '../../protocol/commands';
import { defaultCacheRoot } from './tracer-dir';

/** The oldest Python the tracer supports. */
const MIN_VERSION = [3, 9] as const;

/** Asks an interpreter who it really is: shims and launchers resolve to the executable behind them. */
const PROBE =
  'import json, sys; print(json.dumps({"executable": sys.executable, "version": sys.version.split()[0],' +
  ' "impl": sys.implementation.name, "gil": getattr(sys, "_is_gil_enabled", lambda: True)()}))';

function probe(command: string): Promise<PythonInfo> {
  return new Promise((resolve, reject) => {
    execFile(command, ['-c', PROBE], { timeout: 10_000, windowsHide: true }, (err, stdout) => {
      if (err) {
        reject(
          new Error(
            (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${command}: not found` : `${command}: ${err.message}`,
          ),
        );
        return;
      }
      try {
        const found = JSON.parse(stdout) as { executable: string; version: string; impl: string; gil: boolean };
        const [major, minor] = found.version.split('.').map(Number);
        if (major !== MIN_VERSION[0] || minor < MIN_VERSION[1]) {
          reject(
            new Error(`${command} is Python ${found.version}; Python ${MIN_VERSION.join('.')} or newer is needed`),
          );
          return;
        }
        if (found.impl !== 'cpython') {
          reject(new Error(`${command} is ${found.impl}; the tracer needs CPython`));
          return;
        }
        resolve({
          executable: found.executable || command,
          version: found.version,
          gilEnabled: found.gil,
          requested: command,
        });
      } catch {
        reject(new Error(`${command} did not answer like a Python interpreter`));
      }
    });
  });
}

/** The nearest `.python-version` above `dir` (pyenv picks the interpreter by it), or ''. */
function pythonVersionFile(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    const file = join(at, '.python-version');
    if (existsSync(file)) return `${file}\n${readFileSync(file, 'utf8')}`;
    if (dirname(at) === at) return '';
  }
}

/**
 * Where the answer of probing `command` is kept between runs: a name made of everything that decides
 * which interpreter the command starts (PATH, pyenv's and virtualenv's settings, the folder).
 */
function probeCachePath(command: string, cacheRoot: string): string {
  const env = process.env;
  const decides = [command, env.PATH, env.PYENV_VERSION, env.VIRTUAL_ENV, env.CONDA_PREFIX, process.cwd()];
  const hash = createHash('sha256').update(JSON.stringify(decides)).update(pythonVersionFile(process.cwd()));
  return join(cacheRoot, `python-${hash.digest('hex').slice(0, 16)}.json`);
}

interface CachedProbe {
  readonly info: PythonInfo;
  readonly mtimeMs: number;
  readonly size: number;
}

/** A kept answer, if the executable it names is still the same file (same size, same modification time). */
function cachedProbe(path: string): PythonInfo | null {
  try {
    const kept = JSON.parse(readFileSync(path, 'utf8')) as CachedProbe;
    const { info } = kept;
    if (
      typeof info?.executable !== 'string' ||
      typeof info.version !== 'string' ||
      typeof info.gilEnabled !== 'boolean'
    )
      return null;
    const st = statSync(info.executable);
    return st.mtimeMs === kept.mtimeMs && st.size === kept.size ? info : null;
  } catch {
    return null;
  }
}

function keepProbe(path: string, info: PythonInfo): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const st = statSync(info.executable);
    const kept: CachedProbe = { info, mtimeMs: st.mtimeMs, size: st.size };
    const partial = `${path}.${process.pid}`;
    writeFileSync(partial, JSON.stringify(kept), { mode: 0o600 });
    renameSync(partial, path);
  } catch {
    // No cache (read-only home, say): the next run probes again.
  }
}

/**
 * Probes `command`, or takes the answer kept from an earlier run: starting an interpreter (through a
 * shim, several) costs 50–400 ms, more than the rest of `kitchen trace`'s start-up.
 */
async function probeOrCached(command: string, cacheRoot: string | null): Promise<PythonInfo> {
  const path = cacheRoot === null ? null : probeCachePath(command, cacheRoot);
  const kept = path === null ? null : cachedProbe(path);
  if (kept) return { ...kept, requested: command };
  const info = await probe(command);
  if (path !== null) keepProbe(path, info);
  return info;
}

/**
 * Finds the Python to trace with: the one asked for (a UI setting), else
 * KITCHEN_PYTHON, else python3 / python on PATH. Resolved once to the real
 * executable, so each run skips launchers and shims.
 */
export async function findPython(
  requested: string | null,
  cacheRoot: string | null = process.env.KITCHEN_NO_CACHE ? null : defaultCacheRoot(),
): Promise<PythonInfo> {
  const candidates = requested
    ? [requested]
    : process.env.KITCHEN_PYTHON
      ? [process.env.KITCHEN_PYTHON]
      : process.platform === 'win32'
        ? ['python', 'py']
        : ['python3', 'python'];
  const problems: string[] = [];
  for (const candidate of candidates) {
    try {
      return await probeOrCached(candidate, cacheRoot);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const hint = requested ? '' : ' Install Python 3.9+ or set KITCHEN_PYTHON (or the interpreter in Settings).';
  throw new Error(`No usable Python: ${problems.join('; ')}.${hint}`);
}
