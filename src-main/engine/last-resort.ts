import type { Engine } from './engine';

/** How long stopping every run may take before the process exits anyway. */
const STOP_LIMIT_MS = 3000;

/** Where the last resort hooks in, and how it ends the process (a test hands in its own). */
export interface ProcessHooks {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (err: unknown) => void): void;
  exit(code: number): void;
  say(line: string): void;
}

const REAL: ProcessHooks = {
  on: (event, listener) => process.on(event, listener),
  exit: (code) => process.exit(code),
  say: (line) => process.stderr.write(line),
};

/**
 * The process-level last resort of a door (browser mode, the CLI, the desktop app): an exception
 * nothing caught ends the process, but first every run is stopped, so no thread or process of a
 * run outlives it. The error is said in one line, with its stack after it.
 */
export function stopRunsBeforeDying(engine: Engine, hooks: ProcessHooks = REAL): void {
  let dying = false;
  const die = (err: unknown) => {
    if (dying) return;
    dying = true;
    const error = err instanceof Error ? err : new Error(String(err));
    hooks.say(`Concurrency Kitchen stopped on an error it did not expect: ${error.message}\n${error.stack ?? ''}\n`);
    const limit = setTimeout(() => hooks.exit(1), STOP_LIMIT_MS);
    void engine.stopAll().finally(() => {
      clearTimeout(limit);
      hooks.exit(1);
    });
  };
  hooks.on('uncaughtException', die);
  hooks.on('unhandledRejection', die);
}
