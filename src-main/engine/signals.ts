import { constants } from 'node:os';

/** What a signal that ended a process means, in a few words a reader knows. */
const MEANINGS: Readonly<Record<string, string>> = {
  SIGHUP: 'hang-up',
  SIGINT: 'interrupted',
  SIGQUIT: 'quit',
  SIGILL: 'illegal instruction',
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGFPE: 'arithmetic error',
  SIGKILL: 'killed',
  SIGSEGV: 'segmentation fault',
  SIGPIPE: 'broken pipe',
  SIGALRM: 'alarm',
  SIGTERM: 'terminated',
  SIGUSR1: 'user signal 1',
  SIGUSR2: 'user signal 2',
};

/** "SIGTERM (terminated)": a signal's name, with what it means where that is commonly known. */
export function describeSignal(name: string): string {
  const meaning = MEANINGS[name];
  return meaning ? `${name} (${meaning})` : name;
}

/** The exit status a shell gives a process a signal ended: 128 + the signal's number (143 for SIGTERM). */
export function signalExitStatus(name: string): number {
  const number = (constants.signals as Readonly<Record<string, number | undefined>>)[name];
  return 128 + (number ?? 0);
}

/** A signal's name from its number ("SIGTERM" for 15), or "signal N" for one this system has no name for. */
export function signalName(number: number): string {
  for (const [name, n] of Object.entries(constants.signals)) if (n === number) return name;
  return `signal ${number}`;
}
