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
