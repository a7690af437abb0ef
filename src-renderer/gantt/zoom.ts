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
}

/** Wheel zooms, drag pans; never before the start or after the end of what is shown. */
export function timeZoom(onZoom: (transform: ZoomTransform) => void): TimeZoom {
  let node: HTMLElement | null = null;
  const behavior: ZoomBehavior<HTMLElement, unknown> = zoom<HTMLElement, unknown>()
    .scaleExtent([1, 50_000])
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
    panBy(fraction) {
      if (!node) return;
      const { k } = zoomTransform(node);
      select(node).call(behavior.translateBy, (-fraction * node.clientWidth) / k, 0);
    },
  };
}
