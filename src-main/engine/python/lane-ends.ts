import type { TracerRecord } from '../../protocol/tracer';
import type { ExitInfo } from '../records';
import type { ExitStatus } from '../sampler/messages';

/**
 * A child process seen to end (its connection closed, or the sampler saw it go) whose exit status is not
 * known yet ends this long after, so its parent's wait (which says the status) can still be heard. A
 * thread the sampler saw go gets as long for its own last words.
 */
const STATUS_WAIT_MS = 300;
/** How long a child's end waits for connections that have not yet said whose they are. */
const SILENT_CHILD_US = 1_000_000;

/** Lane keys the tracer makes: p<pid>, p<pid>t<tid>, p<pid>a<n>. */
export const LANE_KEY = /^p(\d+)(?:([ta])\d+)?$/;

/** The pid of a process's own lane key (p<pid>), or null for any other key. */
export function processPid(key: string): number | null {
  const match = LANE_KEY.exec(key);
  return match && match[2] === undefined ? Number(match[1]) : null;
}

/** What is known of how a child process ended, until its lanes are ended. */
interface ChildEnd {
  /** When it was first seen to be gone (its connection closed, or the sampler saw it go). */
  goneUs: number | null;
  /** Its exit status, from its own last words (`own`), its parent's wait, or its zombie. */
  status: (ExitStatus & { readonly tsUs: number; readonly own: boolean }) | null;
  /** A check again soon (while a connection has not said whose it is). */
  timer: NodeJS.Timeout | null;
  /** Waiting STATUS_WAIT_MS for a status. */
  waiting: boolean;
  /** When its end was first heard of. */
  readonly sinceUs: number;
}

/** What the lane ends need to know of the run they end lanes of. */
export interface LaneEndsHost {
  /** The script's own process: its end is its exit, as the engine sees it, not a child's. */
  mainPid(): number | undefined;
  /** Every lane key of a process (its own, its threads', its tasks'). */
  keysOf(pid: number): ReadonlySet<string> | undefined;
  /** Every process with a lane of its own. */
  processes(): Iterable<number>;
  /** Open connections of a traced process, and open connections that have not said whose they are. */
  connections(pid: number): number;
  unidentified(): number;
  /** Where the exits go (the merger, which puts them in order with the samples). */
  record(record: Extract<TracerRecord, { lane: string }>): void;
  nowUs(): number;
}

/**
 * When the lanes of a process or a thread end, and how, from what is heard of
 * them in any order: a traced child's connection closing, the sampler seeing
 * a process or a thread go (a zombie's status with it), the status a parent
 * reaped, a child's own last words. A child's lanes end once it is gone and
 * its records are in, with the best status known; its threads and tasks still
 * open end with it, abandoned.
 */
export class LaneEnds {
  private readonly ending = new Map<number, ChildEnd>();
  private readonly endedPids = new Set<number>();
  /** Thread lanes that have ended, and those the sampler saw go that have not said so yet. */
  private readonly threadsEnded = new Set<string>();
  private readonly threadsGone = new Map<string, number>();
  /** The latest stamp each traced process sent: it was still there then, whatever the samples say. */
  private readonly lastHeardUs = new Map<number, number>();

  constructor(private readonly host: LaneEndsHost) {}

  /** A record from a process, stamped `tsUs`: it was there then. */
  heard(pid: number, tsUs: number): void {
    this.lastHeardUs.set(pid, Math.max(this.lastHeardUs.get(pid) ?? 0, tsUs));
  }

  /** Whether this process's lanes have ended. */
  ended(pid: number): boolean {
    return this.endedPids.has(pid);
  }

  /** Child processes with a lane that have not been seen to go. */
  running(): number[] {
    const pids: number[] = [];
    for (const pid of this.host.processes()) {
      if (pid === this.host.mainPid() || this.endedPids.has(pid)) continue;
      if (this.ending.get(pid)?.goneUs == null) pids.push(pid);
    }
    return pids;
  }

  /**
   * A process is gone: its lane ends with its status, and its lanes still open (threads still running,
   * tasks still pending) end with it, abandoned.
   */
  processEnded(pid: number, exit: ExitInfo, tsUs: number): void {
    const keys = this.host.keysOf(pid);
    // (A process heard of before its own lane: its end waits for the lane.)
    if (this.endedPids.has(pid) || !keys?.size) return;
    this.endedPids.add(pid);
    // The samples last saw it before it went; what it said later it said before it ended.
    const atUs = Math.max(tsUs, this.lastHeardUs.get(pid) ?? tsUs);
    const waiting = this.ending.get(pid);
    if (waiting?.timer) clearTimeout(waiting.timer);
    this.ending.delete(pid);
    for (const key of keys) {
      const own = key === `p${pid}`;
      this.host.record({
        t: 'exit',
        lane: key,
        code: own ? exit.code : null,
        signal: own ? exit.signal : null,
        abandoned: !own,
        tsUs: atUs,
      });
    }
  }

