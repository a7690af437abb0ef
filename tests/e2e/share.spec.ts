import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { createServer, type AddressInfo } from 'node:net';
import { chooseLesson, expect, runToVerdict, startServer, test } from './fixtures';

/** Runs a lesson to its end (its verdict shown). */
async function runLesson(page: Page, title: RegExp): Promise<void> {
  await chooseLesson(page, title);
  await runToVerdict(page);
}

test.use({ viewport: { width: 1280, height: 800 } });

test('Save image gives the whole view as a PNG and the chart alone as an SVG (browser mode: downloads)', async ({
  page,
  kitchen,
}) => {
  await page.goto(kitchen.url);
  await runLesson(page, /CPU work on Python threads/);
  const png = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save image' }).click();
  const pngFile = await (await png).path();
  const bytes = readFileSync(pngFile);
  // A PNG: its signature, and a picture as large as the view it shows (the stage: kitchen, summary, chart).
  expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const stage = (await page.locator('section.stage').boundingBox())!;
  expect(width).toBeGreaterThanOrEqual(Math.floor(stage.width) - 2);
  expect(height).toBeGreaterThanOrEqual(Math.floor(stage.height) - 2);
  expect(bytes.length).toBeGreaterThan(20_000);
  await expect(page.getByRole('status').filter({ hasText: /Downloaded concurrency-kitchen-.*\.png/ })).toBeVisible();

  const svg = page.waitForEvent('download');
  await page.getByRole('button', { name: 'SVG' }).click();
  const text = readFileSync(await (await svg).path(), 'utf8');
  // Well-formed SVG with the chart in it: every lane's name and bars in the states' colours.
  const parsed = await page.evaluate((s) => {
    const doc = new DOMParser().parseFromString(s, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.nodeName,
      texts: Array.from(doc.querySelectorAll('text')).map((t) => t.textContent ?? ''),
      fills: Array.from(doc.querySelectorAll('rect')).map((r) => r.getAttribute('fill')),
    };
  }, text);
  expect(parsed.error).toBeNull();
  expect(parsed.root).toBe('svg');
  expect(parsed.texts).toEqual(expect.arrayContaining(['Worker-1', 'Worker-2', 'GIL wait', 'running']));
  expect(parsed.fills).toEqual(expect.arrayContaining(['#00805c', '#e8a6cc', 'url(#ck-dots)']));
  mkdirSync('test-results/share', { recursive: true });
});

test('the chart is explored by keyboard: arrows move between spans and lanes, the tooltip follows', async ({
  page,
  kitchen,
}) => {
  await page.goto(kitchen.url);
  await runLesson(page, /Python threads \(the notebook\)/);
  const chart = page.getByRole('application', { name: /Timeline chart/ });
  await chart.focus();
  const tip = page.locator('.timeline .tooltip, .timeline [role="tooltip"]').first();
  await expect(tip).toBeVisible();
  const first = await tip.textContent();
  await page.keyboard.press('ArrowRight');
  await expect(tip).not.toHaveText(first ?? '');
  const second = await tip.textContent();
  await page.keyboard.press('ArrowDown');
  await expect(tip).toContainText(/Thread-1|task1/);
  await expect(tip).not.toHaveText(second ?? '');
  // Said to screen readers too.
  await expect(page.locator('.timeline [aria-live="polite"]').first()).toContainText(/Thread-1|task1/);
  await page.keyboard.press('Escape');
  await expect(tip).toBeHidden();
});

