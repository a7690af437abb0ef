/**
 * The scheduler sampler, a worker thread of the engine (Linux only). About
 * every millisecond it reads /proc/<pid>/task/<tid>/stat of every watched
 * thread (running or asleep, and on which core) and schedstat (CPU time).
 * For a sleeper whose process had another thread running, wchan says
 * whether it sleeps on a futex: outside any traced call, that is a Python
 * thread waiting for the GIL. It never touches the traced processes, and
 * runs outside them so it does not compete for their GIL.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { OsState } from '../python/merge';
import type { CoreSegment, SamplerCommand, SamplerInit, SamplerReport, Watch } from './messages';

const init = workerData as SamplerInit;
const t0 = BigInt(init.t0Ns);
if (!parentPort) throw new Error('the sampler runs as a worker thread');
const port: MessagePort = parentPort;

const BATCH_US = 50_000;
/**
 * The reads of one tick must be this close together to count as one look: if
 * the sampler was descheduled between two threads' reads, a hand-over in that
 * gap would show both running at once. Such a tick is skipped; the next one
 * covers its time.
 */
const SIMULTANEOUS_US = 300;
const buffer = Buffer.alloc(512);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

interface Thread {
  readonly watch: Watch;
  readonly sched: number;
  readonly stat: number;
  readonly wchan: number;
  /** /proc/.../syscall, or -1 where it cannot be read (then R counts as on a CPU). */
  readonly syscall: number;
  prevRunNs: number;
  prevUs: number;
  open: { os: OsState; detail: string | null; core: number | null; fromUs: number; cpuUs: number } | null;
}

const threads = new Map<string, Thread>();
let segments: CoreSegment[] = [];

const nowUs = (): number => Number(process.hrtime.bigint() - t0) / 1000;

function readText(fd: number): string | null {
  try {
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('latin1', 0, n);
  } catch {
    return null;
  }
}

function close(thread: Thread): void {
  for (const fd of [thread.sched, thread.stat, thread.wchan, thread.syscall]) {
    if (fd < 0) continue;
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
  }
}

function cut(thread: Thread, atUs: number): void {
  const open = thread.open;
  if (open && atUs > open.fromUs) {
    segments.push({
      key: thread.watch.key,
      fromUs: open.fromUs,
      toUs: atUs,
      os: open.os,
      detail: open.detail,
      cpuUs: open.cpuUs,
      core: open.core,
    });
    thread.open = { ...open, fromUs: atUs, cpuUs: 0 };
  }
}

function forget(key: string, atUs: number, report: boolean): void {
  const thread = threads.get(key);
  if (!thread) return;
  cut(thread, atUs);
  close(thread);
  threads.delete(key);
  if (report) send({ type: 'gone', key, atUs });
}

function send(report: SamplerReport): void {
  port.postMessage(report);
}

function watch(w: Watch): void {
  if (threads.has(w.key)) return;
  const base = `/proc/${w.pid}/task/${w.tid}`;
  try {
    const sched = openSync(`${base}/schedstat`, 'r');
    const stat = openSync(`${base}/stat`, 'r');
    const wchan = openSync(`${base}/wchan`, 'r');
    let syscall = -1;
    try {
      syscall = openSync(`${base}/syscall`, 'r');
    } catch {
      // Needs ptrace access to the thread; without it, R counts as on a CPU.
    }
    threads.set(w.key, { watch: w, sched, stat, wchan, syscall, prevRunNs: -1, prevUs: 0, open: null });
  } catch {
    send({ type: 'gone', key: w.key, atUs: nowUs() });
  }
}

