/** A duration for people: `0.85 ms`, `12.3 ms`, `1.21 s`. */
export function duration(us: number): string {
  const abs = Math.abs(us);
  if (abs < 10_000) return `${(us / 1000).toFixed(2)} ms`;
  if (abs < 1e6) return `${(us / 1000).toFixed(1)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

/**
 * An axis tick: whole milliseconds below two seconds of span, seconds above; zoomed in below 20 ms,
 * as many decimals of a millisecond as the span needs to tell neighbouring ticks apart (down to 1 ns).
 */
export function tickLabel(us: number, spanUs: number): string {
  if (spanUs < 2e4) {
    const decimals = Math.min(6, Math.max(1, Math.ceil(-Math.log10(spanUs / 1000 / 20))));
    return `${(us / 1000).toFixed(decimals)} ms`;
  }
  if (spanUs < 2e6) return `${Math.round(us / 1000)} ms`;
  return `${(us / 1e6).toFixed(spanUs < 2e7 ? 1 : 0)} s`;
}

const NICE = [1, 1.5, 2, 3, 4, 5, 6, 8, 10];

/** The smallest 1–1.5–2–3–4–5–6–8 × 10^k at or above `value` (for a stepped axis). */
export function niceCeil(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const found = NICE.find((n) => n * power >= value - 1e-9) ?? 10;
  return found * power;
}

/** A run's status on its title bar: live, finished in…, stopped after…, or opened from a file. */
export function runStatus(run: {
  readonly source: unknown;
  readonly end: { readonly reason: string; readonly summary: { readonly wallUs: number } } | null;
}): string {
  if (run.source) return 'opened from a file';
  if (!run.end) return 'live';
  const wall = duration(run.end.summary.wallUs);
  return run.end.reason === 'completed' ? `finished in ${wall}` : `${run.end.reason} after ${wall}`;
}

/**
 * How many ticks an axis of `widthPx` gets: one per 120 px, or per label where labels are longer
 * (zoomed far in they carry more decimals). The axis and the chart's grid both ask this.
 */
export function tickCount(domain: readonly number[], widthPx: number): number {
  const label = tickLabel(domain[1], domain[1] - domain[0]);
  return Math.max(2, Math.floor(widthPx / Math.max(120, label.length * 9 + 60)));
}

/** A run's title cut to who it is, for side-by-side runs: "One cook, two dishes (concurrency)" → "One cook". */
export const shortTitle = (title: string): string => /^[^,(]+/.exec(title)?.[0].trim() ?? title;
