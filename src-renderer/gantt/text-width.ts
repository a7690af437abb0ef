/**
 * Measures text as the page draws it: a canvas's measureText, for a CSS font. Without a 2D canvas, an
 * estimate from the font's size (0.6 of it a character).
 */
export function textMeasurer(): (font: string, text: string) => number {
  const ctx = document.createElement('canvas').getContext('2d');
  return (font, text) => {
    if (!ctx) return text.length * 0.6 * Number(/([\d.]+)px/.exec(font)?.[1] ?? 13);
    ctx.font = font;
    return ctx.measureText(text).width;
  };
}
