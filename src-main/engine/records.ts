/**
 * What both runtimes (engine/node, engine/python) share about the executors they start: how one ended,
 * and the record channel they write to.
 */

/** How a thread or process ended. */
export interface ExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
}

/** The fd a child process writes its records to, one JSON object a line. */
export const RECORD_FD = 3;

/** A record line as JSON, or the line itself for the validator to reject. */
export function parseRecord(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}
