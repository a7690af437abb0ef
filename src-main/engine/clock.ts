/**
 * The one clock every event is stamped on: `process.hrtime.bigint()`, which
 * reads CLOCK_MONOTONIC on Linux. Worker threads and child processes read the
 * same system-wide clock, so their stamps line up with the engine's.
 */

/** Now on the monotonic clock, in nanoseconds. */
export function monoNs(): bigint {
  return process.hrtime.bigint();
}

/** Microseconds from `t0Ns` to now (fractional). */
export function sinceUs(t0Ns: bigint): number {
  return Number(process.hrtime.bigint() - t0Ns) / 1000;
}
