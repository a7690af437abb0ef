import { toBlob } from 'html-to-image';

/** A file name for a picture of what is on screen: the app, the lesson and the time. */
export function imageName(title: string, kind: 'png' | 'svg', now = new Date()): string {
  const slug =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'view';
  const stamp = now.toISOString().slice(0, 19).replace(/[T:]/g, '-');
  return `concurrency-kitchen-${slug}-${stamp}.${kind}`;
}

/**
 * The view (kitchen, summary and chart) as a PNG, drawn by the browser itself (html-to-image: the page's
 * own DOM, styles and canvases, at the screen's pixel ratio), on the theme's background.
 */
export async function viewPng(node: HTMLElement): Promise<Blob> {
  const background = getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() || '#ffffff';
  const blob = await toBlob(node, {
    backgroundColor: background,
    pixelRatio: Math.max(1, window.devicePixelRatio || 1),
    // No web fonts to embed (system fonts only), and nothing to fetch.
    skipFonts: true,
  });
  if (!blob) throw new Error('the browser drew no picture');
  return blob;
}
