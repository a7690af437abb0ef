import { constants } from 'node:os';

export { describeSignal } from '../../src-shared/signals';

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
