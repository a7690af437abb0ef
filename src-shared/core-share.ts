/** Below this share of its time on a CPU, a running span is drawn hatched: it shared a core. */
const SHARED_BELOW = 0.85;
/** Shorter spans are never hatched: the kernel's CPU time is only as fresh as its last tick (a few ms). */
const SHARE_MIN_US = 20_000;

/**
 * What a stretch on a CPU got of its length in CPU time: well under it (`shared`: it waited for its
 * core part of the time), nearly all of it (`alone`: it had a core to itself), or not known (too short
 * to tell, or its CPU time not measured, NaN).
 */
export function coreShare(startUs: number, endUs: number, cpuUs: number): 'shared' | 'alone' | null {
  const length = endUs - startUs;
  if (!(length >= SHARE_MIN_US) || Number.isNaN(cpuUs)) return null;
  return cpuUs / length < SHARED_BELOW ? 'shared' : 'alone';
}
