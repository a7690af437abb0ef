/**
 * One requestAnimationFrame scheduler per view: any number of requests in a
 * frame cause one draw. While `live` (a growing run) it also draws on its
 * own, but at most every `liveIntervalMs`: the app shares the machine with
 * the workload it measures, so it must not take a core to animate it.
 */
export interface FrameScheduler {
  request(): void;
  setLive(live: boolean): void;
  dispose(): void;
}

/** Calls `draw` at most once a frame, when requested or (throttled) while live. */
export function frameScheduler(draw: (nowMs: number) => void, liveIntervalMs = 0): FrameScheduler {
  let handle: number | null = null;
  let requested = false;
  let live = false;
  let disposed = false;
  let lastDrawMs = -Infinity;
  const schedule = () => {
    if (handle === null && !disposed) handle = requestAnimationFrame(tick);
  };
  const tick = (nowMs: number) => {
    handle = null;
    if (disposed) return;
    if (requested || (live && nowMs - lastDrawMs >= liveIntervalMs)) {
      requested = false;
      lastDrawMs = nowMs;
      draw(nowMs);
    }
    if (live || requested) schedule();
  };
  return {
    request() {
      requested = true;
      schedule();
    },
    setLive(next) {
      live = next;
      if (live) schedule();
    },
    dispose() {
      disposed = true;
      if (handle !== null) cancelAnimationFrame(handle);
    },
  };
}
