/**
 * The scheduler sampler, a worker thread of the engine (Linux only). About
 * every millisecond it reads /proc/<pid>/task/<tid>/stat of every watched
 * thread (runnable or asleep, and on which core) and, for the threads that
 * may be using a CPU, schedstat (CPU time, and how often the thread was
 * scheduled in: a thread whose count grows while it is seen asleep woke up
 * in between). A Python thread asleep on a futex while another thread of
 * its process runs is waiting for the GIL only if it keeps waking up (a GIL
 * waiter's timed wait runs out every switch interval); one that sleeps on
 * without waking is idle, in a queue or a lock. It also lists the processes
 * each watched thread starts, so programs that are not Python get lanes too.
 * It never touches the traced processes, and runs outside them so it does
 * not compete for their GIL.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { constants } from 'node:os';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { CoreSegment, ExitStatus, OsState, SamplerCommand, SamplerInit, SamplerReport, Watch } from './messages';

const init = workerData as SamplerInit;
const t0 = BigInt(init.t0Ns);
if (!parentPort) throw new Error('the sampler runs as a worker thread');
const port: MessagePort = parentPort;

const BATCH_US = 50_000;
/**
 * The reads of one tick must be this close together to count as one look: if
 * the sampler was descheduled between two threads' reads, a hand-over in that
 * gap would show both running at once. Such a tick is skipped; the next one
 * covers its time. With many threads one look takes longer: a few µs each (4 to 7 µs on a loaded VM).
 */
const SIMULTANEOUS_US = 300;
const SIMULTANEOUS_PER_THREAD_US = 8;
/**
 * A GIL waiter's wait is timed (the switch interval, 5 ms by default): when it runs out, the waiter
 * wakes, asks the holder to drop the GIL and waits again. So a futex sleep that lasts longer than this
 * without waking is not a wait for the GIL (a loaded machine can wake a waiter late: hence the margin).
 */
const GIL_WAKE_US = 15_000;
const buffer = Buffer.alloc(4096);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/** Where a thread is in the rule for GIL waits (see GIL_WAKE_US). */
type Episode =
  /** Not asleep on a futex while a sibling runs. */
  | 'none'
  /** Asleep so since `episodeFromUs` without waking: a GIL wait if it wakes within GIL_WAKE_US. */
  | 'pending'
  /** Asleep so for longer than GIL_WAKE_US without waking: idle (or in a lock), until it wakes. */
  | 'idle';

interface Thread {
  readonly watch: Watch;
  /** Its process has a GIL (a Python process found first as a child learns so when its tracer speaks). */
  gil: boolean;
  readonly sched: number;
  readonly stat: number;
  readonly wchanFd: number;
  /** /proc/<pid>/task/<tid>/children: the processes it started (-1 where the kernel does not list them). */
  readonly childrenFd: number;
  prevRunNs: number;
  /** How many times it has been scheduled in (schedstat's third field), at the last read. */
  prevRuns: number;
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
  episode: Episode;
  episodeFromUs: number;
  /** Its last look found it waiting for the GIL (asleep, or resolved so later). */
  waitedForGil: boolean;
  /** Since when it has been asleep outside any GIL wait (0: it is not), and which ticks look at it then. */
  quietSinceUs: number;
  readonly phase: number;
  open: { os: OsState | 'pending'; detail: string | null; core: number | null; fromUs: number } | null;
}

const threads = new Map<string, Thread>();
/** Every process reported or watched, so each child is reported once. */
const knownPids = new Set<number>();
let segments: CoreSegment[] = [];

/** Microseconds since the run's zero: performance.now() reads the same clock as hrtime, without BigInt. */
const originUs = Number(process.hrtime.bigint() - t0) / 1000 - performance.now() * 1000;
const nowUs = (): number => originUs + performance.now() * 1000;

