import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PythonInfo } from '../../protocol/commands';
import { privateTempDir } from '../temp';

const prepared = new Map<string, Promise<string>>();
/** Marks a cached copy as whole: written last, just before the copy is renamed into place. */
const COMPLETE = 'complete';
/** Cached copies nobody has used for this long are removed when a new one is made. */
const STALE_MS = 30 * 24 * 3600 * 1000;

/** Where this user's cached copies of the tracer live (the platform's cache folder). */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === 'win32' ? env.LOCALAPPDATA : undefined) ||
    (process.platform === 'darwin' ? join(homedir(), 'Library', 'Caches') : join(homedir(), '.cache'));
  return join(base, 'concurrency-kitchen');
}

/**
 * The tracer's files: sitecustomize, and the tracer in one module (each module Python finds and loads
 * at start-up costs every traced process time).
 */
const TRACER_FILES = ['kitchen_tracer.py', 'sitecustomize.py'];

/**
 * The tracer as PYTHONPATH will see it: a copy of resources/python (sitecustomize and kitchen_tracer.py)
 * with its bytecode compiled for this interpreter, kept in the user's cache under a name made from the
 * interpreter and the tracer's sources, so each new run (each `kitchen trace`) finds it compiled. Every
 * traced process imports it at start, so compiling it each time (the app's folder may be read-only, or
 * PYTHONDONTWRITEBYTECODE set) would cost more than the rest of the tracer's start-up. Where the cache
 * cannot be written, a copy of this process's own is made (and removed at exit), else the source
 * folder is used as it is.
 */
export function preparedTracerDir(
  python: PythonInfo,
  sourceDir: string,
  cacheRoot: string = defaultCacheRoot(),
): Promise<string> {
  const key = `${python.executable}\n${sourceDir}\n${cacheRoot}`;
  let ready = prepared.get(key);
  if (!ready) {
    ready = cachedTracerDir(python, sourceDir, cacheRoot).catch(() => privateTracerDir(python, sourceDir));
    prepared.set(key, ready);
  }
  return ready;
}

/** Copies the tracer's files from `sourceDir` into `dir` and compiles them with `python`. */
function copyAndCompile(python: PythonInfo, sourceDir: string, dir: string, files: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const file of files) cpSync(join(sourceDir, file), join(dir, file));
  const env = { ...process.env };
  delete env.PYTHONDONTWRITEBYTECODE;
  delete env.PYTHONPYCACHEPREFIX;
  // A failed compile leaves a usable copy: Python compiles what it imports.
  return new Promise((resolve) =>
    execFile(python.executable, ['-m', 'compileall', '-q', dir], { env, timeout: 30_000, windowsHide: true }, () =>
      resolve(),
    ),
  );
}

/**
 * The copy in the cache, made if it is not there yet. Made under a temporary name and renamed into
 * place once compiled, so a process never finds half a copy; two processes making it at once both
 * succeed, and one copy stays.
 */
export async function cachedTracerDir(python: PythonInfo, sourceDir: string, cacheRoot: string): Promise<string> {
  const files = TRACER_FILES;
  const hash = createHash('sha256').update(`${python.executable}\0${python.version}\0`);
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(sourceDir, file)))
      .update('\0');
  const dir = join(cacheRoot, `tracer-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, COMPLETE))) {
    assertPrivate(cacheRoot);
    try {
      // Used now: not stale (see removeStale).
      const now = new Date();
      utimesSync(dir, now, now);
    } catch {
      // Read-only: it stays as it was.
    }
    return dir;
  }

  mkdirSync(cacheRoot, { recursive: true, mode: 0o700 });
  assertPrivate(cacheRoot);
  const building = mkdtempSync(join(cacheRoot, 'building-'));
  try {
    await copyAndCompile(python, sourceDir, building, files);
    writeFileSync(join(building, COMPLETE), '');
    try {
      renameSync(building, dir);
    } catch (err) {
      // Another process put its copy in place first: use that one.
      if (!existsSync(join(dir, COMPLETE))) throw err;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  removeStale(cacheRoot, dir);
  return dir;
}

/**
 * Every traced process runs the code in the cache: a folder another user could write to is refused
 * (POSIX: it must be this user's, writable by no one else), and the private copy is used instead.
 */
function assertPrivate(cacheRoot: string): void {
  if (typeof process.getuid !== 'function') return;
  const st = statSync(cacheRoot);
  if (st.uid !== process.getuid() || (st.mode & 0o022) !== 0) {
    throw new Error(`${cacheRoot} is not private to this user`);
  }
}

/** Removes cached copies (and abandoned half-made ones) older than STALE_MS, other than `keep`. */
function removeStale(cacheRoot: string, keep: string): void {
  for (const name of readdirSync(cacheRoot)) {
    const path = join(cacheRoot, name);
    if (path === keep || !/^(tracer|building)-/.test(name)) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

/** A copy of this process's own in the temporary folder, removed at exit; the source folder if even that fails. */
async function privateTracerDir(python: PythonInfo, sourceDir: string): Promise<string> {
  try {
    const dir = privateTempDir('tracer');
    await copyAndCompile(python, sourceDir, dir, TRACER_FILES);
    return dir;
  } catch {
    return sourceDir;
  }
}
