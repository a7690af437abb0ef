import type { Ctx } from './draw';

/** Escapes text for SVG markup. */
export const xml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const n = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));

interface Pen {
  fillStyle: Ctx['fillStyle'];
  strokeStyle: Ctx['strokeStyle'];
  lineWidth: number;
  font: string;
  textBaseline: CanvasTextBaseline;
}

/**
 * A 2D context that writes SVG: the chart's own draw functions (gantt/draw.ts, frame-draw.ts) draw into
 * it as they draw onto the canvas, so the saved drawing is the picture on screen, not a second one.
 * Fills are colour strings or `url(#id)` of patterns the caller defines.
 */
export class SvgRecorder implements Ctx {
  fillStyle: Ctx['fillStyle'] = '#000';
  strokeStyle: Ctx['strokeStyle'] = '#000';
  lineWidth = 1;
  font = '13px sans-serif';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  private readonly parts: string[] = [];
  private path: string[] = [];
  private readonly saved: Pen[] = [];

  constructor(private readonly measure: (font: string, text: string) => number) {}

  /** What was drawn, as SVG elements. */
  markup(): string {
    return this.parts.join('\n');
  }

  private paint(style: Ctx['fillStyle']): string {
    return typeof style === 'string' ? xml(style) : 'none';
  }

  fillRect(x: number, y: number, w: number, h: number): void {
    if (w <= 0 || h <= 0) return;
    this.parts.push(
      `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${this.paint(this.fillStyle)}"/>`,
    );
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(
      `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="none" stroke="${this.paint(this.strokeStyle)}" stroke-width="${n(this.lineWidth)}"/>`,
    );
  }
  fillText(text: string, x: number, y: number): void {
    const baseline = this.textBaseline === 'middle' ? ' dominant-baseline="central"' : '';
    this.parts.push(
      `<text x="${n(x)}" y="${n(y)}" fill="${this.paint(this.fillStyle)}" style="font: ${xml(this.font)}"${baseline}>${xml(text)}</text>`,
    );
  }
  measureText(text: string): TextMetrics {
    return { width: this.measure(this.font, text) } as TextMetrics;
  }
  beginPath(): void {
    this.path = [];
  }
  moveTo(x: number, y: number): void {
    this.path.push(`M${n(x)} ${n(y)}`);
  }
  lineTo(x: number, y: number): void {
    this.path.push(`L${n(x)} ${n(y)}`);
  }
  closePath(): void {
    this.path.push('Z');
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.path.push(`M${n(x)} ${n(y)}h${n(w)}v${n(h)}h${n(-w)}Z`);
  }
  fill(): void {
    this.parts.push(`<path d="${this.path.join('')}" fill="${this.paint(this.fillStyle)}"/>`);
  }
  stroke(): void {
    this.parts.push(
      `<path d="${this.path.join('')}" fill="none" stroke="${this.paint(this.strokeStyle)}" stroke-width="${n(this.lineWidth)}"/>`,
    );
  }
  clip(): void {
    // The chart draws inside its own bounds; the SVG's viewport clips the rest.
  }
  save(): void {
    const { fillStyle, strokeStyle, lineWidth, font, textBaseline } = this;
    this.saved.push({ fillStyle, strokeStyle, lineWidth, font, textBaseline });
  }
  restore(): void {
    const pen = this.saved.pop();
    if (pen) Object.assign(this, pen);
  }
}

/** The patterns the chart's SVG uses, by the ids its style names (`url(#…)`), as on the canvas. */
export const SVG_PATTERNS = {
  shared: 'ck-shared',
  dots: 'ck-dots',
  stripes: 'ck-stripes',
} as const;

export const SVG_PATTERN_DEFS = `<defs>
<pattern id="${SVG_PATTERNS.shared}" width="8" height="8" patternUnits="userSpaceOnUse"><path d="M-2 10L10 -2" stroke="rgba(255,255,255,0.75)" stroke-width="2.5"/></pattern>
<pattern id="${SVG_PATTERNS.dots}" width="6" height="6" patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="1.3" fill="rgba(29,29,31,0.55)"/></pattern>
<pattern id="${SVG_PATTERNS.stripes}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="2" fill="rgba(255,255,255,0.55)"/></pattern>
</defs>`;
