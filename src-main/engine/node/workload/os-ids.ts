import { readlinkSync } from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';

/**
 * The process id and the native id of the calling OS thread. Linux names the
 * thread in /proc/thread-self (`<pid>/task/<tid>`); elsewhere a worker's
 * Node thread id stands in and a main thread uses its pid, as Linux does.
 */
export function osIds(): { pid: number; tid: number } {
  const pid = process.pid;
  if (process.platform === 'linux') {
    try {
      const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
      if (Number.isInteger(tid) && tid > 0) return { pid, tid };
    } catch {
      // Without /proc the fallback below is the best available.
    }
  }
  return { pid, tid: isMainThread ? pid : threadId };
}
