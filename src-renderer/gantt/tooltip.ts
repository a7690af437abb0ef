import { FLAG_MAY_WAIT_FOR_GIL } from '@shared/span-store';
import { duration } from '../lib/format';
import { STATE_STYLES } from '../lib/states';
import { coreShare } from './draw';
import type { Hit } from './hit';

/** What a tooltip says: a title with a colour dot, and lines under it. */
export interface TooltipContent {
  readonly title: string;
  readonly color: string;
  readonly lines: readonly string[];
}

/** What the CPU time of a stretch says, by the same rule the bars are hatched by. */
export function cpuLines(cpuUs: number, spanUs: number): string[] {
  if (Number.isNaN(cpuUs)) return [];
  const share = coreShare(0, spanUs, cpuUs);
  if (share === null) return [`on a CPU about ${duration(cpuUs)} (too short to tell a share)`];
  const line = `on a CPU ${duration(cpuUs)} (${Math.round((100 * cpuUs) / spanUs)}% of it)`;
  return share === 'shared' ? [line, 'hatched: the OS gave its core to others part of the time'] : [line];
}

/** Slices shown nested in a tooltip at most (a deep stack says how many more). */
const MAX_NESTED_LINES = 6;

/** The slices inside the hovered one at the pointer (an imported call stack), innermost last. */
function nestedLines(model: Hit['model'], nested: readonly number[]): string[] {
  if (nested.length === 0) return [];
  const s = model.spans;
  const name = (i: number) => (s.detail[i] >= 0 ? s.strings[s.detail[i]] : 'slice');
  const shown = nested.slice(-MAX_NESTED_LINES).map((i) => `› ${name(i)} (${duration(s.end[i] - s.start[i])})`);
  const more = nested.length - shown.length;
  return ['inside it, here:', ...(more > 0 ? [`… ${more} more`] : []), ...shown];
}

/** The tooltip of what is under the pointer. `laneColor` colours the cores view. */
export function tooltipFor(hit: Hit, laneColor: (lane: number) => string): TooltipContent {
  const model = hit.model;
  switch (hit.kind) {
    case 'instant': {
      const lane = model.lanes[hit.laneIndex];
      const ins = model.instants[hit.instant];
      return {
        title: `${lane.info.name} printed`,
        color: '#1d1d1f',
        lines: [`“${ins.text}”`, `at ${duration(ins.tsUs)} (${ins.stream})`],
      };
    }
    case 'span': {
      const lane = model.lanes[hit.laneIndex];
      const s = model.spans;
      const i = hit.span;
      const style = STATE_STYLES[s.state[i]];
      const open = Number.isNaN(s.end[i]);
      const end = open ? model.nowUs() : s.end[i];
      return {
        title: `${lane.info.name}: ${style.label}`,
        color: style.color,
        lines: [
          ...(s.detail[i] >= 0 ? [model.details[s.detail[i]]] : []),
          ...(s.flags[i] & FLAG_MAY_WAIT_FOR_GIL
            ? ['or waiting for the GIL: the OS was not sampled, so which is not known']
            : []),
          `start ${duration(s.start[i])}`,
          `end ${open ? 'still going' : duration(end)}`,
          `duration ${duration(end - s.start[i])}`,
          ...cpuLines(s.cpu[i], end - s.start[i]),
          ...nestedLines(model, hit.nested),
        ],
      };
    }
    case 'core': {
      const span = hit.here[0];
      if (!span) return { title: `Core ${hit.core}`, color: '#8a8a8a', lines: ['no traced thread here'] };
      return {
        title: `Core ${hit.core}: ${hit.here.map((c) => model.lanes[c.lane]?.info.name ?? 'a thread').join(', ')}`,
        color: laneColor(span.lane),
        lines: [
          `from ${duration(span.startUs)} to ${duration(span.endUs)}`,
          `${duration(span.endUs - span.startUs)} runnable on this core`,
          ...cpuLines(span.cpuUs, span.endUs - span.startUs),
          ...(hit.here.length > 1 ? [`${hit.here.length} threads runnable here at once: they took turns`] : []),
        ],
      };
    }
    case 'process':
      return {
        title: hit.row.name,
        color: '#8a8a8a',
        lines: [
          `${hit.row.lanes.length.toLocaleString('en')} lanes${hit.row.pid === null ? '' : ` · pid ${hit.row.pid}`}`,
          hit.row.collapsed ? 'collapsed: click to show its lanes' : 'click to collapse',
        ],
      };
    default: {
      const unreachable: never = hit;
      return unreachable;
    }
  }
}

/**
 * Where a tooltip of `size` goes near the pointer, inside `bounds` (all in the same coordinates):
 * below and right of the pointer where it fits, else flipped left or above, else pushed inside.
 * Measured, not guessed: the caller passes the tooltip's rendered size.
 */
export function placeTooltip(
  pointer: { readonly x: number; readonly y: number },
  size: { readonly width: number; readonly height: number },
  bounds: { readonly width: number; readonly height: number },
  gap = 14,
): { left: number; top: number } {
  let left = pointer.x + gap;
  if (left + size.width > bounds.width) left = pointer.x - gap - size.width;
  if (left < 0) left = Math.max(0, Math.min(bounds.width - size.width, pointer.x + gap));
  let top = pointer.y + gap;
  if (top + size.height > bounds.height) top = pointer.y - gap - size.height;
  if (top < 0) top = Math.max(0, Math.min(bounds.height - size.height, pointer.y + gap));
  return { left, top };
}
