import { textMeasurer } from './text-width';

/**
 * How wide the timeline's label column is, and how many lines a label may need: wide enough for the
 * longest lane name and its details where the chart can spare it, else as wide as it may be with the
 * words wrapping onto more lines (a label is never cut off).
 */
export interface LabelFit {
  /** The label column's width (CSS px). */
  readonly columnPx: number;
  /** Lines the tallest label takes at that width (its name and its details together). */
  readonly lines: number;
}

export interface LabelText {
  readonly name: string;
  readonly meta: string;
}

export interface LabelRoom {
  /** The column's narrowest and widest (CSS px); the widest leaves the chart its room. */
  readonly minPx: number;
  readonly maxPx: number;
  /** Padding and indent inside the column, besides the text. */
  readonly padPx: number;
}

/** Labels measured at most: past that, a sample (the widest of many lanes' names is rarely the 2001st). */
export const MEASURED_LABELS = 2000;

export function fitLabels(
  labels: readonly LabelText[],
  measureName: (text: string) => number,
  measureMeta: (text: string) => number,
  room: LabelRoom,
): LabelFit {
  const step = Math.max(1, Math.ceil(labels.length / MEASURED_LABELS));
  const widths: { name: number; meta: number }[] = [];
  for (let i = 0; i < labels.length; i += step)
    widths.push({ name: measureName(labels[i].name), meta: measureMeta(labels[i].meta) });
  const widest = widths.reduce((w, l) => Math.max(w, l.name, l.meta), 0);
  const columnPx = Math.max(room.minPx, Math.min(room.maxPx, Math.ceil(widest + room.padPx)));
  const text = Math.max(1, columnPx - room.padPx);
  const lines = widths.reduce(
    (n, l) => Math.max(n, Math.max(1, Math.ceil(l.name / text)) + (l.meta > 0 ? Math.ceil(l.meta / text) : 0)),
    1,
  );
  return { columnPx, lines };
}

/** The label column's widest share of the timeline: the chart keeps the rest. */
export const LABELS_MAX_SHARE = 0.42;

/**
 * Fits the lanes' labels as the page draws them (its font, at `rootPx`) into a column of the timeline
 * `frameWidthPx` wide: names at 1 rem, details at 0.8 rem and never under 16 px.
 */
export function measureLabelFit(labels: readonly LabelText[], rootPx: number, frameWidthPx: number): LabelFit {
  const measure = textMeasurer();
  const family = getComputedStyle(document.body).fontFamily || 'system-ui, sans-serif';
  const width = (font: string) => (text: string) => measure(font, text);
  return fitLabels(labels, width(`650 ${rootPx}px ${family}`), width(`500 ${Math.max(16, rootPx * 0.8)}px ${family}`), {
    minPx: rootPx * 11,
    maxPx: Math.max(rootPx * 11, frameWidthPx * LABELS_MAX_SHARE),
    // Padding both sides, the nested indent, a colour swatch and a little slack for rounding.
    padPx: rootPx * 2.9,
  });
}
