import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, runToVerdict, test } from './fixtures';
import { LESSONS } from './lesson-list';

/**
 * Presenter mode on a projector: 1024×768 (the common projector) and 683×512 CSS px (the same screen at
 * 150% browser zoom, drawn at 1.5 device pixels a CSS pixel). Every lesson, run for real: no sideways
 * scrolling, the verdict in view, no label of the Timeline cut off, large type; a screenshot of each.
 */
const SIZES = [
  { name: '1024x768', width: 1024, height: 768, scale: 1 },
  { name: '1024x768-at-150pct', width: 683, height: 512, scale: 1.5 },
] as const;
const ALL = [...LESSONS, { id: 'matrix', script: null, params: {} }];
const SHOTS = 'test-results/presenter';

/** Labels of the Timeline and titles in view that are cut (wider than their box), by their text. */
async function cutLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const boxes = document.querySelectorAll<HTMLElement>(
      '.timeline .labels .name, .timeline .labels .meta, .timeline .labels .text, .timeline .labels .status, .timeline h2, .kitchen figcaption, .verdict-bar p, .switcher select',
    );
    return Array.from(boxes)
      .filter((b) => b.scrollWidth > b.clientWidth + 1)
      .map((b) => b.textContent?.trim() ?? '');
  });
}

for (const size of SIZES) {
  test.describe(`presenter mode at ${size.name}`, () => {
    test.use({ viewport: { width: size.width, height: size.height }, deviceScaleFactor: size.scale });

    for (const lesson of ALL) {
      test(`${lesson.id}: fits, verdict in view, nothing cut`, async ({ page, kitchen }) => {
        test.setTimeout(lesson.id === 'matrix' ? 180_000 : 60_000);
        const errors: string[] = [];
        page.on('pageerror', (err) => errors.push(err.message));
        await page.goto(kitchen.url);
        const presenter = page.getByRole('button', { name: 'Presenter' });
        await expect(presenter).toBeVisible();
        if ((await presenter.getAttribute('aria-pressed')) !== 'true') await page.keyboard.press('p');
        await expect(presenter).toHaveAttribute('aria-pressed', 'true');
        // Large type: body 20 px.
        expect(await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize))).toBeGreaterThanOrEqual(
          20,
        );
        // The side panel is folded into the lesson switcher.
        const switcher = page.getByRole('combobox', { name: 'Lesson' });
        await switcher.selectOption(lesson.id);
        for (const [label, value] of Object.entries(lesson.params ?? {}))
          await page.getByRole('spinbutton', { name: new RegExp(label) }).fill(value);
        const dismiss = page.getByRole('button', { name: 'Got it' });
        if (await dismiss.isVisible()) await dismiss.click();
        const verdict = page.getByRole('region', { name: 'Verdict' });
        // This run's verdict, not the last one's (the engine shows its last run again to a new page).
        // The chef pair runs together: both cooks on one axis, as a teacher shows them.
        await runToVerdict(
          page,
          lesson.id === 'matrix' ? 150_000 : 40_000,
          lesson.id === 'chef-parallel' ? 'Run both cooks' : 'Run',
        );
        await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled({ timeout: 150_000 });
        await expect(verdict).toBeInViewport({ ratio: 1 });
        // The chef pair: both verdicts, each named.
        if (lesson.id === 'chef-parallel')
          await expect(verdict).toContainText(/One cook: concurrency.*Cook and assistant: \S/s);
        // No sideways scrolling.
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: `${SHOTS}/${size.name}-${lesson.id}.png` });
        // Scrolled down to the chart, the verdict stays in view; chart labels are 16 px and up, none cut.
        if (lesson.id !== 'matrix') {
          await page.getByRole('heading', { name: 'Timeline' }).scrollIntoViewIfNeeded();
          await expect(verdict).toBeInViewport({ ratio: 1 });
          await expect(page.locator('.timeline .labels .lane .name').first()).toBeVisible();
          const sizes = await page.evaluate(() =>
            Array.from(
              document.querySelectorAll<HTMLElement>('.timeline .labels .lane .name, .timeline .axis text'),
            ).map((e) => parseFloat(getComputedStyle(e).fontSize)),
          );
          expect(sizes.reduce((a, b) => Math.min(a, b), Infinity)).toBeGreaterThanOrEqual(16);
          await page.screenshot({ path: `${SHOTS}/${size.name}-${lesson.id}-chart.png` });
        }
        expect(await cutLabels(page)).toEqual([]);
        expect(errors).toEqual([]);
      });
    }
  });
}

test.describe('the normal layout on small screens', () => {
  for (const size of [...SIZES, { name: '1280x720', width: 1280, height: 720, scale: 1 }]) {
    test(`${size.name}: no sideways scrolling, group titles whole, after a chef-parallel run`, async ({
      page,
      kitchen,
    }) => {
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.goto(kitchen.url);
      const presenter = page.getByRole('button', { name: 'Presenter' });
      if ((await presenter.getAttribute('aria-pressed')) === 'true') await page.keyboard.press('p');
      await expect(presenter).toHaveAttribute('aria-pressed', 'false');
      await page.getByRole('combobox', { name: 'Lesson' }).selectOption('chef-parallel');
      await runToVerdict(page);
      await expect(page.getByRole('region', { name: 'Verdict' })).toBeInViewport({ ratio: 1, timeout: 30_000 });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await cutLabels(page)).toEqual([]);
    });
  }
});
