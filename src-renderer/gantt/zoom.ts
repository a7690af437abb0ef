import { select } from 'd3-selection';
import { zoom, zoomIdentity, zoomTransform, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';

/** Zoom and pan on the time axis, owned by d3-zoom on an element of its own. */
export interface TimeZoom {
  /** A Svelte attachment: hands the element to d3-zoom and returns its cleanup. */
  attach(node: HTMLElement): () => void;
  reset(): void;
  /** Zooms by `factor` around the middle (keyboard). */
  scaleBy(factor: number): void;
  /** Pans by a fraction of the visible width (keyboard). */
  panBy(fraction: number): void;
  /** Shows [from, to] of the whole, as fractions of it (the minimap). */
  showWindow(from: number, to: number): void;
}

/**
 * Wheel zooms, drag pans; never before the start or after the end of what is shown. Where the rows
 * scroll (`wheelScrolls()`), a plain wheel scrolls them and Ctrl+wheel zooms.
 */
export function timeZoom(
  onZoom: (transform: ZoomTransform) => void,
  wheelScrolls: () => boolean = () => false,
): TimeZoom {
  let node: HTMLElement | null = null;
  const behavior: ZoomBehavior<HTMLElement, unknown> = zoom<HTMLElement, unknown>()
    .scaleExtent([1, 1_000_000])
    // d3's default multiplies a Ctrl+wheel by 10 (it takes it for a trackpad pinch); here Ctrl+wheel is
    // how a mouse zooms rows that scroll, and ten times faster jumped from the whole run to microseconds.
    .wheelDelta((event: WheelEvent) => -event.deltaY * (event.deltaMode === 1 ? 0.05 : event.deltaMode ? 1 : 0.002))
    .filter((event: Event) => {
      if (event.type === 'wheel') return (event as WheelEvent).ctrlKey || !wheelScrolls();
      // d3's default: no secondary buttons, no Ctrl-drag.
      const e = event as MouseEvent;
      return (!e.ctrlKey || event.type === 'wheel') && !e.button;
    })
    .on('zoom', (event: { transform: ZoomTransform }) => onZoom(event.transform));
  const fit = (el: HTMLElement) => {
    const width = Math.max(1, el.clientWidth);
    behavior
      .extent([
        [0, 0],
        [width, 1],
      ])
      .translateExtent([
        [0, -Infinity],
        [width, Infinity],
      ]);
  };
  return {
    attach(el) {
      node = el;
      fit(el);
      const observer = new ResizeObserver(() => fit(el));
      observer.observe(el);
      select(el).call(behavior).on('dblclick.zoom', null);
      return () => {
        observer.disconnect();
        select(el).on('.zoom', null);
        node = null;
      };
    },
    reset() {
      if (node) select(node).call(behavior.transform, zoomIdentity);
    },
    scaleBy(factor) {
      if (node) select(node).call(behavior.scaleBy, factor);
    },
    showWindow(from, to) {
      if (!node) return;
      const width = Math.max(1, node.clientWidth);
      const span = Math.max(1e-9, to - from);
      const k = Math.max(1, 1 / span);
      select(node).call(behavior.transform, zoomIdentity.scale(k).translate(-from * width, 0));
    },
    panBy(fraction) {
      if (!node) return;
      const { k } = zoomTransform(node);
      select(node).call(behavior.translateBy, (-fraction * node.clientWidth) / k, 0);
    },
  };
}
