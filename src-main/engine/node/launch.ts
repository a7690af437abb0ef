import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { killProcessTree } from '../kill';
import { eachLine } from '../lines';
import { parseRecord, RECORD_FD, type ExitInfo } from '../records';
import type { WorkloadInit } from './plan';

export { parseRecord, RECORD_FD, type ExitInfo };

/** Where a launched executor's records and stray output go. */
export interface LaunchOptions {
  /** The workload entry script (built `workload.js`). */
  readonly entry: string;
  /** Give a process its own process group, so stopping it reaches its children too. */
  readonly ownGroup: boolean;
  /** Every record the executor (and anything it starts) writes, not yet validated. */
  readonly onRecord: (record: unknown) => void;
  /** Stray stdout/stderr lines; when absent they go to this process's own streams. */
  readonly onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** A running executor. */
export interface Launched {
  /** OS pid for a process; null for a thread (it shares the launcher's pid). */
  readonly pid: number | null;
  /** Settles once the executor has exited and every record it wrote was delivered. */
  readonly exited: Promise<ExitInfo>;
  /** Ends it and everything it started; resolves when they are gone. */
  stop(graceMs: number): Promise<void>;
}

/** Reads an executor's stray stdout and stderr line by line, if the launcher wants them. */
function captureOutput(
  stdout: Readable | null,
  stderr: Readable | null,
  onOutput: LaunchOptions['onOutput'],
): Promise<void>[] {
  if (!onOutput) return [];
  return [eachLine(stdout, (l) => onOutput('stdout', l)), eachLine(stderr, (l) => onOutput('stderr', l))];
}

function launchThread(init: WorkloadInit, options: LaunchOptions): Launched {
  const capture = options.onOutput !== undefined;
  const worker = new Worker(options.entry, {
    workerData: init,
    stdout: capture,
    stderr: capture,
  });
  worker.on('message', options.onRecord);
  const outputs = captureOutput(worker.stdout, worker.stderr, options.onOutput);
  let failure: Error | null = null;
  worker.on('error', (err) => {
    failure = err;
  });
  const exit = new Promise<number>((resolve) => worker.once('exit', resolve));
  const exited = exit.then(async (code) => {
    await Promise.all(outputs);
    if (failure) options.onOutput?.('stderr', String(failure.stack ?? failure));
    return { code, signal: null };
  });
  return {
    pid: null,
    exited,
    async stop() {
      await worker.terminate();
    },
  };
}

function launchProcess(init: WorkloadInit, options: LaunchOptions): Launched {
  const out = options.onOutput ? 'pipe' : 'inherit';
  const child = spawn(process.execPath, [options.entry, JSON.stringify(init)], {
    stdio: ['ignore', out, out, 'pipe'],
    detached: options.ownGroup,
    // Under Electron, execPath is the app itself; this makes it a plain Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    windowsHide: true,
  });
  const records = eachLine(child.stdio[RECORD_FD] as Readable, (l) => options.onRecord(parseRecord(l)));
  const outputs = captureOutput(child.stdout, child.stderr, options.onOutput);
  const exit = new Promise<ExitInfo>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (err) => {
      options.onOutput?.('stderr', `could not start a process: ${err.message}`);
      resolve({ code: null, signal: null });
    });
  });
  const exited = exit.then(async (info) => {
    await Promise.all([records, ...outputs]);
    return info;
  });
  const pid = child.pid ?? null;
  return {
    pid,
    exited,
    async stop(graceMs: number) {
      if (pid === null) return;
      if (options.ownGroup || process.platform === 'win32') await killProcessTree(pid, graceMs);
      else child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts one executor of a plan: a worker thread for `thread` and `loop`, a process for `process`. */
export function launch(init: WorkloadInit, options: LaunchOptions): Launched {
  return init.executor.kind === 'process' ? launchProcess(init, options) : launchThread(init, options);
}
