import type { Engine } from './engine';

/** How long stopping every run may take before the process exits anyway. */
const STOP_LIMIT_MS = 3000;

/**
 * The process-level last resort of a door (browser mode, the CLI, the desktop app): an exception
 * nothing caught ends the process, but first every run is stopped, so no thread or process of a
 * run outlives it. The error is said in one line, with its stack after it.
 */
export function stopRunsBeforeDying(
  engine: Engine,
  say: (line: string) => void = (l) => process.stderr.write(l),
): void {
  let dying = false;
  const die = (err: unknown) => {
    if (dying) return;
    dying = true;
    const error = err instanceof Error ? err : new Error(String(err));
    say(`Concurrency Kitchen stopped on an error it did not expect: ${error.message}\n${error.stack ?? ''}\n`);
    const limit = setTimeout(() => process.exit(1), STOP_LIMIT_MS);
    void engine.stopAll().finally(() => {
      clearTimeout(limit);
      process.exit(1);
    });
  };
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);
}
