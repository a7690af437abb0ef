import type { RunModel } from '@shared/run-model';

/** Where a failed run of the code box points: the line of its own file Python named last, and what it said. */
export interface CodeError {
  readonly line: number | null;
  readonly message: string;
}

/**
 * The failure of a run of the code box saved as `name`, from what it printed on stderr: the last
 * `File "…/name", line N` of the traceback, and its last line ("SyntaxError: invalid syntax"). Null when
 * the run did not fail, or is not of that file.
 */
export function codeErrorOf(model: RunModel | null, name: string): CodeError | null {
  if (!model?.end || model.end.reason === 'completed' || model.title !== name) return null;
  const stderr = model.instants.filter((i) => i.stream === 'stderr').map((i) => i.text);
  let line: number | null = null;
  const own = new RegExp(`File "[^"]*[\\\\/]${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}", line (\\d+)`);
  for (const text of stderr) {
    const match = own.exec(text);
    if (match) line = Number(match[1]);
  }
  const last = [...stderr].reverse().find((t) => t.trim() !== '' && !/^\s*\^+\s*$/.test(t));
  const message = last?.trim() ?? model.end.message ?? 'The script failed.';
  return { line, message };
}
