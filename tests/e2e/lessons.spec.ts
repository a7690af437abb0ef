import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { chooseLesson, expect, test } from './fixtures';
import { LESSONS } from './lesson-list';

const code = (page: Page) => page.getByRole('region', { name: 'Code' });
const predict = (page: Page) => page.getByRole('group', { name: 'Predict' });

/** The longest line of a lesson script: what its Code region must show, word for word. */
function longestLine(script: string): string {
  const text = readFileSync(resolve('resources/python/lessons', script), 'utf8');
  return text
    .split('\n')
    .map((l) => l.trim())
    .reduce((a, b) => (b.length > a.length ? b : a), '');
}

for (const lesson of LESSONS) {
  test(`${lesson.id}: pick, predict, run, the reveal says what was measured; the Code region shows what runs`, async ({
    page,
    kitchen,
  }) => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(kitchen.url);
    await chooseLesson(page, new RegExp(`${lesson.id.replace(/-/g, '\\-')} ·`));
    await expect(page.getByRole('article').getByRole('heading', { level: 2 })).toBeVisible();
    // The code that runs: a Python lesson's own script; a Node lesson's workload, step by step.
    if (lesson.script) {
      await expect(code(page)).toContainText(lesson.script);
      await expect(code(page)).toContainText(longestLine(lesson.script));
    } else await expect(code(page)).toContainText('print("');
    for (const [label, value] of Object.entries(lesson.params ?? {}))
      await page.getByRole('spinbutton', { name: new RegExp(label) }).fill(value);
    // Predict before Run: the choice is locked while the run goes.
    const choices = predict(page).getByRole('radio');
    const count = await choices.count();
    expect(count).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThanOrEqual(4);
    await choices.first().check();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const reveal = predict(page).getByRole('status');
    await expect(reveal).toContainText(/^You predicted “.+”(: right\.|; the run says “.+”\.)/, { timeout: 40_000 });
    await expect(reveal).toContainText(/\d/);
    await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Wall time');
    await expect(predict(page).getByText('the run’s answer')).toHaveCount(1);
    expect(errors).toEqual([]);
  });
}

test('the model matrix: Run all fills the grid live; a cell shows its run; the recommendation is computed', async ({
  page,
  kitchen,
}, testInfo) => {
  test.setTimeout(150_000);
  await page.goto(kitchen.url);
  await chooseLesson(page, /Model matrix/);
  await expect(code(page)).toContainText('matrix.py');
  await expect(code(page)).toContainText(longestLine('matrix.py'));
  await page.getByRole('group', { name: 'Downloads' }).getByRole('spinbutton', { name: /Pages/ }).fill('4');
  await page
    .getByRole('group', { name: 'Arithmetic' })
    .getByRole('spinbutton', { name: /Ranges/ })
    .fill('4');
  await predict(page).getByRole('radio', { name: 'Processes' }).check();
  const grid = page.getByRole('region', { name: 'Model matrix' });
  await grid.getByRole('button', { name: /Run all/ }).click();
  // Live: a cell says it is running before the grid is full.
  await expect(grid.getByRole('button', { name: /: running$/ })).toHaveCount(1);
  await expect(grid.getByText(/^On this \d+-core machine, for downloads .+; for arithmetic .+\.$/)).toBeVisible({
    timeout: 120_000,
  });
  for (const row of ['Downloads (I/O-bound)', 'Arithmetic (CPU-bound)']) {
    await expect(
      grid.getByRole('button', { name: new RegExp(`^${row.replace(/[()]/g, '\\$&')}, \\w+: .+×`) }),
    ).toHaveCount(4);
    await expect(
      grid.getByRole('button', { name: new RegExp(`^${row.replace(/[()]/g, '\\$&')}.*, fastest$`) }),
    ).toHaveCount(1);
  }
  await expect(predict(page).getByRole('status')).toContainText('You predicted “Processes”');
  await grid.getByRole('button', { name: /^Downloads \(I\/O-bound\), threads/ }).click();
  await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('Downloads: threads');
  await page.screenshot({ path: testInfo.outputPath('matrix-1920x1080.png') });
});

test('a machine with 2 cores or fewer is said so once; the lesson then says what this machine did', async ({
  page,
  kitchen,
}) => {
  await page.goto(kitchen.url);
  const cores = Number(/(\d+) CPU cores?/.exec((await page.getByRole('banner').textContent()) ?? '')?.[1]);
  expect(cores).toBeGreaterThan(0);
  const note = page.getByRole('note').filter({ hasText: /This machine has (one CPU core|2 CPU cores)/ });
  if (cores > 2) {
    await expect(note).toHaveCount(0);
    return;
  }
  await expect(note).toBeVisible();
  await note.getByRole('button', { name: 'Got it' }).click();
  await expect(note).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('banner')).toContainText('CPU cores');
  await expect(note).toHaveCount(0);
  // More threads than cores: the lesson says the cores were shared, from the run.
  await chooseLesson(page, /node-threads ·/);
  await page.getByRole('spinbutton', { name: /^Tasks/ }).fill(String(cores + 2));
  await page.getByRole('spinbutton', { name: /CPU work per task/ }).fill('400');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('region', { name: 'On this machine' })).toContainText(
    `This machine has ${cores} cores and`,
    { timeout: 30_000 },
  );
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText(
    `Started: ${cores + 2} threads (+ the main thread)`,
  );
});