  /** A child process was seen to go (its connection closed, or the sampler saw it go). */
  childGone(pid: number, atUs: number): void {
    if (pid === this.host.mainPid() || this.endedPids.has(pid)) return;
    const end = this.childEnd(pid);
    end.goneUs = Math.min(end.goneUs ?? Infinity, atUs);
    this.check(pid);
  }

  /** A child process's exit status became known: `own` if it said so itself, as it was about to exit. */
  childStatus(pid: number, exit: ExitStatus, tsUs: number, own: boolean): void {
    if (pid === this.host.mainPid() || this.endedPids.has(pid)) return;
    const end = this.childEnd(pid);
    // The first status heard is kept (a parent's wait and the child's own words agree).
    end.status ??= { ...exit, tsUs, own };
    this.check(pid);
  }

  /**
   * Ends a child's lanes once it is known to be gone with its status known; a status its parent
   * reaped says it is gone too. Gone without a status, it waits a little for its parent's wait. A
   * traced child is never ended while its connection is open: records it sent may still be on the way.
   */
  check(pid: number): void {
    const end = this.ending.get(pid);
    if (!end || this.host.connections(pid) > 0) return;
    // A forked child's connection is made before the fork and known by its pid only once the child
    // speaks: while one has not spoken yet, it may be this child's (for a while: it speaks at once).
    if (this.host.unidentified() > 0 && this.host.nowUs() - end.sinceUs < SILENT_CHILD_US) {
      end.timer ??= setTimeout(() => {
        end.timer = null;
        this.check(pid);
      }, 20);
      return;
    }
    const { goneUs, status } = end;
    if (status && !status.own) {
      this.processEnded(pid, status, Math.min(goneUs ?? status.tsUs, status.tsUs));
    } else if (status && goneUs !== null) {
      this.processEnded(pid, status, goneUs);
    } else if (goneUs !== null && !end.waiting) {
      end.waiting = true;
      setTimeout(() => this.endAnyway(pid), STATUS_WAIT_MS).unref();
    }
  }

  /** A thread lane said it ended (its exit record). */
  threadEnded(key: string): void {
    this.threadsEnded.add(key);
  }

  /**
   * A thread the sampler saw go. A threading.Thread says when it ends itself (its records may still be
   * on their way: it gets a moment); one started with _thread does not, and ends here.
   */
  threadGone(key: string, atUs: number): void {
    this.threadsGone.set(key, atUs);
    setTimeout(() => this.endThread(key), STATUS_WAIT_MS).unref();
  }

  private endThread(key: string): void {
    const atUs = this.threadsGone.get(key);
    this.threadsGone.delete(key);
    if (atUs === undefined || this.threadsEnded.has(key)) return;
    // Gone with its process: the process's end says what became of it (abandoned, if it was still going).
    if (this.endedPids.has(Number(LANE_KEY.exec(key)?.[1]))) return;
    this.threadsEnded.add(key);
    this.host.record({ t: 'exit', lane: key, code: null, signal: null, tsUs: atUs });
  }

  /** The run is over: every thread and child still on its way out ends with what is known. */
  endAll(): void {
    for (const key of [...this.threadsGone.keys()]) this.endThread(key);
    for (const [pid, end] of [...this.ending]) {
      if (end.goneUs !== null || end.status !== null) this.endAnyway(pid);
    }
  }

  /** Ends a child's lanes with whatever is known of its end (its status may never be known). */
  private endAnyway(pid: number): void {
    const end = this.ending.get(pid);
    if (!end) return;
    const atUs = end.goneUs ?? end.status?.tsUs ?? this.host.nowUs();
    this.processEnded(pid, end.status ?? { code: null, signal: null }, atUs);
  }

  private childEnd(pid: number): ChildEnd {
    let end = this.ending.get(pid);
    if (!end) {
      end = { goneUs: null, status: null, timer: null, waiting: false, sinceUs: this.host.nowUs() };
      this.ending.set(pid, end);
    }
    return end;
  }
}