function command(message: SamplerCommand): boolean {
  switch (message.type) {
    case 'watch':
      watch(message.watch);
      return true;
    case 'unwatch':
      forget(message.key, nowUs(), false);
      return true;
    case 'stop':
      return false;
    default: {
      const unreachable: never = message;
      throw new Error(`unknown sampler command ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The thread's scheduler state (R, S, D…) and the CPU it last ran on, from its stat line. */
function statOf(thread: Thread): { state: string; core: number | null } | null {
  const stat = readText(thread.stat);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const core = Number(fields[36]);
  return { state: fields[0], core: Number.isInteger(core) ? core : null };
}

/**
 * One sample of every watched thread. The state letter says whether it is
 * on a CPU (or about to be) right now; schedstat's CPU time, which the
 * kernel brings up to date only at scheduler ticks, is summed for CPU use.
 */
function tick(): boolean {
  const at = nowUs();
  const observed: { thread: Thread; running: boolean; core: number | null; cpuUs: number }[] = [];
  const activePids = new Set<number>();
  for (const thread of [...threads.values()]) {
    const stat = statOf(thread);
    const text = stat === null ? null : readText(thread.sched);
    if (stat === null || text === null || stat.state === 'Z' || stat.state === 'X') {
      forget(thread.watch.key, thread.prevUs || at, true);
      continue;
    }
    const run = Number(text.split(' ', 1)[0]);
    if (thread.prevRunNs < 0) {
      thread.prevRunNs = run;
      thread.prevUs = at;
      continue;
    }
    const cpuUs = (run - thread.prevRunNs) / 1000;
    thread.prevRunNs = run;
    // R means on a CPU or about to be; only "running" in /proc/.../syscall means on one right now
    // (a thread just woken from the GIL's futex is R but still inside that syscall).
    const running =
      stat.state === 'R' && (thread.syscall < 0 || readText(thread.syscall)?.startsWith('running') !== false);
    if (running) activePids.add(thread.watch.pid);
    observed.push({ thread, running, core: running ? stat.core : null, cpuUs });
  }
  if (nowUs() - at > SIMULTANEOUS_US) {
    for (const { thread, cpuUs } of observed) {
      // Not one look: keep the CPU time for the next tick, which will cover this one's time.
      thread.prevRunNs -= cpuUs * 1000;
    }
    return false;
  }
  for (const { thread, running, core, cpuUs } of observed) {
    let os: OsState = running ? 'cpu' : 'sleep';
    let detail: string | null = null;
    if (!running) {
      detail = readText(thread.wchan)?.trim() || null;
      // wchan reads 0 when the thread is already awake again: at a GIL hand-over it just got the lock.
      const futexOrAwake = detail === null || detail === '0' || detail.includes('futex');
      if (futexOrAwake && activePids.has(thread.watch.pid)) os = 'contended';
      if (detail === '0') detail = null;
    }
    const open = thread.open;
    if (!open || open.os !== os || open.detail !== detail || open.core !== core) {
      if (open) {
        segments.push({
          key: thread.watch.key,
          fromUs: open.fromUs,
          toUs: thread.prevUs,
          os: open.os,
          detail: open.detail,
          cpuUs: open.cpuUs,
          core: open.core,
        });
      }
      thread.open = { os, detail, core, fromUs: thread.prevUs, cpuUs: 0 };
    }
    (thread.open as NonNullable<Thread['open']>).cpuUs += cpuUs;
    thread.prevUs = at;
  }
  return true;
}

function selfCpuUs(): number {
  const text = (() => {
    try {
      const fd = openSync('/proc/thread-self/schedstat', 'r');
      const t = readText(fd);
      closeSync(fd);
      return t;
    } catch {
      return null;
    }
  })();
  return text === null ? 0 : Number(text.split(' ')[0]) / 1000;
}

function main(): void {
  const startUs = nowUs();
  let lastBatchUs = startUs;
  let nextUs = startUs;
  let ticks = 0;
  for (;;) {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      if (!command(m.message as SamplerCommand)) {
        const at = nowUs();
        for (const key of [...threads.keys()]) forget(key, at, false);
        send({ type: 'batch', segments, untilUs: at, ticks, elapsedUs: at - startUs, selfCpuUs: selfCpuUs() });
        return;
      }
    }
    const before = nowUs();
    if (tick()) ticks++;
    if (before - lastBatchUs >= BATCH_US) {
      for (const thread of threads.values()) cut(thread, thread.prevUs);
      const covered = Math.min(before, ...[...threads.values()].map((t) => t.prevUs));
      send({ type: 'batch', segments, untilUs: covered, ticks, elapsedUs: before - startUs, selfCpuUs: selfCpuUs() });
      segments = [];
      lastBatchUs = before;
    }
    // Ticks keep to a fixed beat: a late one does not push back the ones after it.
    nextUs += init.intervalUs;
    const after = nowUs();
    if (nextUs < after) nextUs = after;
    const restMs = (nextUs - after) / 1000;
    if (restMs > 0) Atomics.wait(sleeper, 0, 0, restMs);
  }
}

main();
