import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ValidationError } from '../protocol/validate';

/**
 * Writes a file the user asked for. If that fails (the disk filled up, the folder went away during the
 * run), the file goes to the temporary folder instead, and both are said in one line: a run's record
 * is never lost. Returns the path written, or null if even that failed.
 */
export function save(file: string, what: string, contents: () => string): string | null {
  const path = resolve(file);
  let text: string;
  try {
    text = contents();
  } catch (err) {
    process.stderr.write(`kitchen: the ${what} could not be made: ${(err as Error).message}\n`);
    return null;
  }
  try {
    writeFileSync(path, text);
    return path;
  } catch (err) {
    const instead = join(tmpdir(), `kitchen-${what}-${Date.now()}-${basename(path)}`);
    try {
      writeFileSync(instead, text);
      process.stderr.write(
        `kitchen: the ${what} could not be written to ${path} (${(err as Error).message}): written to ${instead} instead\n`,
      );
      return instead;
    } catch {
      process.stderr.write(`kitchen: the ${what} could not be written to ${path}: ${(err as Error).message}\n`);
      return null;
    }
  }
}

/** Refuses, before the run, a file the run could not write at its end: a clear message, exit code 2. */
export function checkWritable(file: string | undefined, option: string): void {
  if (file === undefined) return;
  const path = resolve(file);
  const problem = (() => {
    if (existsSync(path)) {
      if (!statSync(path).isFile()) return 'it is not a file';
      return accessible(path) ? null : 'it cannot be written';
    }
    const folder = dirname(path);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) return `there is no folder ${folder}`;
    return accessible(folder) ? null : `the folder ${folder} cannot be written`;
  })();
  if (problem) throw new ValidationError(option, `cannot write ${path}: ${problem}`);
}

function accessible(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The file as an absolute path if it can be read, else null (and why, on stderr). */
export function readableFile(file: string): string | null {
  const path = resolve(file);
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    accessSync(path, constants.R_OK);
    return path;
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    process.stderr.write(`kitchen: cannot read ${file}: ${why}\n`);
    return null;
  }
}
