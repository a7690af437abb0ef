import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every temporary folder of the app's starts so (record sockets, a page that opens the app, tracer copies). */
const PREFIX = 'kitchen-';
/** A file in each with the pid of the process that made it. */
const OWNER = 'owner.pid';
/** A folder of an older version (no owner file) this old is left over from a run long gone. */
const LEGACY_STALE_MS = 10 * 60 * 1000;

const made = new Set<string>();
let swept = false;

process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Whether a process of this pid runs (one we may not signal runs too). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes this user's temporary folders left by processes that ended without removing them (killed
 * with SIGKILL, or on a machine that lost power): those whose owner no longer runs. Returns how many.
 */
export function sweepStaleTempDirs(root = tmpdir()): number {
  let removed = 0;
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  for (const name of entries) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(root, name);
    try {
      const info = statSync(dir);
      if (!info.isDirectory() || (uid !== undefined && info.uid !== uid) || made.has(dir)) continue;
      let stale: boolean;
      try {
        stale = !running(Number(readFileSync(join(dir, OWNER), 'utf8')));
      } catch {
        stale = Date.now() - info.mtimeMs > LEGACY_STALE_MS;
      }
      if (stale) {
        rmSync(dir, { recursive: true, force: true });
        removed++;
      }
    } catch {
      // Gone while we looked, or not ours to touch.
    }
  }
  return removed;
}

/**
 * A private folder (mode 0700) of this process's own in the system's temporary folder. It is removed
 * when the process exits, whatever ends it short of SIGKILL; what SIGKILL leaves, the next start of
 * any door (app, browser mode, CLI) sweeps away.
 */
export function privateTempDir(kind: string): string {
  if (!swept) {
    swept = true;
    sweepStaleTempDirs();
  }
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${kind}-`));
  writeFileSync(join(dir, OWNER), String(process.pid));
  made.add(dir);
  return dir;
}

/** Removes a folder privateTempDir made, now rather than at exit. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}
