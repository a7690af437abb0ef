import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PythonInfo } from '../../protocol/commands';

const prepared = new Map<string, Promise<string>>();
const made: string[] = [];

/**
 * The tracer as PYTHONPATH will see it: a private copy of resources/python
 * (sitecustomize and kitchen_tracer) with its bytecode compiled once for
 * this interpreter. Every traced process imports it at start, so compiling
 * it each time (the app's folder may be read-only, or PYTHONDONTWRITEBYTECODE
 * set) would cost more than the rest of the tracer's start-up. Falls back to
 * the source folder if the copy cannot be made.
 */
export function preparedTracerDir(python: PythonInfo, sourceDir: string): Promise<string> {
  const key = `${python.executable}\n${sourceDir}`;
  let ready = prepared.get(key);
  if (!ready) {
    ready = new Promise<string>((resolve) => {
      let dir: string;
      try {
        dir = mkdtempSync(join(tmpdir(), 'kitchen-tracer-'));
        cpSync(join(sourceDir, 'sitecustomize.py'), join(dir, 'sitecustomize.py'));
        cpSync(join(sourceDir, 'kitchen_tracer'), join(dir, 'kitchen_tracer'), {
          recursive: true,
          filter: (path) => !path.includes('__pycache__'),
        });
        made.push(dir);
      } catch {
        resolve(sourceDir);
        return;
      }
      const env = { ...process.env };
      delete env.PYTHONDONTWRITEBYTECODE;
      delete env.PYTHONPYCACHEPREFIX;
      execFile(python.executable, ['-m', 'compileall', '-q', dir], { env, timeout: 30_000, windowsHide: true }, () =>
        resolve(dir),
      );
    });
    prepared.set(key, ready);
  }
  return ready;
}

// The copies are this process's alone: they go when it does.
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
