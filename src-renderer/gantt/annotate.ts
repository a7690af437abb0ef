import { LIGHT_PAINT, type Ctx, type Paint } from './draw';

/** An annotation placed on the canvas: where it points, and its label's box. */
export interface PlacedLabel {
  readonly text: string;
  /** The instant it points at (x) and the bar it points at (top, height). */
  readonly pointPx: number;
  readonly barTopPx: number;
  readonly barHeightPx: number;
  /** The label's box. */
  readonly boxX: number;
  readonly boxY: number;
  readonly boxW: number;
  readonly boxH: number;
}

/** A label wanted at an instant of a bar. */
export interface WantedLabel {
  readonly text: string;
  readonly pointPx: number;
  readonly barTopPx: number;
  readonly barHeightPx: number;
}

const PAD = 5;
const GAP = 6;

/**
 * Places labels beside the instants they point at: to the right, or to the left where the right would
 * leave the chart; a label that would cover one already placed on the same bar is left out (the first
 * ones are the verdict's). Pure: the canvas only draws what this returns.
 */
export function placeLabels(
  wanted: readonly WantedLabel[],
  widthPx: number,
  measure: (text: string) => number,
  heightPx: number,
): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  for (const w of wanted) {
    if (w.pointPx < 0 || w.pointPx > widthPx) continue;
    const boxW = Math.ceil(measure(w.text)) + 2 * PAD;
    const boxH = Math.min(w.barHeightPx, heightPx);
    const right = w.pointPx + GAP;
    const boxX = right + boxW <= widthPx ? right : Math.max(0, w.pointPx - GAP - boxW);
    const boxY = w.barTopPx;
    const clash = placed.some((p) => p.boxY === boxY && boxX < p.boxX + p.boxW + GAP && p.boxX < boxX + boxW + GAP);
    if (clash) continue;
    placed.push({ ...w, boxX, boxY, boxW, boxH });
  }
  return placed;
}

/** Draws placed labels: a dark pointer through the bar at the instant, and the label in a white box. */
export function drawLabels(ctx: Ctx, labels: readonly PlacedLabel[], font: string, paint: Paint = LIGHT_PAINT): void {
  ctx.save();
  ctx.font = font;
  ctx.textBaseline = 'middle';
  for (const l of labels) {
    ctx.fillStyle = paint.ink;
    ctx.fillRect(Math.round(l.pointPx) - 1, l.barTopPx - 3, 3, l.barHeightPx + 6);
    ctx.beginPath();
    ctx.moveTo(l.pointPx - 6, l.barTopPx - 4);
    ctx.lineTo(l.pointPx + 6, l.barTopPx - 4);
    ctx.lineTo(l.pointPx, l.barTopPx + 3);
    ctx.closePath();
    ctx.fill();
    ctx.fillStyle = paint.paper;
    ctx.fillRect(l.boxX, l.boxY, l.boxW, l.boxH);
    ctx.strokeStyle = paint.ink;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(l.boxX + 0.75, l.boxY + 0.75, l.boxW - 1.5, l.boxH - 1.5);
    ctx.fillStyle = paint.ink;
    ctx.fillText(l.text, l.boxX + PAD, l.boxY + l.boxH / 2);
  }
  ctx.restore();
}

/** The instant the kitchen shows, as a vertical line over every row. */
export function drawCursor(ctx: Ctx, px: number, heightPx: number, paint: Paint = LIGHT_PAINT): void {
  ctx.save();
  ctx.fillStyle = paint.ink;
  ctx.fillRect(Math.round(px) - 1, 0, 2, heightPx);
  ctx.beginPath();
  ctx.moveTo(px - 6, 0);
  ctx.lineTo(px + 6, 0);
  ctx.lineTo(px, 8);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}
