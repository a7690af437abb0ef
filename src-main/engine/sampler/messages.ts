/**
 * The sampler's contract: what the engine asks of the scheduler sampler
 * (a worker thread) and what it reports back.
 */

/** What the OS scheduler said a thread did over a stretch of samples. */
export type OsState =
  /** Runnable: on a CPU, or queued for one (/proc cannot tell which; CPU time can, over a span). */
  | 'cpu'
  /**
   * Waiting for its process's GIL, on evidence: asleep on a futex while another thread of its process
   * was runnable, waking again within a switch interval or so (a GIL waiter's timed wait runs out and
   * it asks for the GIL again), or just woken to take the GIL while its holder was still on a CPU.
   */
  | 'contended'
  /** Asleep for another reason: idle, in a queue or a lock, in the kernel (`detail` says where). */
  | 'sleep';

/** A stretch of one thread's samples in one OS state. */
export interface OsSegment {
  readonly key: string;
  readonly fromUs: number;
  readonly toUs: number;
  readonly os: OsState;
  /** Where it slept in the kernel (wchan), where known. */
  readonly detail: string | null;
  /** CPU time the thread used over the stretch. */
  readonly cpuUs: number;
}

/** A segment with the CPU core the thread last ran on (while on a CPU). */
export interface CoreSegment extends OsSegment {
  readonly core: number | null;
}

/** A thread to sample: its process, its native id, and the lane it belongs to. */
export interface Watch {
  readonly pid: number;
  readonly tid: number;
  readonly key: string;
  /** Whether its process has a GIL its threads may wait for (a Python process that is not free-threaded). */
  readonly gil: boolean;
}

/** How a process ended, as its zombie's /proc entry says (a waitpid status, decoded). */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: string | null;
}

/** What the engine tells the sampler. */
export type SamplerCommand =
  | { readonly type: 'watch'; readonly watch: Watch }
  | { readonly type: 'unwatch'; readonly key: string }
  | { readonly type: 'stop' };

/** What the sampler reports, about every 50 ms (a batch) or as it happens. */
export type SamplerReport =
  | {
      readonly type: 'batch';
      readonly segments: readonly CoreSegment[];
      /** Samples cover every watched thread up to here. */
      readonly untilUs: number;
      readonly ticks: number;
      readonly elapsedUs: number;
      /** CPU the sampler's own thread used so far. */
      readonly selfCpuUs: number;
    }
  /**
   * A watched thread is gone (or its process is a zombie). `exit` is the process's status, where its
   * main thread was seen as a zombie before its parent reaped it.
   */
  | { readonly type: 'gone'; readonly key: string; readonly atUs: number; readonly exit: ExitStatus | null }
  /** The CPU time a thread had used when it was first read (before sampling began: its start-up). */
  | { readonly type: 'base'; readonly key: string; readonly cpuUs: number; readonly atUs: number }
  /** A process a watched thread started, seen for the first time; `command` is its command line. */
  | {
      readonly type: 'child';
      readonly pid: number;
      readonly parentKey: string;
      readonly command: string;
      readonly atUs: number;
    }
  /** Loaded and about to take its first sample: the script may start now without competing with its start-up. */
  | { readonly type: 'ready' };

/** What the sampler starts with. */
export interface SamplerInit {
  readonly t0Ns: string;
  readonly intervalUs: number;
}
