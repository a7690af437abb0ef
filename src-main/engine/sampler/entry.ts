/**
 * The scheduler sampler, a worker thread of the engine (Linux only). About
 * every millisecond it reads /proc/<pid>/task/<tid>/stat of every watched
 * thread (runnable or asleep, and on which core) and schedstat (CPU time,
 * which the kernel brings up to date at context switches).
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
  readonly wchanFd: number;
  prevRunNs: number;
  prevUs: number;
  runnable: boolean;
  core: number | null;
  /** Where it last slept in the kernel (null: not known, or awake). */
  wchan: string | null;
  /**
   * CPU time read but not yet given to a runnable segment. The kernel adds a
   * thread's CPU time when it switches out, so the time shows up just after
   * the thread went to sleep: it belongs to the runnable stretch before.
   */
  pendingCpuUs: number;
  open: { os: OsState; detail: string | null; core: number | null; fromUs: number } | null;
}

const threads = new Map<string, Thread>();
let segments: CoreSegment[] = [];

/** Microseconds since the run's zero: performance.now() reads the same clock as hrtime, without BigInt. */
const originUs = Number(process.hrtime.bigint() - t0) / 1000 - performance.now() * 1000;
const nowUs = (): number => originUs + performance.now() * 1000;

function closeFiles(thread: Thread): void {
  for (const fd of [thread.sched, thread.stat, thread.wchanFd]) {
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
  }
}

/** Ends the thread's open segment at `toUs`: a runnable one takes the CPU time pending, up to its length. */
function close(thread: Thread, toUs: number): void {
  const open = thread.open;
  if (!open || toUs <= open.fromUs) return;
  const cpuUs = open.os === 'cpu' ? Math.min(thread.pendingCpuUs, toUs - open.fromUs) : 0;
  thread.pendingCpuUs -= cpuUs;
  segments.push({
    key: thread.watch.key,
    fromUs: open.fromUs,
    toUs,
    os: open.os,
    detail: open.detail,
    cpuUs,
    core: open.core,
  });
}

/** Cuts the open segment at a batch boundary; the same state goes on after it. */
function cut(thread: Thread, atUs: number): void {
  const open = thread.open;
  if (open && atUs > open.fromUs) {
    close(thread, atUs);
    thread.open = { ...open, fromUs: atUs };
  }
}

function forget(key: string, atUs: number, report: boolean): void {
  const thread = threads.get(key);
  if (!thread) return;
  close(thread, atUs);
  closeFiles(thread);
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
    const wchanFd = openSync(`${base}/wchan`, 'r');
    threads.set(w.key, {
      watch: w,
      sched,
      stat,
      wchanFd,
      prevRunNs: -1,
      prevUs: 0,
      runnable: false,
      core: null,
      wchan: null,
      pendingCpuUs: 0,
      open: null,
    });
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

const CLOSE_PAREN = 0x29;
const SPACE = 0x20;

/** Reads a /proc file into the shared buffer; its length, or -1 if the thread is gone. */
function readRaw(fd: number): number {
  try {
    return readSync(fd, buffer, 0, buffer.length, 0);
  } catch {
    return -1;
  }
}

/** The first number in the buffer (schedstat's CPU time in ns). */
function firstNumber(length: number): number {
  let value = 0;
  for (let i = 0; i < length; i++) {
    const c = buffer[i];
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

/** Field n (1-based, n > 2) of a stat line in the buffer, as a number; parsed in place, no strings. */
function statField(length: number, n: number): number {
  let i = buffer.lastIndexOf(CLOSE_PAREN, length) + 2; // field 3 starts here
  for (let field = 3; field < n && i < length; i++) if (buffer[i] === SPACE) field++;
  let value = 0;
  for (; i < length && buffer[i] !== SPACE; i++) value = value * 10 + (buffer[i] - 0x30);
  return value;
}

/** Ticks in about `us` microseconds (at least one): cadences hold at any sampling rate. */
const ticksIn = (us: number): number => Math.max(1, Math.round(us / init.intervalUs));
/** CPU time is read about every 8 ms: the kernel only brings it up to date at context switches. */
const CPU_EVERY = ticksIn(8_000);
/** A sleeper's wchan is read when it falls asleep, then about every 16 ms: it does not change while asleep. */
const WCHAN_EVERY = ticksIn(16_000);

/**
 * One sample of every watched thread: the state letter (runnable or asleep)
 * and core from its stat line; CPU time now and then; and for a thread that
 * sleeps while a sibling is runnable, whether it sleeps on a futex.
 */
function tick(count: number): boolean {
  const at = nowUs();
  const activePids = new Set<number>();
  const observed: Thread[] = [];
  for (const thread of [...threads.values()]) {
    const length = readRaw(thread.stat);
    const stateAt = length > 0 ? buffer.lastIndexOf(CLOSE_PAREN, length) + 2 : -1;
    const state = stateAt > 0 ? String.fromCharCode(buffer[stateAt]) : 'X';
    if (state === 'Z' || state === 'X') {
      forget(thread.watch.key, thread.prevUs || at, true);
      continue;
    }
    thread.runnable = state === 'R';
    thread.core = thread.runnable ? statField(length, 39) : null;
    if (thread.runnable) activePids.add(thread.watch.pid);
    observed.push(thread);
  }
  if (nowUs() - at > SIMULTANEOUS_US) return false;
  for (const thread of observed) {
    let cpuUs = 0;
    if (count % CPU_EVERY === 0 || thread.prevRunNs < 0) {
      const length = readRaw(thread.sched);
      const run = length > 0 ? firstNumber(length) : thread.prevRunNs;
      if (thread.prevRunNs >= 0) cpuUs = (run - thread.prevRunNs) / 1000;
      thread.prevRunNs = run;
    }
    if (thread.prevUs === 0) {
      thread.prevUs = at;
      continue;
    }
    let os: OsState = thread.runnable ? 'cpu' : 'sleep';
    let detail: string | null = null;
    if (!thread.runnable) {
      if (thread.open?.os === 'cpu' || thread.wchan === null || count % WCHAN_EVERY === 0) {
        const length = readRaw(thread.wchanFd);
        const text = length > 0 ? buffer.toString('latin1', 0, length).trim() : '';
        // wchan reads 0 when the thread is already awake again: at a GIL hand-over it just got the lock.
        thread.wchan = text === '' || text === '0' ? null : text;
      }
      detail = thread.wchan;
      const futexOrAwake = detail === null || detail.includes('futex');
      if (futexOrAwake && activePids.has(thread.watch.pid)) os = 'contended';
    }
    const open = thread.open;
    const core = os === 'cpu' ? thread.core : null;
    thread.pendingCpuUs += cpuUs;
    if (!open || open.os !== os || open.detail !== detail || open.core !== core) {
      close(thread, thread.prevUs);
      thread.open = { os, detail, core, fromUs: thread.prevUs };
    }
    thread.prevUs = at;
  }
  return true;
}

/** This sampler's own CPU time (its cost), from its own schedstat (exact for the calling thread). */
const selfFd = (() => {
  try {
    return openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return -1;
  }
})();
function selfCpuUs(): number {
  const length = selfFd < 0 ? -1 : readRaw(selfFd);
  return length > 0 ? firstNumber(length) / 1000 : 0;
}

function main(): void {
  send({ type: 'ready' });
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
    if (tick(ticks)) ticks++;
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
