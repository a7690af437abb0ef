import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { chooseLesson, expect, test } from './fixtures';

/** Fails the test on any CSP violation or uncaught error in the page. */
function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return problems;
}

const runButton = (page: Page) => page.getByRole('button', { name: 'Run', exact: true });
const stopButton = (page: Page) => page.getByRole('button', { name: 'Stop', exact: true });
const timeline = (page: Page) => page.getByRole('region', { name: 'Timeline' });
const summary = (page: Page) => page.getByRole('region', { name: 'Summary' });

test('pick a scenario, run it, watch lanes appear live, stop it', async ({ page, kitchen }, testInfo) => {
  const problems = watchPage(page);
  await page.goto(kitchen.url);
  // The token moved from the address bar into a cookie.
  expect(page.url()).toBe(`${kitchen.origin}/`);

  await chooseLesson(page, /Processes/);
  await page.getByRole('spinbutton', { name: /CPU work per task/ }).fill('2000');
  await runButton(page).click();

  await expect(stopButton(page)).toBeVisible();
  const lanes = timeline(page);
  await expect(lanes.getByText('Main process', { exact: true })).toBeVisible();
  await expect(lanes.getByText('Process 1', { exact: true })).toBeVisible();
  await expect(lanes.getByText('Process 2', { exact: true })).toBeVisible();
  await expect(lanes.getByText('live', { exact: true })).toBeVisible();
  await expect(summary(page)).toContainText('Running…');
  await page.screenshot({ path: testInfo.outputPath('running-1920x1080.png') });

  await stopButton(page).click();
  await expect(runButton(page)).toBeVisible();
  await expect(summary(page)).toContainText('Every thread and process it started was ended.');
  await expect(lanes.getByText(/stopped|killed/).first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('stopped-1920x1080.png') });

  // The stopped run can still be saved as a Chrome trace.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save trace' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^node-processes-.*\.trace\.json$/);
  const trace = JSON.parse(readFileSync(await download.path(), 'utf8'));
  expect(trace.traceEvents.filter((e: { ph: string }) => e.ph === 'X').length).toBeGreaterThan(3);
  expect(problems).toEqual([]);
});

test('the chef pair on one axis tells concurrency from parallelism', async ({ page, kitchen }, testInfo) => {
  const problems = watchPage(page);
  await page.goto(kitchen.url);
  // Navigation timing, evaluated in the page: from the request to the end of the load event.
  const loadMs = Number(await page.evaluate('performance.getEntriesByType("navigation")[0].loadEventEnd'));
  testInfo.annotations.push({ type: 'page load', description: `${loadMs.toFixed(0)} ms` });
  console.log(`page load: ${loadMs.toFixed(0)} ms`);

  // The page opens on the server's last run, which may be a script: the lessons are a tab away.
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await chooseLesson(page, /One cook/);
  await page.getByRole('button', { name: 'Run both cooks' }).click();
  const lanes = timeline(page);
  await expect(lanes.getByText('Cook · dish 1')).toBeVisible({ timeout: 20_000 });
  await expect(lanes.getByText(/finished in/)).toHaveCount(2, { timeout: 20_000 });
  await expect(lanes.getByText('Dish 1', { exact: true })).toBeVisible();
  await expect(summary(page)).toContainText('One cook: concurrency: 2 in progress, 1 running at a time');
  await expect(summary(page)).toContainText(
    /Cook and assistant: (parallelism: 2 running at the same instant|2 ready at once, but sharing)/,
  );

  // The kitchen follows the pointer along the timeline.
  const plot = page.getByRole('application', { name: /Timeline chart/ });
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.45, box.y + 90);
  await expect(page.getByText(/pointer on the timeline/)).toBeVisible();
  await expect(page.getByRole('tooltip')).toContainText('duration');
  await page.screenshot({ path: testInfo.outputPath('chef-pair-1920x1080.png') });

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: testInfo.outputPath('chef-pair-1280x720.png') });
  expect(problems).toEqual([]);
});

