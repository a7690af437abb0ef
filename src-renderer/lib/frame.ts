import { LIVE_REFRESH_MS } from '@protocol/events';
import { flushSync } from 'svelte';

/**
 * One requestAnimationFrame scheduler for every view (as Perfetto's raf scheduler): any number of
 * requests in a frame cause one draw of each view that asked. While a run is live, views marked live
 * redraw on their own at one rate, LIVE_REFRESH_MS, the same interval the engine sends its batches
 * at: the app shares the machine with the workload it measures, so it must not take a core to
 * animate it. Hooks registered with `beforeFrame` (the app's version bump) run first, and Svelte's
 * effects are flushed before the views draw, so one frame shows one state of the model.
 */
export interface FrameScheduler {
  request(): void;
  setLive(live: boolean): void;
  dispose(): void;
}

type Draw = (nowMs: number) => void;

interface View {
  readonly draw: Draw;
  /** Redraws every frame while live (replay), not at the live rate. */
  readonly everyFrame: boolean;
  live: boolean;
  requested: boolean;
}

class RafScheduler {
  private readonly views = new Set<View>();
  private readonly hooks = new Set<Draw>();
  private handle: number | null = null;
  private lastLiveMs = -Infinity;
  /** Frames drawn and live ticks, for the benchmark. */
  frames = 0;

  view(draw: Draw, everyFrame = false): FrameScheduler {
    const view: View = { draw, everyFrame, live: false, requested: false };
    this.views.add(view);
    return {
      request: () => {
        view.requested = true;
        this.schedule();
      },
      setLive: (live) => {
        view.live = live;
        if (live) this.schedule();
      },
      dispose: () => {
        this.views.delete(view);
      },
    };
  }

  /** Runs `hook` at the start of every frame that draws anything (returns its removal). */
  beforeFrame(hook: Draw): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** Asks for a frame without a view (a hook has something to publish). */
  request(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.handle === null && typeof requestAnimationFrame === 'function')
      this.handle = requestAnimationFrame((t) => this.tick(t));
  }

  private tick(nowMs: number): void {
    this.handle = null;
    const liveDue = nowMs - this.lastLiveMs >= LIVE_REFRESH_MS - 2;
    let anyLive = false;
    const due: View[] = [];
    for (const view of this.views) {
      if (view.live) anyLive = true;
      if (view.requested || (view.live && (view.everyFrame || liveDue))) due.push(view);
    }
    if (liveDue && anyLive) this.lastLiveMs = nowMs;
    if (liveDue || due.length > 0) {
      for (const hook of this.hooks) hook(nowMs);
      flushSync();
    }
    for (const view of this.views) {
      if (!view.requested && !due.includes(view)) continue;
      view.requested = false;
      this.frames++;
      view.draw(nowMs);
    }
    if (anyLive || [...this.views].some((v) => v.requested)) this.schedule();
  }
}

/** The scheduler every view draws through. */
export const raf = new RafScheduler();

/** A view's handle on the one scheduler: `everyFrame` for replay, which animates at the display's rate. */
export function frameScheduler(draw: Draw, everyFrame = false): FrameScheduler {
  return raf.view(draw, everyFrame);
}
