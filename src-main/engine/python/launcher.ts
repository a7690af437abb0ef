import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { killProcessTree } from '../kill';
import type { ExitInfo } from '../records';
import { eachLine } from '../lines';
import { signalName } from '../signals';

/** What starts the script: its interpreter, the command line, where, with what environment. */
export interface LaunchSpec {
  readonly executable: string;
  /** Interpreter options, the script and its arguments. */
  readonly argv: readonly string[];
  readonly cwd: string;
  /** The script's environment, but for the run's zero (KITCHEN_T0_NS), known only at the start. */
  readonly env: NodeJS.ProcessEnv;
  /** The script's stdout and stderr go to this process's own (the CLI) rather than to pipes. */
  readonly passthrough: boolean;
  /** resources/python, where the supervisor is. */
  readonly pythonDir: string;
}

/** A script started. */
export interface Launched {
  /** The script's own pid. */
  readonly pid: number;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Settles when the script itself exits, with how. */
  readonly exited: Promise<ExitInfo>;
  /** Settles when nothing the script started runs any more. */
  readonly allGone: Promise<void>;
  /** Ends the script and everything it started, however detached; resolves when they are gone. */
  stop(graceMs: number): Promise<void>;
}

/** Ready to start the script the moment the run's clock starts. */
export interface Starter {
  start(t0Ns: bigint): Promise<Launched>;
  /** The run never started: lets go of what was made ready. */
  cancel(): void;
}

/** How long the supervisor may take to say it is ready, and after its SIGTERM to be gone. */
const READY_MS = 10_000;
const STOP_MS = 2000;

/** A waitpid status (as the supervisor reports it), as a code or the signal that ended the process. */
export function decodeStatus(status: number): ExitInfo {
  const signal = status & 0x7f;
  return signal === 0 ? { code: (status >> 8) & 0xff, signal: null } : { code: null, signal: signalName(signal) };
}

/**
 * Gets the script ready to start. On Linux and macOS it runs under the supervisor
 * (resources/python/kitchen_supervisor.py), started now, before the run's clock: on Linux every
 * process the script starts, however it detaches, stays under it, and it ends them all when the
 * run stops or the engine dies. On Windows the script is started directly, and its tree ended
 * with taskkill.
 */
export async function prepareLaunch(spec: LaunchSpec): Promise<Starter> {
  return process.platform === 'win32' ? direct(spec) : supervised(spec);
}

function direct(spec: LaunchSpec): Starter {
  return {
    cancel: () => undefined,
    async start(t0Ns) {
      const child = spawn(spec.executable, spec.argv, {
        cwd: spec.cwd,
        stdio: ['ignore', spec.passthrough ? 'inherit' : 'pipe', spec.passthrough ? 'inherit' : 'pipe'],
        windowsHide: true,
        env: { ...spec.env, KITCHEN_T0_NS: t0Ns.toString() },
      });
      const pid = await spawned(child);
      const exited = new Promise<ExitInfo>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      return {
        pid,
        stdout: child.stdout,
        stderr: child.stderr,
        exited,
        allGone: exited.then(() => undefined),
        stop: (graceMs) => killProcessTree(pid, graceMs),
      };
    },
  };
}

/** Resolves with the child's pid once it is running; rejects with why it could not start. */
function spawned(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`could not start ${child.spawnfile}: ${err.message}`)));
    child.once('spawn', () => (child.pid === undefined ? reject(new Error('no pid')) : resolve(child.pid)));
  });
}

async function supervised(spec: LaunchSpec): Promise<Starter> {
  const supervisor = spawn(
    spec.executable,
    [
      '-I',
      '-S',
      join(spec.pythonDir, 'kitchen_supervisor.py'),
      String(process.pid),
      '--',
      spec.executable,
      ...spec.argv,
    ],
    {
      cwd: spec.cwd,
      // Its own process group: a Ctrl-C at the terminal is the engine's to act on, not the script's.
      detached: true,
      stdio: ['pipe', spec.passthrough ? 'inherit' : 'pipe', spec.passthrough ? 'inherit' : 'pipe', 'pipe'],
      env: spec.env,
    },
  );
  const supervisorPid = await spawned(supervisor);
  const gone = new Promise<void>((resolve) => supervisor.once('exit', () => resolve()));
  const said: string[] = [];
  const listeners = new Set<() => void>();
  const silent = eachLine(supervisor.stdio[3] as Readable | null, (line) => {
    said.push(line);
    for (const listener of [...listeners]) listener();
  });
  /**
   * The first thing the supervisor said that starts with one of these words; null if it said nothing
   * of the kind within `ms` (Infinity: for as long as it may speak) or before it went silent.
   */
  const heard = (words: readonly string[], ms: number): Promise<string | null> =>
    new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (line: string | null) => {
        clearTimeout(timer);
        listeners.delete(check);
        resolve(line);
      };
      const check = () => {
        const line = said.find((l) => words.includes(l.split(' ', 1)[0]));
        if (line !== undefined) done(line);
      };
      listeners.add(check);
      check();
      void silent.then(() => done(said.find((l) => words.includes(l.split(' ', 1)[0])) ?? null));
      if (Number.isFinite(ms)) timer = setTimeout(() => done(null), ms);
    });
  const stop = async (graceMs: number) => {
    try {
      process.kill(supervisorPid, 'SIGTERM');
    } catch {
      return; // gone already
    }
    const ended = await Promise.race([
      gone.then(() => true),
      delay(Math.max(STOP_MS, graceMs * 2), undefined, { ref: false }).then(() => false),
    ]);
    // It did not answer: its process group at least is ended.
    if (!ended) await killProcessTree(supervisorPid, graceMs);
  };
  if ((await heard(['ready'], READY_MS)) === null) {
    await stop(100);
    throw new Error('could not start the script: its supervisor did not start');
  }
  return {
    cancel: () => void stop(100),
    async start(t0Ns) {
      supervisor.stdin?.end(`${t0Ns}\n`);
      const line = await heard(['started', 'failed'], READY_MS);
      if (line === null || line.startsWith('failed')) {
        await stop(100);
        throw new Error(`could not start ${spec.executable}: ${line?.slice('failed '.length) ?? 'no answer'}`);
      }
      const exited = heard(['exit'], Infinity).then(async (exit) => {
        if (exit !== null) return decodeStatus(Number(exit.split(' ')[1]));
        // Gone without a word about the script: it was killed with its supervisor.
        return { code: null, signal: 'SIGKILL' };
      });
      return {
        pid: Number(line.split(' ')[1]),
        stdout: supervisor.stdout,
        stderr: supervisor.stderr,
        exited,
        allGone: gone,
        stop,
      };
    },
  };
}
