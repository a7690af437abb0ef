import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { chooseLesson, expect, openAllSections, test } from './fixtures';

const summary = (page: Page) => page.getByRole('region', { name: 'Summary' });
const timeline = (page: Page) => page.getByRole('region', { name: 'Timeline' });

test('the GIL lesson: the summary says the GIL ran the threads one at a time, and the cores view opens', async ({
  page,
  kitchen,
}, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(kitchen.url);
  await chooseLesson(page, /CPU work on Python threads/);
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
  await page.getByRole('radio', { name: 'A file on disk' }).check();
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
  await openAllSections(page);
  await expect(page.getByRole('radio', { name: /CPU work on Python threads/ })).toBeDisabled();
  await chooseLesson(page, /Async tasks/);
  await page.getByRole('spinbutton', { name: /Wait per task/ }).fill('50');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(summary(page)).toContainText('Completed');
  // Back to the default interpreter for whoever uses this server next.
  await page.getByRole('tab', { name: 'Your script' }).click();
  await page.getByLabel('Python interpreter').fill('');
  await page.getByRole('button', { name: 'Use' }).click();
  await expect(page.getByText(/^Python 3\.\d+/)).toBeVisible();
});

test('a traced script: its tasks by name, the programs it starts, and thousands of lanes to scroll and search', async ({
  page,
  kitchen,
}, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(kitchen.url);
  const run = async (script: string, args = '') => {
    await page.getByRole('tab', { name: 'Your script' }).click();
    await page.getByRole('radio', { name: 'A file on disk' }).check();
    await page.getByLabel('Script', { exact: true }).fill(resolve('tests/python/scripts/fidelity', script));
    await page.getByLabel(/Arguments/).fill(args);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeVisible({ timeout: 30_000 });
  };

  // Tasks named after they were made, or renamed: each lane says its name, and its coroutine.
  await run('task_names.py');
  await expect(timeline(page).getByText('fetch-a', { exact: true })).toBeVisible();
  await expect(timeline(page).getByText('second-name', { exact: true })).toBeVisible();
  await expect(
    timeline(page)
      .getByText(/coroutine fetch\(\)/)
      .first(),
  ).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('task-names-1920x1080.png') });

  // Programs that are not Python get lanes; one that exits 4 is its own business, not the run's failure.
  await run('not_python_children.py');
  await expect(timeline(page).getByText(/^sleep 0\.3 \(pid \d+\)$/)).toBeVisible();
  await expect(summary(page)).toContainText('Completed');

  // 2,000 tasks: every lane is on the chart (rows in view are drawn, the rest scroll), found by End or by name.
  await run('many_tasks.py', '2000');
  await timeline(page)
    .getByRole('application', { name: /Timeline chart/ })
    .press('End');
  await expect(timeline(page).getByText('Task-2001', { exact: true })).toBeVisible();
  await timeline(page)
    .getByPlaceholder(/Filter 2,002 lanes/)
    .fill('task-1500');
  await expect(timeline(page).getByText('Task-1500', { exact: true })).toBeVisible();
  await timeline(page)
    .getByPlaceholder(/Filter 2,002 lanes/)
    .fill('');
  await expect(summary(page)).toContainText('2002 lanes were in progress at once');
  await page.screenshot({ path: testInfo.outputPath('many-tasks-1920x1080.png') });
  expect(errors).toEqual([]);
});

test('the code box: type Python and run it; a script that does not compile shows its line and no verdict; Browse reads a file into the box', async ({
  page,
  kitchen,
}, testInfo) => {
  await page.goto(kitchen.url);
  await page.getByRole('tab', { name: 'Your script' }).click();
  await page.getByRole('radio', { name: 'Code box' }).check();
  const box = page.getByLabel(/Python code/);
  await box.fill('import time\n\ndef cook(:\n    time.sleep(0.1)\n');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const failure = page.getByRole('alert').filter({ hasText: 'SyntaxError' });
  await expect(failure).toContainText(/^Line 3: SyntaxError/);
  await expect(failure.getByRole('region', { name: 'Code' }).locator('.line.error')).toContainText('def cook(:');
  await expect(summary(page)).toContainText('there is no concurrency or parallelism to judge');
  await page.screenshot({ path: testInfo.outputPath('code-box-error.png') });

  // Fixed, it runs: its threads are lanes, named as the code names them.
  await box.fill(
    'import threading, time\n' +
      'def cook(n):\n    print("cook", n)\n    time.sleep(0.2)\n' +
      'ts = [threading.Thread(target=cook, args=(n,), name=f"Cook {n}") for n in (1, 2)]\n' +
      'for t in ts: t.start()\nfor t in ts: t.join()\n',
  );
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(timeline(page).getByText('Cook 2', { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);

  // The code box survives a reload; Browse (browser mode) reads the chosen file's text into it.
  await page.reload();
  await page.getByRole('tab', { name: 'Your script' }).click();
  await expect(page.getByLabel(/Python code/)).toHaveValue(/name=f"Cook \{n\}"/);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Load a .py file…' }).click();
  await (await chooser).setFiles(resolve('tests/python/scripts/exits.py'));
  await expect(page.getByLabel(/Python code/)).toHaveValue(/exiting with/);
  await expect(page.getByText('(exits.py)')).toBeVisible();
});
