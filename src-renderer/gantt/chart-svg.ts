import type { RunModel } from '@shared/run-model';
import { tickCount, tickLabel } from '../lib/format';
import { EXECUTING_INDICES, OUTLINED_INDICES, STATE_COLORS, STATE_STYLES } from '../lib/states';
import { laneMeta } from '../components/timeline/lane-meta';
import { drawLabels, placeLabels, type WantedLabel } from './annotate';
import type { BarMetrics, Paint, SpanStyle } from './draw';
import { drawChartFrame, type ChartFrame } from './frame-draw';
import type { Row } from './rows';
import { SVG_PATTERN_DEFS, SVG_PATTERNS, SvgRecorder, xml } from './svg-recorder';
import { textMeasurer } from './text-width';

/** What the chart alone is drawn from when saved as SVG: the chart's own layout, scale and style. */
export interface ChartPicture {
  readonly title: string;
  readonly groups: readonly { model: RunModel; title: string }[];
  /** Every row (not only those in view): the drawing holds them all. */
  readonly rows: readonly Row[];
  readonly heightPx: number;
  readonly labelsPx: number;
  readonly plotPx: number;
  readonly x: ChartFrame['x'];
  readonly bar: BarMetrics;
  readonly font: string;
  readonly paint: Paint;
  readonly summaryOf: ChartFrame['summaryOf'];
  readonly laneColor: (lane: number) => string;
  readonly status: (group: number) => string;
  /** Annotations to draw, as the canvas draws them (empty where they are switched off). */
  readonly notes: (row: Row) => { text: string; atUs: number }[];
}

const TITLE_PX = 44;
const LEGEND_PX = 30;
const AXIS_PX = 30;

/**
 * The chart alone as an SVG file: the title, the legend, the time axis, the lanes' labels and every
 * lane's bars, drawn by the same functions as the canvas (through SvgRecorder).
 */
