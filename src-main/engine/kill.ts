import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Processes of group `pgid` that still run. On Linux /proc tells, and a
 * zombie (dead, waiting for whoever adopted it to reap it) does not count:
 * in containers that adopter may never reap. Elsewhere kill(-pgid, 0) asks.
 */
function groupAlive(pgid: number): boolean {
  if (process.platform === 'linux') {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ', 3);
        if (Number(pgrp) === pgid && state !== 'Z') return true;
      } catch {
        // The process ended while we looked.
      }
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

async function waitGroupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await delay(10);
  }
  return true;
}

/**
 * Ends a process and everything it started. On POSIX the process must lead
 * its own group (spawned `detached`): the whole group gets SIGTERM, then
 * SIGKILL after `graceMs`. On Windows `taskkill /T /F` ends the tree.
 * Resolves once nothing of the group runs any more.
 */
export async function killProcessTree(pid: number, graceMs: number): Promise<void> {
  if (process.platform === 'win32') {
    await new Promise<void>((resolve) => {
      const killer = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' });
      killer.on('error', () => resolve());
      killer.on('exit', () => resolve());
    });
    return;
  }
  signalGroup(pid, 'SIGTERM');
  if (await waitGroupGone(pid, graceMs)) return;
  signalGroup(pid, 'SIGKILL');
  await waitGroupGone(pid, graceMs);
}