test('annotations point at what the verdict saw, and can be switched off', async ({ page, kitchen }, testInfo) => {
  await page.goto(kitchen.url);
  await chooseLesson(page, /py-threads-cpu ·/);
  await page.getByRole('spinbutton', { name: /Work per worker/ }).fill('1500');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const notes = page.getByRole('list', { name: 'Annotations on the chart' });
  // What the verdict's rules saw on this machine (on a quiet one, the GIL handing over; on a busy one the
  // threads may rather be seen taking turns for the cores): each label names its lane and says what it shows.
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Completed', { timeout: 30_000 });
  await expect(notes.getByRole('listitem').first()).toHaveText(
    /^(py_threads_cpu\.py|Worker-\d): (GIL handed over (by \S+ )?after \d+ ms waiting|\d+ ready, \d+ cores: taking turns|sharing its core with other programs)$/,
  );
  await page.screenshot({ path: testInfo.outputPath('annotations-1920x1080.png') });
  const toggle = page.getByRole('button', { name: 'Annotations' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await toggle.click();
  await expect(notes).toHaveCount(0);
  // The choice is kept.
  await page.reload();
  await chooseLesson(page, /py-threads-cpu ·/);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Annotations' })).toHaveAttribute('aria-pressed', 'false', {
    timeout: 30_000,
  });
});

test('Space runs from a lesson’s radio button; a fresh page opens on the Lessons list whatever another did', async ({
  page,
  browser,
  kitchen,
}) => {
  await page.goto(kitchen.url);
  await page.getByRole('tab', { name: 'Your script' }).click();
  await page.getByRole('radio', { name: 'Code box' }).check();
  await page.getByLabel(/Python code/).fill('import time\ntime.sleep(0.3)\n');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeVisible({ timeout: 20_000 });
  // Another window, fresh: the Lessons list, not the other window's script.
  const other = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const fresh = await other.newPage();
  await fresh.goto(kitchen.url);
  await expect(fresh.getByRole('tab', { name: 'Lessons' })).toHaveAttribute('aria-selected', 'true');
  await expect(fresh.getByRole('radio', { name: /chef-concurrent ·/ })).toBeChecked();
  // Space on a focused lesson radio runs the lesson, and Space again stops it.
  await fresh.getByRole('radio', { name: /chef-concurrent ·/ }).focus();
  await fresh.keyboard.press('Space');
  await expect(fresh.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
  await fresh.keyboard.press('Space');
  await expect(fresh.getByRole('button', { name: 'Run', exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(fresh.getByRole('region', { name: 'Summary' })).toContainText('Stopped');
  await other.close();
});

test('replay for narration: a chosen speed, pause and resume, event by event, and a drag on the time axis', async ({
  page,
  kitchen,
}) => {
  await page.goto(kitchen.url);
  await chooseLesson(page, /py-threading ·/);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Completed', { timeout: 20_000 });
  const controls = page.getByRole('group', { name: 'Replay' });
  await controls.getByLabel('Replay speed').selectOption('0.1');
  await controls.getByRole('button', { name: 'Replay', exact: true }).click();
  const when = page.locator('.when');
  await expect(when).toContainText(/replay \d+ ms at 0\.1×/);
  await controls.getByRole('button', { name: 'Pause' }).click();
  const paused = Number(/replay (\d+) ms/.exec((await when.textContent()) ?? '')?.[1]);
  await page.waitForTimeout(300);
  await expect(when).toContainText(`replay ${paused} ms`);
  // At 0.1×, 300 ms of wall time moves the replay by about 30 ms, never by 300.
  await controls.getByRole('button', { name: 'Resume' }).click();
  await page.waitForTimeout(300);
  await controls.getByRole('button', { name: 'Pause' }).click();
  const later = Number(/replay (\d+) ms/.exec((await when.textContent()) ?? '')?.[1]);
  expect(later).toBeGreaterThan(paused);
  expect(later - paused).toBeLessThan(150);
  // → and ← step from event to event (the chart keeps its own arrows).
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('ArrowRight');
  const stepped = Number(/replay (\d+) ms/.exec((await when.textContent()) ?? '')?.[1]);
  expect(stepped).toBeGreaterThanOrEqual(later);
  await controls.getByRole('button', { name: 'Previous event' }).click();
  await expect(when).not.toContainText(`replay ${stepped} ms`);
  // Dragging on the time axis moves the replay there.
  const axis = page.locator('.axis-drag');
  const box = (await axis.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(5, 300);
  const dragged = Number(/replay (\d+) ms/.exec((await when.textContent()) ?? '')?.[1]);
  expect(dragged).toBeGreaterThan(stepped);
});

test('a lesson’s state survives a reload: the lesson, its parameters, the prediction and the run', async ({
  page,
  kitchen,
}) => {
  await page.goto(kitchen.url);
  await chooseLesson(page, /py-threads-cpu ·/);
  await page.getByRole('spinbutton', { name: /Work per worker/ }).fill('1200');
  await predict(page)
    .getByRole('radio', { name: /In about the same time/ })
    .check();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(predict(page).getByRole('status')).toContainText('You predicted', { timeout: 30_000 });
  await page.reload();
  await expect(page.getByRole('radio', { name: /py-threads-cpu ·/ })).toBeChecked();
  await expect(page.getByRole('spinbutton', { name: /Work per worker/ })).toHaveValue('1200');
  await expect(predict(page).getByRole('radio', { name: /In about the same time/ })).toBeChecked();
  await expect(page.getByRole('region', { name: 'Timeline' }).getByText('Worker-1', { exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Completed');
});
