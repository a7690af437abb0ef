import type { OsSegment } from '../python/merge';

/** A thread to sample: its process, its native id, and the lane it belongs to. */
export interface Watch {
  readonly pid: number;
  readonly tid: number;
  readonly key: string;
}

/** What the engine tells the sampler. */
export type SamplerCommand =
  | { readonly type: 'watch'; readonly watch: Watch }
  | { readonly type: 'unwatch'; readonly key: string }
  | { readonly type: 'stop' };

/** A segment with the CPU core the thread last ran on (while on a CPU). */
export interface CoreSegment extends OsSegment {
  readonly core: number | null;
}

/** What the sampler reports, about every 50 ms. */
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
  | { readonly type: 'gone'; readonly key: string; readonly atUs: number }
  /** Loaded and about to take its first sample: the script may start now without competing with its start-up. */
  | { readonly type: 'ready' };

/** What the sampler starts with. */
export interface SamplerInit {
  readonly t0Ns: string;
  readonly intervalUs: number;
}