function closeFiles(thread: Thread): void {
  for (const fd of [thread.sched, thread.stat, thread.wchanFd, thread.childrenFd]) {
    if (fd < 0) continue;
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
  // (A stretch still undecided when the thread goes is not known to be a GIL wait.)
  const os: OsState = open.os === 'pending' ? 'sleep' : open.os;
  const cpuUs = os === 'cpu' ? Math.min(thread.pendingCpuUs, toUs - open.fromUs) : 0;
  thread.pendingCpuUs -= cpuUs;
  const last = segments.at(-1);
  if (
    last &&
    last.key === thread.watch.key &&
    last.toUs === open.fromUs &&
    last.os === os &&
    last.detail === open.detail &&
    last.core === open.core
  ) {
    segments[segments.length - 1] = { ...last, toUs, cpuUs: last.cpuUs + cpuUs };
    return;
  }
  segments.push({ key: thread.watch.key, fromUs: open.fromUs, toUs, os, detail: open.detail, cpuUs, core: open.core });
}

/** Starts a new open segment at `fromUs` (closing the one before there). */
function begin(
  thread: Thread,
  os: OsState | 'pending',
  detail: string | null,
  core: number | null,
  fromUs: number,
): void {
  close(thread, fromUs);
  thread.open = { os, detail, core, fromUs };
}

/** Cuts the open segment at a batch boundary; the same state goes on after it. Undecided stretches are not cut. */
function cut(thread: Thread, atUs: number): void {
  const open = thread.open;
  if (open && open.os !== 'pending' && atUs > open.fromUs) begin(thread, open.os, open.detail, open.core, atUs);
}

/**
 * An undecided stretch is over: it was a GIL wait if the thread woke up (or became runnable) within
 * GIL_WAKE_US of falling asleep, else it was idle. Its segment closes at `atUs`.
 */
function resolve(thread: Thread, woke: boolean, atUs: number): void {
  if (thread.episode !== 'pending' || thread.open?.os !== 'pending') return;
  const waited = woke && atUs - thread.episodeFromUs <= GIL_WAKE_US;
  thread.open.os = waited ? 'contended' : 'sleep';
  thread.waitedForGil = waited;
  close(thread, atUs);
  thread.open = null;
}

function forget(key: string, atUs: number, exit: ExitStatus | null, report: boolean): void {
  const thread = threads.get(key);
  if (!thread) return;
  if (thread.episode === 'pending') resolve(thread, false, atUs);
  close(thread, atUs);
  closeFiles(thread);
  threads.delete(key);
  if (report) send({ type: 'gone', key, atUs, exit });
}

function send(report: SamplerReport): void {
  port.postMessage(report);
}

function openOr(path: string): number {
  try {
    return openSync(path, 'r');
  } catch {
    return -1;
  }
}

function watch(w: Watch): void {
  const known = threads.get(w.key);
  if (known) {
    known.gil = w.gil;
    return;
  }
  knownPids.add(w.pid);
  const base = `/proc/${w.pid}/task/${w.tid}`;
  try {
    const sched = openSync(`${base}/schedstat`, 'r');
    const stat = openSync(`${base}/stat`, 'r');
    const wchanFd = openSync(`${base}/wchan`, 'r');
    threads.set(w.key, {
      watch: w,
      gil: w.gil,
      sched,
      stat,
      wchanFd,
      childrenFd: openOr(`${base}/children`),
      prevRunNs: -1,
      prevRuns: -1,
      prevUs: 0,
      runnable: false,
      core: null,
      wchan: null,
      pendingCpuUs: 0,
      episode: 'none',
      episodeFromUs: 0,
      waitedForGil: false,
      quietSinceUs: 0,
      phase: threads.size,
      open: null,
    });
  } catch {
    send({ type: 'gone', key: w.key, atUs: nowUs(), exit: null });
  }
}

function command(message: SamplerCommand): boolean {
  switch (message.type) {
    case 'watch':
      watch(message.watch);
      return true;
    case 'unwatch':
      forget(message.key, nowUs(), null, false);
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

/** The numbers of a schedstat line in the buffer: CPU time (ns) and how many times it was scheduled in. */
function schedstat(length: number): { runNs: number; runs: number } {
  const values = [0, 0, 0];
  let field = 0;
  for (let i = 0; i < length && field < 3; i++) {
    const c = buffer[i];
    if (c === SPACE) field++;
    else if (c >= 0x30 && c <= 0x39) values[field] = values[field] * 10 + (c - 0x30);
    else break;
  }
  return { runNs: values[0], runs: values[2] };
}

/** Field n (1-based, n > 2) of a stat line in the buffer, as a number; parsed in place, no strings. */
function statField(length: number, n: number): number {
  let i = buffer.lastIndexOf(CLOSE_PAREN, length - 1) + 2; // field 3 starts here
  for (let field = 3; field < n && i < length; i++) if (buffer[i] === SPACE) field++;
  let value = 0;
  for (; i < length && buffer[i] >= 0x30 && buffer[i] <= 0x39; i++) value = value * 10 + (buffer[i] - 0x30);
  return value;
}

/** A zombie's exit status (stat field 52, as waitpid reports it), decoded. */
function exitOf(length: number): ExitStatus {
  const status = statField(length, 52);
  const signal = status & 0x7f;
  if (signal === 0) return { code: (status >> 8) & 0xff, signal: null };
  return { code: null, signal: SIGNAL_NAMES.get(signal) ?? `signal ${signal}` };
}

/** Ticks in about `us` microseconds (at least one): cadences hold at any sampling rate. */
const ticksIn = (us: number): number => Math.max(1, Math.round(us / init.intervalUs));
/** A sleeping thread's CPU time is read about every 8 ms (it gains little); a runnable one's at every tick. */
const CPU_EVERY = ticksIn(8_000);
/** A sleeper's wchan is read when it falls asleep, then about every 16 ms: it does not change while asleep. */
const WCHAN_EVERY = ticksIn(16_000);
/** The processes each thread started are listed about every 10 ms. */
const CHILDREN_EVERY = ticksIn(10_000);
/**
 * A thread asleep this long (outside any GIL wait: idle, in a lock, in a traced wait) is looked at only
 * every QUIET_EVERY ticks, until it is seen awake: a program with a thousand idle threads is still
 * sampled about every millisecond where it runs. Such a thread's waking is seen up to 10 ms late.
 */
const QUIET_AFTER_US = 100_000;
const QUIET_EVERY = ticksIn(10_000);

/** A process's command line, as `ps` shows it. */
function commandOf(pid: number): string {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`);
    const words = raw.toString('utf8').split('\0').filter(Boolean);
    if (words.length > 0) return words.join(' ');
    return `[${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()}]`;
  } catch {
    return `pid ${pid}`;
  }
}

/**
 * A child still running its parent's program (forked, not yet exec'd) is reported once it runs its own,
 * or after this long (a fork that never execs): otherwise `sleep 0.3` could be named after the Python
 * script that started it.
 */
const EXEC_GRACE_US = 50_000;
/** Children seen still running their parent's program, and when first seen. */
const forkedSince = new Map<number, number>();

/** Reports the processes watched threads started that have not been seen before. */
function findChildren(at: number): void {
  for (const thread of threads.values()) {
    if (thread.childrenFd < 0) continue;
    const length = readRaw(thread.childrenFd);
    if (length <= 0) continue;
    for (const word of buffer.toString('latin1', 0, length).split(' ')) {
      const pid = Number(word);
      if (!Number.isInteger(pid) || pid <= 0 || knownPids.has(pid)) continue;
      const command = commandOf(pid);
      const since = forkedSince.get(pid) ?? at;
      if (command === commandOf(thread.watch.pid) && at - since < EXEC_GRACE_US) {
        forkedSince.set(pid, since);
        continue;
      }
      forkedSince.delete(pid);
      knownPids.add(pid);
      send({ type: 'child', pid, parentKey: thread.watch.key, command, atUs: since });
    }
  }
}

/**
 * One sample of every watched thread: the state letter (runnable or asleep)
 * and core from its stat line; CPU time and wake-ups where they matter; and
 * for a thread that sleeps while a sibling is runnable, whether it sleeps on
 * a futex.
 */
function tick(count: number): boolean {
  const at = nowUs();
  const runnableIn = new Map<number, number>();
  const observed: Thread[] = [];
  /** Reads one thread's state letter and core; false if it is gone. */
  const look = (thread: Thread): boolean => {
    const length = readRaw(thread.stat);
    const stateAt = length > 0 ? buffer.lastIndexOf(CLOSE_PAREN, length - 1) + 2 : -1;
    const state = stateAt > 0 ? String.fromCharCode(buffer[stateAt]) : 'X';
    if (state === 'Z' || state === 'X') {
      const main = thread.watch.tid === thread.watch.pid;
      forget(thread.watch.key, thread.prevUs || at, state === 'Z' && main ? exitOf(length) : null, true);
      return false;
    }
    thread.runnable = state === 'R';
    thread.core = thread.runnable ? statField(length, 39) : null;
    // Asleep, and not in the middle of a maybe-GIL wait: quiet since it fell asleep (known whether or not
    // this tick's look turns out simultaneous enough to keep).
    if (thread.runnable || thread.episode === 'pending') thread.quietSinceUs = 0;
    else thread.quietSinceUs ||= at;
    if (thread.runnable) runnableIn.set(thread.watch.pid, (runnableIn.get(thread.watch.pid) ?? 0) + 1);
    observed.push(thread);
    return true;
  };
  // The threads that may be running, looked at together; those asleep a while (see QUIET_AFTER_US), a
  // few at each tick, after: their looks need not be simultaneous with the others', as they were asleep.
  const quiet: Thread[] = [];
  for (const thread of [...threads.values()]) {
    if (thread.quietSinceUs > 0 && at - thread.quietSinceUs > QUIET_AFTER_US) quiet.push(thread);
    else look(thread);
  }
  const together = observed.length;
  const lookedUs = nowUs() - at;
  for (const thread of quiet) if ((count + thread.phase) % QUIET_EVERY === 0) look(thread);
  if (lookedUs > Math.max(SIMULTANEOUS_US, SIMULTANEOUS_PER_THREAD_US * together)) return false;
  for (const thread of observed) {
    const { pid } = thread.watch;
    const siblingsRunnable = (runnableIn.get(pid) ?? 0) - (thread.runnable ? 1 : 0);
    if (!thread.runnable && (thread.open?.os === 'cpu' || thread.wchan === null || count % WCHAN_EVERY === 0)) {
      const length = readRaw(thread.wchanFd);
      const text = length > 0 ? buffer.toString('latin1', 0, length).trim() : '';
      // wchan reads 0 when the thread is already awake again: at a GIL hand-over it just got the lock.
      thread.wchan = text === '' || text === '0' ? null : text;
    }
    const futexOrAwake = thread.wchan === null || thread.wchan.includes('futex');
    const candidate = !thread.runnable && thread.gil && siblingsRunnable > 0 && futexOrAwake;
    // CPU time, and whether it woke since the last look: at every tick where it may matter.
    let cpuUs = 0;
    let woke = false;
    if (thread.runnable || candidate || thread.episode !== 'none' || count % CPU_EVERY === 0 || thread.prevRunNs < 0) {
      const length = readRaw(thread.sched);
      if (length > 0) {
        const { runNs, runs } = schedstat(length);
        if (thread.prevRunNs >= 0) cpuUs = (runNs - thread.prevRunNs) / 1000;
        else send({ type: 'base', key: thread.watch.key, cpuUs: runNs / 1000, atUs: at });
        woke = thread.prevRuns >= 0 && runs !== thread.prevRuns;
        thread.prevRunNs = runNs;
        thread.prevRuns = runs;
      }
    }
    if (thread.prevUs === 0) {
      thread.prevUs = at;
      continue;
    }
    thread.pendingCpuUs += cpuUs;
    const from = thread.prevUs;
    if (thread.runnable) {
      // Awake again: a stretch undecided so far ends with a wake-up.
      if (thread.episode === 'pending') resolve(thread, true, from);
      thread.episode = 'none';
      // Just woken from a GIL wait while a sibling is still on a CPU: handing the GIL over, not yet
      // running Python beside it (one of the two holds the GIL at any instant).
      // (For one look only: two threads runnable for longer both run, in code that let the GIL go.)
      const handover = thread.waitedForGil && siblingsRunnable > 0;
      thread.waitedForGil = false;
      const os: OsState = handover ? 'contended' : 'cpu';
      const core = os === 'cpu' ? thread.core : null;
      if (thread.open?.os !== os || thread.open.core !== core || thread.open.detail !== null)
        begin(thread, os, null, core, from);
    } else if (candidate) {
      if (thread.episode === 'none') {
        thread.episode = 'pending';
        thread.episodeFromUs = from;
        begin(thread, 'pending', thread.wchan, null, from);
      } else if (woke && thread.episode === 'pending') {
        // It woke and slept again in between: the stretch so far ends here, and a new one begins.
        resolve(thread, true, at);
        thread.episodeFromUs = at;
        thread.open = { os: 'pending', detail: thread.wchan, core: null, fromUs: at };
      } else if (woke) {
        // Idle no more: it woke in between, and may be waiting for the GIL from here on.
        thread.episode = 'pending';
        thread.episodeFromUs = from;
        begin(thread, 'pending', thread.wchan, null, from);
      } else if (thread.episode === 'pending' && at - thread.episodeFromUs > GIL_WAKE_US) {
        // Asleep too long without waking: not a GIL wait. It stays idle until it wakes.
        resolve(thread, false, at);
        thread.episode = 'idle';
        thread.open = { os: 'sleep', detail: thread.wchan, core: null, fromUs: at };
      }
    } else {
      if (thread.episode === 'pending') resolve(thread, woke, from);
      // (Idle stays idle while it sleeps on: only a wake-up makes it a maybe-GIL waiter again.)
      if (thread.episode !== 'idle' || woke) thread.episode = 'none';
      thread.waitedForGil = false;
      if (thread.open?.os !== 'sleep' || thread.open.detail !== thread.wchan)
        begin(thread, 'sleep', thread.wchan, null, from);
    }
    thread.prevUs = at;
  }
  return true;
}

/** This sampler's own CPU time (its cost), from its own schedstat (exact for the calling thread). */
const selfFd = openOr('/proc/thread-self/schedstat');
function selfCpuUs(): number {
  const length = selfFd < 0 ? -1 : readRaw(selfFd);
  return length > 0 ? schedstat(length).runNs / 1000 : 0;
}

/** Samples are complete up to here: no thread has an undecided stretch before it. */
function coveredUs(before: number): number {
  let covered = before;
  for (const thread of threads.values()) {
    covered = Math.min(covered, thread.prevUs);
    if (thread.open?.os === 'pending') covered = Math.min(covered, thread.open.fromUs);
  }
  return covered;
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
        for (const key of [...threads.keys()]) forget(key, at, null, false);
        send({ type: 'batch', segments, untilUs: at, ticks, elapsedUs: at - startUs, selfCpuUs: selfCpuUs() });
        return;
      }
    }
    const before = nowUs();
    if (tick(ticks)) ticks++;
    if (ticks % CHILDREN_EVERY === 0) findChildren(before);
    if (before - lastBatchUs >= BATCH_US) {
      for (const thread of threads.values()) cut(thread, thread.prevUs);
      const untilUs = coveredUs(before);
      send({ type: 'batch', segments, untilUs, ticks, elapsedUs: before - startUs, selfCpuUs: selfCpuUs() });
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