test('themes: dark follows the OS, the toggle overrides it, high contrast for a washed-out projector', async ({
  page,
  kitchen,
}) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(kitchen.url);
  const root = page.locator('html');
  const theme = page.getByRole('combobox', { name: 'Theme' });
  await theme.selectOption('auto');
  await expect(root).toHaveAttribute('data-theme', 'dark');
  const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(await bg()).toBe('rgb(23, 24, 27)');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(root).toHaveAttribute('data-theme', 'light');
  await theme.selectOption('dark');
  await expect(root).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(root).toHaveAttribute('data-theme', 'dark');
  await runLesson(page, /Cook and assistant/);
  mkdirSync('test-results/themes', { recursive: true });
  await page.screenshot({ path: 'test-results/themes/dark.png' });
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('contrast');
  await page.keyboard.press('p');
  await expect(root).toHaveAttribute('data-theme', 'contrast');
  expect(await bg()).toBe('rgb(255, 255, 255)');
  await page.screenshot({ path: 'test-results/themes/presenter-high-contrast.png' });
  await page.keyboard.press('p');
  await theme.selectOption('auto');
});

/** Colour-vision simulations (Machado et al. 2009, severity 1, in linear RGB: an SVG filter's default) and greyscale. */
const VISION: Record<string, string> = {
  greyscale: 'grayscale(1)',
  deuteranopia:
    '0.367322 0.860646 -0.227968 0 0  0.280085 0.672501 0.047413 0 0  -0.011820 0.042940 0.968881 0 0  0 0 0 1 0',
  protanopia:
    '0.152286 1.052583 -0.204868 0 0  0.114503 0.786281 0.099216 0 0  -0.003882 -0.048116 1.051998 0 0  0 0 0 1 0',
};

test('colour vision: the states read apart in greyscale, deuteranopia and protanopia (screenshots kept)', async ({
  page,
  kitchen,
}) => {
  await page.goto(kitchen.url);
  await runLesson(page, /CPU work on Python threads/);
  await page.getByRole('heading', { name: 'Timeline' }).scrollIntoViewIfNeeded();
  mkdirSync('test-results/colour-vision', { recursive: true });
  for (const [name, filter] of Object.entries(VISION)) {
    await page.evaluate(
      ([n, f]) => {
        document.getElementById('vision-filter')?.remove();
        const root = document.documentElement;
        if (!f.includes(' ')) {
          root.style.filter = f;
          return;
        }
        const ns = 'http://www.w3.org/2000/svg';
        const svg = document.createElementNS(ns, 'svg');
        svg.id = 'vision-filter';
        svg.setAttribute('width', '0');
        svg.setAttribute('height', '0');
        const fl = document.createElementNS(ns, 'filter');
        fl.id = `vision-${n}`;
        const m = document.createElementNS(ns, 'feColorMatrix');
        m.setAttribute('type', 'matrix');
        m.setAttribute('values', f);
        fl.append(m);
        svg.append(fl);
        document.body.append(svg);
        root.style.filter = `url(#vision-${n})`;
      },
      [name, filter] as const,
    );
    await page.screenshot({ path: `test-results/colour-vision/${name}.png` });
  }
});

test('a lesson’s run survives a restart of the app: a new engine, the same page storage', async ({ page }) => {
  // The page's storage is per origin: the second server listens where the first did.
  const first = await startServer(null, await freePort());
  try {
    await page.goto(first.url);
    await runLesson(page, /Python threads \(the notebook\)/);
    await expect(page.getByRole('region', { name: 'Timeline' }).getByText('Thread-1 (task1)')).toBeVisible();
  } finally {
    first.process.kill('SIGTERM');
    await new Promise((r) => first.process.once('exit', r));
  }
  const port = Number(new URL(first.url).port);
  const second = await startServer(null, port);
  try {
    // A new page load (a new fragment alone would not load the page again).
    await page.goto('about:blank');
    await page.goto(second.url);
    // Nothing has run in this engine: the run on screen is the one kept from before.
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await expect(timeline.getByText('Thread-1 (task1)')).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'Lesson' })).toHaveValue('py-threading');
    await expect(page.getByRole('region', { name: 'Verdict' })).toContainText('2 threads');
    // It can still be saved, by the page (the new engine never had it).
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save trace' }).click();
    expect((await download).suggestedFilename()).toBe('py-threading-kept.trace.json');
  } finally {
    second.process.kill('SIGTERM');
    await new Promise((r) => second.process.once('exit', r));
  }
});

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