export function chartSvg(p: ChartPicture): string {
  const measure = textMeasurer();
  const width = p.labelsPx + p.plotPx;
  const top = TITLE_PX + LEGEND_PX + AXIS_PX;
  const height = top + p.heightPx;
  const ink = xml(p.paint.ink);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
    SVG_PATTERN_DEFS,
    `<rect width="${width}" height="${height}" fill="${xml(p.paint.paper)}"/>`,
    `<text x="12" y="28" font-size="20" font-weight="700" fill="${ink}">${xml(p.title)}</text>`,
  );
  // The legend: each state's colour and mark, as on screen.
  let lx = 12;
  for (const s of STATE_STYLES) {
    if (s.state === 'slice' && !p.groups.some((g) => g.model.source)) continue;
    const mark = s.mark === 'dots' ? SVG_PATTERNS.dots : s.mark === 'stripes' ? SVG_PATTERNS.stripes : null;
    const y = TITLE_PX + 6;
    out.push(`<rect x="${lx}" y="${y}" width="18" height="13" rx="2" fill="${s.color}"/>`);
    if (mark) out.push(`<rect x="${lx}" y="${y}" width="18" height="13" rx="2" fill="url(#${mark})"/>`);
    if (s.mark === 'outline')
      out.push(
        `<rect x="${lx + 0.75}" y="${y + 0.75}" width="16.5" height="11.5" fill="none" stroke="${ink}" stroke-width="1.5"/>`,
      );
    out.push(`<text x="${lx + 24}" y="${y + 11}" font-size="14" fill="${ink}">${xml(s.label)}</text>`);
    lx += 24 + measure('14px system-ui, sans-serif', s.label) + 18;
  }
  // The axis.
  const ticks = p.x.ticks(tickCount(p.x.domain(), p.plotPx));
  const span = p.x.domain()[1] - p.x.domain()[0];
  out.push(`<g transform="translate(${p.labelsPx},${TITLE_PX + LEGEND_PX})" font-size="13" fill="${ink}">`);
  for (const t of ticks) {
    const at = p.x(t);
    const anchor = at < 30 ? 'start' : at > p.plotPx - 30 ? 'end' : 'middle';
    out.push(`<line x1="${at}" x2="${at}" y1="${AXIS_PX - 8}" y2="${AXIS_PX}" stroke="${ink}"/>`);
    out.push(`<text x="${at}" y="${AXIS_PX - 12}" text-anchor="${anchor}">${xml(tickLabel(t, span))}</text>`);
  }
  out.push('</g>');
  // The labels.
  out.push(`<g transform="translate(0,${top})" fill="${ink}">`);
  for (const row of p.rows) {
    const { model, title } = p.groups[row.group];
    const y = row.topPx + row.heightPx / 2;
    if (row.kind === 'run') {
      out.push(`<rect y="${row.topPx}" width="${width}" height="${row.heightPx}" fill="${xml(p.paint.band)}"/>`);
      out.push(
        `<text x="12" y="${y}" dominant-baseline="central" font-weight="700" font-size="15">${xml(title)}</text>`,
      );
      out.push(
        `<text x="${width - 12}" y="${y}" dominant-baseline="central" text-anchor="end" font-size="13">${xml(p.status(row.group))}</text>`,
      );
    } else if (row.kind === 'lane') {
      const lane = model.lanes[row.laneIndex];
      const x0 = row.nested ? 26 : 12;
      out.push(
        `<text x="${x0}" y="${y - 7}" dominant-baseline="central" font-weight="650" font-size="15">${xml(lane.info.name)}</text>`,
      );
      out.push(
        `<text x="${x0}" y="${y + 10}" dominant-baseline="central" font-size="12" opacity="0.75">${xml(laneMeta(lane))}</text>`,
      );
    } else {
      const text = row.kind === 'process' ? row.name : row.kind === 'core' ? `Core ${row.core}` : 'CPU cores (sampled)';
      out.push(
        `<text x="12" y="${y}" dominant-baseline="central" font-weight="700" font-size="14">${xml(text)}</text>`,
      );
    }
  }
  out.push(
    `<line x1="${p.labelsPx - 0.5}" x2="${p.labelsPx - 0.5}" y1="0" y2="${p.heightPx}" stroke="${xml(p.paint.grid)}"/>`,
  );
  out.push('</g>');
  // The bars, through the canvas's own draw functions.
  const recorder = new SvgRecorder(measure);
  const style: SpanStyle = {
    colors: STATE_COLORS,
    executing: EXECUTING_INDICES,
    shared: `url(#${SVG_PATTERNS.shared})`,
    marks: STATE_STYLES.map((s) =>
      s.mark === 'dots' ? `url(#${SVG_PATTERNS.dots})` : s.mark === 'stripes' ? `url(#${SVG_PATTERNS.stripes})` : null,
    ),
    outlined: OUTLINED_INDICES,
    paint: p.paint,
  };
  drawChartFrame(recorder, {
    models: p.groups.map((g) => g.model),
    rows: p.rows,
    scrollTopPx: 0,
    widthPx: p.plotPx,
    heightPx: p.heightPx,
    x: p.x,
    bar: p.bar,
    style,
    font: p.font,
    nowMs: performance.now(),
    summaryOf: p.summaryOf,
    laneColor: p.laneColor,
  });
  const wanted: WantedLabel[] = p.rows.flatMap((row) =>
    p.notes(row).map((a) => ({
      text: a.text,
      pointPx: p.x(a.atUs),
      barTopPx: row.topPx + p.bar.padPx,
      barHeightPx: p.bar.rowPx - 2 * p.bar.padPx,
    })),
  );
  recorder.font = p.font;
  drawLabels(
    recorder,
    placeLabels(wanted, p.plotPx, (t) => measure(p.font, t), p.heightPx),
    p.font,
    p.paint,
  );
  out.push(`<g transform="translate(${p.labelsPx},${top})">`, recorder.markup(), '</g>', '</svg>');
  return out.join('\n');
}