test('space runs and stops; wheel zooms and Reset zoom undoes it', async ({ page, kitchen }) => {
  await page.goto(kitchen.url);
  await chooseLesson(page, /Async tasks/);
  await page.getByRole('spinbutton', { name: /Wait per task/ }).fill('8000');
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Space');
  await expect(stopButton(page)).toBeVisible();
  await expect(timeline(page).getByText('Task 2', { exact: true })).toBeVisible();

  const plot = page.getByRole('application', { name: /Timeline chart/ });
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 100);
  await page.mouse.wheel(0, -400);
  await expect(page.getByRole('button', { name: 'Reset zoom' })).toBeEnabled();
  await page.getByRole('button', { name: 'Reset zoom' }).click();
  await expect(page.getByRole('button', { name: 'Reset zoom' })).toBeDisabled();

  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Space');
  await expect(runButton(page)).toBeVisible();
  await expect(summary(page)).toContainText('Stopped');
});

test('a parameter out of bounds is explained and Run is disabled', async ({ page, kitchen }) => {
  await page.goto(kitchen.url);
  await chooseLesson(page, /Threads \(worker_threads\)/);
  await page.getByRole('spinbutton', { name: /Tasks/ }).fill('99');
  await expect(page.getByText('Tasks must be a whole number from 1 to 8')).toBeVisible();
  await expect(runButton(page)).toBeDisabled();
});

test('chopping cooks move together on one beat; with reduced motion they stand still', async ({ page, kitchen }) => {
  const problems = watchPage(page);
  const chopFor = async () => {
    await chooseLesson(page, /chef-parallel/);
    await page.getByRole('spinbutton', { name: /Chopping work/ }).fill('2000');
    await runButton(page).click();
    await expect(page.locator('figure.kitchen g.cook.chopping')).not.toHaveCount(0, { timeout: 20_000 });
  };
  const scene = page.locator('figure.kitchen svg');

  await page.goto(kitchen.url);
  await chopFor();
  // Every kitchen flips between the two poses on the shared beat.
  await expect(scene).toHaveClass(/\bbeat\b/, { timeout: 5_000 });
  await expect(scene).not.toHaveClass(/\bbeat\b/, { timeout: 5_000 });
  await stopButton(page).click();
  await expect(runButton(page)).toBeVisible({ timeout: 20_000 });

  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.reload();
  await chopFor();
  const seen = new Set<string>();
  for (let i = 0; i < 8; i++) {
    seen.add((await scene.getAttribute('class')) ?? '');
    await page.waitForTimeout(150);
  }
  expect([...seen].some((c) => /\bbeat\b/.test(c))).toBe(false);
  await stopButton(page).click();
  expect(problems).toEqual([]);
});

// Tasks go up to 8: two more than the cores on machines with 6 or fewer.
test('more busy cooks than cores: the kitchen says they take turns, and parallelism stays within the cores', async ({
  page,
  kitchen,
}, testInfo) => {
  const cores = availableParallelism();
  test.skip(cores > 6, `this machine has ${cores} cores: the Threads lesson cannot start two more tasks than that`);
  const problems = watchPage(page);
  await page.goto(kitchen.url);
  await chooseLesson(page, /Threads \(worker_threads\)/);
  await page.getByRole('spinbutton', { name: /^Tasks/ }).fill(String(cores + 2));
  await page.getByRole('spinbutton', { name: /CPU work per task/ }).fill('600');
  await runButton(page).click();
  const figure = page.locator('figure.kitchen');
  await expect(figure.locator('figcaption')).toContainText(`cooks busy, ${cores} cores: they take turns`, {
    timeout: 20_000,
  });
  await expect(figure.locator('g.cook.sharing')).not.toHaveCount(0);
  await expect(figure.getByText('taking turns').first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('taking-turns-1920x1080.png') });
  await expect(summary(page)).toContainText('Completed', { timeout: 60_000 });
  // Never more running at once than there are cores, though more were ready (how many of the cores they
  // got depends on what else the machine did: the engine test checks that on a quiet moment). Read
  // aloud, the figure and its note are kept apart.
  await expect(summary(page).locator('dt:text-is("Parallelism") + dd')).toHaveText(
    new RegExp(`^[1-${cores}], ${cores + 2} ready at once`),
  );
  expect(problems).toEqual([]);
});
