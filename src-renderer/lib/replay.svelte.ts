import type { RunModel } from '@shared/run-model';
import { frameScheduler } from './frame';
import { store, stored } from './settings.svelte';

/** The replay speeds a teacher can narrate at, slowest first. */
export const REPLAY_SPEEDS = [0.1, 0.25, 0.5, 1] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

const storedSpeed = (): ReplaySpeed => {
  const n = Number(stored('replaySpeed'));
  return (REPLAY_SPEEDS as readonly number[]).includes(n) ? (n as ReplaySpeed) : 0.5;
};

/**
 * Replay of runs that have ended: a playhead that moves at a chosen fraction of real time, pauses and
 * resumes, steps from one event to the next, and jumps where the time axis is dragged. The kitchen and
 * the chart's cursor both read `tUs`; null when nothing is replayed.
 */
export class Replay {
  tUs = $state<number | null>(null);
  playing = $state(false);
  speed = $state<ReplaySpeed>(storedSpeed());
  private endUs = 0;
  private lastMs = 0;
  private readonly scheduler = frameScheduler((nowMs) => this.tick(nowMs), true);

  /** Starts from the beginning of runs that last `endUs`. */
  start(endUs: number): void {
    this.endUs = endUs;
    this.tUs = 0;
    this.play();
  }

  play(): void {
    if (this.tUs === null) return;
    if (this.tUs >= this.endUs) this.tUs = 0;
    this.playing = true;
    this.lastMs = performance.now();
    this.scheduler.setLive(true);
  }

  pause(): void {
    this.playing = false;
    this.scheduler.setLive(false);
  }

  /** Moves the playhead (a drag on the time axis, a step): paused there. */
  seek(tUs: number, endUs = this.endUs): void {
    this.endUs = endUs;
    this.pause();
    this.tUs = Math.min(Math.max(0, tUs), endUs);
  }

  /** Back to live (or to the run's end): no replay. */
  stop(): void {
    this.pause();
    this.tUs = null;
  }

  setSpeed(speed: ReplaySpeed): void {
    this.speed = speed;
    store('replaySpeed', String(speed));
  }

  dispose(): void {
    this.scheduler.dispose();
  }

  private tick(nowMs: number): void {
    if (!this.playing || this.tUs === null) return;
    const next = this.tUs + (nowMs - this.lastMs) * 1000 * this.speed;
    this.lastMs = nowMs;
    if (next >= this.endUs) {
      this.tUs = this.endUs;
      this.pause();
    } else this.tUs = next;
  }
}

/**
 * Every instant something changed in these runs (a span began or ended, a line was printed), sorted and
 * without repeats: where stepping stops.
 */
export function eventTimes(models: readonly RunModel[]): Float64Array {
  let n = 0;
  for (const m of models) n += 2 * m.spans.count + m.instants.length;
  const times = new Float64Array(n);
  let k = 0;
  for (const m of models) {
    const s = m.spans;
    for (let i = 0; i < s.count; i++) {
      times[k++] = s.start[i];
      times[k++] = Number.isNaN(s.end[i]) ? s.start[i] : s.end[i];
    }
    for (const instant of m.instants) times[k++] = instant.tsUs;
  }
  times.sort();
  let unique = 0;
  for (let i = 0; i < times.length; i++) if (i === 0 || times[i] !== times[unique - 1]) times[unique++] = times[i];
  return times.subarray(0, unique);
}

/** The next (direction 1) or previous (-1) event time from `tUs`, or null past the first or last. */
export function stepFrom(times: Float64Array, tUs: number, direction: 1 | -1): number | null {
  let lo = 0;
  let hi = times.length;
  // The first index whose time is past tUs (direction 1) or at/after it (direction -1).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (direction === 1 ? times[mid] <= tUs : times[mid] < tUs) lo = mid + 1;
    else hi = mid;
  }
  const i = direction === 1 ? lo : lo - 1;
  return i >= 0 && i < times.length ? times[i] : null;
}
