import { execFile } from 'node:child_process';
import type { PythonInfo } from '../../protocol/commands';

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

/**
 * Finds the Python to trace with: the one asked for (a UI setting), else
 * KITCHEN_PYTHON, else python3 / python on PATH. Resolved once to the real
 * executable, so each run skips launchers and shims.
 */
export async function findPython(requested: string | null): Promise<PythonInfo> {
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
      return await probe(candidate);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const hint = requested ? '' : ' Install Python 3.9+ or set KITCHEN_PYTHON (or the interpreter in Settings).';
  throw new Error(`No usable Python: ${problems.join('; ')}.${hint}`);
}
