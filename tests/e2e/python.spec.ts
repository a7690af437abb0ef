import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const summary = (page: Page) => page.getByRole('region', { name: 'Summary' });
const timeline = (page: Page) => page.getByRole('region', { name: 'Timeline' });

test('the GIL lesson: the summary says the GIL ran the threads one at a time, and the cores view opens', async ({
  page,
  kitchen,
}, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(kitchen.url);
  await page.getByRole('radio', { name: /CPU work on Python threads/ }).check();
  // A double click starts one run: while the engine gets it ready the button waits ("Starting…").
  await page.getByRole('button', { name: 'Run', exact: true }).dblclick();
  await expect(timeline(page).getByText('Worker-1', { exact: true })).toBeVisible();
  await expect(summary(page)).toContainText('the GIL let one run Python at a time', { timeout: 30_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(summary(page)).toContainText(/sampled at \d+ Hz/);
  await page.getByRole('button', { name: 'CPU cores' }).click();
  await expect(timeline(page).getByText('Core 0', { exact: true })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('gil-1920x1080.png') });
  expect(errors).toEqual([]);
});

test('trace your own script: its lanes, its output in the console, its failure explained', async ({
  page,
  kitchen,
}) => {
  await page.goto(kitchen.url);
  await page.getByRole('tab', { name: 'Your script' }).click();
  await page.getByLabel('Script', { exact: true }).fill(resolve('tests/python/scripts/failing_thread.py'));
  await expect(page.getByText(/^Python 3\.\d+/)).toBeVisible();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(timeline(page).getByText('Saucier', { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(summary(page)).toContainText('Saucier failed: ValueError: the sauce burned');
  await page.getByRole('tab', { name: 'Console' }).click();
  const console = page.getByRole('log', { name: 'Console output' });
  await expect(console).toContainText('about to fail');
  await expect(console).toContainText('main is fine');

  // A path that is not a file is refused with a clear message.
  await page.getByRole('tab', { name: 'Your script' }).click();
  await page.getByLabel('Script', { exact: true }).fill('/no/such/script.py');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('/no/such/script.py is not a file');
});

test('a missing interpreter is explained and Python lessons are disabled; Node lessons still run', async ({
  page,
  kitchen,
}) => {
  await page.goto(kitchen.url);
  await page.getByRole('tab', { name: 'Your script' }).click();
  await page.getByLabel('Python interpreter').fill('/no/python3');
  await page.getByRole('button', { name: 'Use' }).click();
  await expect(page.getByText(/No usable Python: \/no\/python3: not found/).first()).toBeVisible();
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await expect(page.getByRole('radio', { name: /CPU work on Python threads/ })).toBeDisabled();
  await page.getByRole('radio', { name: /Async tasks/ }).check();
  await page.getByRole('spinbutton', { name: /Wait per task/ }).fill('50');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(summary(page)).toContainText('Completed');
  // Back to the default interpreter for whoever uses this server next.
  await page.getByRole('tab', { name: 'Your script' }).click();
  await page.getByLabel('Python interpreter').fill('');
  await page.getByRole('button', { name: 'Use' }).click();
  await expect(page.getByText(/^Python 3\.\d+/)).toBeVisible();
});
