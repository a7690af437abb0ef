import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/**
 * Real computation: `mops` million rounds of an FNV-style integer hash.
 * The result is returned so the work cannot be optimised away.
 */
export function crunch(mops: number): number {
  const rounds = Math.round(mops * 1e6);
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < rounds; i++) {
    h ^= i;
    h = Math.imul(h, 0x01000193);
    h ^= h >>> 13;
  }
  return h >>> 0;
}

const SCHEDSTAT = '/proc/thread-self/schedstat';
let schedstat = process.platform === 'linux';

/**
 * CPU time this OS thread has used, in microseconds: from the scheduler's
 * own accounting on Linux (nanosecond resolution), from `process.cpuUsage`
 * in a process's main thread elsewhere, null where neither applies.
 */
export function threadCpuUs(): number | null {
  if (schedstat) {
    try {
      const first = readFileSync(SCHEDSTAT, 'latin1').split(' ', 1)[0];
      return Number(first) / 1000;
    } catch {
      schedstat = false;
    }
  }
  if (!isMainThread) return null;
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
