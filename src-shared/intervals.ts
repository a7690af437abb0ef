/**
 * Interval arithmetic over typed columns: a run of millions of spans is summed without an object, a tuple
 * or an array of numbers per span (the summary's peak figures once cost more memory than the spans).
 */

/** Intervals as columns: start, end and weight (a share of a core) of each. */
export class Intervals {
  start = new Float64Array(16);
  end = new Float64Array(16);
  weight = new Float64Array(16);
  length = 0;

  /** Adds one; empty intervals are left out (one of no weight is kept: it was open, at no share). */
  push(startUs: number, endUs: number, weight = 1): void {
    if (!(endUs > startUs)) return;
    if (this.length === this.start.length) {
      const grow = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.start = grow(this.start);
      this.end = grow(this.end);
      this.weight = grow(this.weight);
    }
    this.start[this.length] = startUs;
    this.end[this.length] = endUs;
    this.weight[this.length] = weight;
    this.length++;
  }

  static from(list: readonly { startUs: number; endUs: number; weight?: number }[]): Intervals {
    const out = new Intervals();
    for (const { startUs, endUs, weight } of list) out.push(startUs, endUs, weight ?? 1);
    return out;
  }

  /** Sorted by start and merged where they overlap (a merged stretch keeps the larger weight). */
  merged(): Intervals {
    const order = indexOrder(this.length, (a, b) => this.start[a] - this.start[b]);
    const out = new Intervals();
    for (const i of order) {
      const last = out.length - 1;
      if (last >= 0 && this.start[i] < out.end[last]) {
        // Overlapping stretches of one thread: it ran once over them, at the larger share.
        out.weight[last] = Math.max(out.weight[last], this.weight[i]);
        out.end[last] = Math.max(out.end[last], this.end[i]);
      } else out.push(this.start[i], this.end[i], this.weight[i]);
    }
    return out;
  }
}

/** The indices 0…n-1 ordered by `compare`, in a typed array. */
function indexOrder(n: number, compare: (a: number, b: number) => number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort(compare);
}

/** A step function: `level[i]` holds from `times[i]` to `times[i + 1]` (the last level is 0). */
export interface Steps {
  readonly times: Float64Array;
  readonly level: Float64Array;
}

/**
 * The sum of the weights open at each instant, from lists of intervals. An interval ending exactly when
 * another starts does not overlap it. `unit` counts every interval as 1 whatever its weight.
 */
export function stepsOf(lists: readonly Intervals[], unit = false): Steps {
  let n = 0;
  for (const l of lists) for (let i = 0; i < l.length; i++) if (unit || l.weight[i] > 0) n++;
  // Edge k < n opens interval k, edge n + k closes it.
  const at = new Float64Array(2 * n);
  const delta = new Float64Array(2 * n);
  let k = 0;
  for (const l of lists) {
    for (let i = 0; i < l.length; i++) {
      const w = unit ? 1 : l.weight[i];
      if (!(w > 0)) continue;
      at[k] = l.start[i];
      delta[k] = w;
      at[n + k] = l.end[i];
      delta[n + k] = -w;
      k++;
    }
  }
  const order = indexOrder(2 * n, (a, b) => at[a] - at[b] || delta[a] - delta[b]);
  const times = new Float64Array(2 * n);
  const level = new Float64Array(2 * n);
  let steps = 0;
  let open = 0;
  for (const e of order) {
    open += delta[e];
    if (steps > 0 && times[steps - 1] === at[e]) level[steps - 1] = open;
    else {
      times[steps] = at[e];
      level[steps] = open;
      steps++;
    }
  }
  return { times: times.subarray(0, steps), level: level.subarray(0, steps) };
}

/** The highest level (rounded to hundredths). */
export function peakLevel({ level }: Steps): number {
  let peak = 0;
  for (const v of level) peak = Math.max(peak, v);
  return Math.round(peak * 100) / 100;
}

/**
 * The highest average level over any window of `windowUs` (rounded to hundredths): a brief peak (two
 * sampled threads both caught running at a hand-over) counts only for its share of the window. A run
 * shorter than the window is averaged over its own length.
 */
export function peakAverage({ times, level }: Steps, windowUs: number): number {
  const n = times.length;
  if (n === 0) return 0;
  const width = Math.min(windowUs, times[n - 1] - times[0]);
  // area[i]: the integral of the steps up to times[i].
  const area = new Float64Array(n);
  for (let i = 1; i < n; i++) area[i] = area[i - 1] + level[i - 1] * (times[i] - times[i - 1]);
  const integral = (t: number): number => {
    if (t <= times[0]) return 0;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return area[lo] + level[lo] * (t - times[lo]);
  };
  let peak = 0;
  for (const t of times) {
    peak = Math.max(peak, integral(t + width) - integral(t), integral(t) - integral(t - width));
  }
  return Math.round((peak / width) * 100) / 100;
}

/** The highest level held for at least `minUs` without a break (1 if anything was open at all). */
export function sustainedLevel({ times, level }: Steps, minUs: number): number {
  if (times.length === 0) return 0;
  let top = 0;
  for (const v of level) top = Math.max(top, v);
  for (let k = top; k > 1; k--) {
    let since: number | null = null;
    for (let i = 0; i < times.length; i++) {
      if (level[i] >= k) since ??= times[i];
      else if (since !== null) {
        if (times[i] - since >= minUs) return k;
        since = null;
      }
    }
  }
  return 1;
}

/** Total length of the time covered by both lists (each may overlap itself). */
export function overlapOf(a: Intervals, b: Intervals): number {
  const ma = a.merged();
  const mb = b.merged();
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < ma.length && j < mb.length) {
    const start = Math.max(ma.start[i], mb.start[j]);
    const end = Math.min(ma.end[i], mb.end[j]);
    if (end > start) total += end - start;
    if (ma.end[i] < mb.end[j]) i++;
    else j++;
  }
  return total;
}
