import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { writeTrace } from '../../bench/gen-trace.mjs';
import { startServer } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'kitchen-view-'));

test('kitchen view FILE opens a 250-lane trace in browser mode; End scrolls to the last lane, the filter finds one', async ({
  page,
}, testInfo) => {
  const file = join(dir, 'many-lanes.json.gz');
  await writeTrace(file, { spans: 50_000, lanes: 250, processes: 5, gzip: true });
  const server = await startServer(['view', file]);
  try {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(server.url);
    await expect(page.getByRole('tab', { name: 'Trace file' })).toHaveAttribute('aria-selected', 'true');
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await expect(timeline.getByText('worker 0', { exact: true })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Trace file' })).toContainText('250 lanes · 50,000 spans');
    // Lanes are grouped by process: the first group's header names it.
    await expect(timeline.getByRole('button', { name: /service 0/ })).toBeVisible();
    await timeline.getByRole('application', { name: /Timeline chart/ }).press('End');
    await expect(timeline.getByText('worker 249', { exact: true })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('view-last-lane-1920x1080.png') });
    await timeline.getByPlaceholder(/Filter 250 lanes/).fill('worker 123');
    await expect(timeline.getByText('worker 123', { exact: true })).toBeVisible();
    await expect(timeline.getByText('worker 0', { exact: true })).toHaveCount(0);
    // A process collapses into one summary row, and opens again.
    await timeline.getByPlaceholder(/Filter 250 lanes/).fill('');
    await timeline.getByRole('application', { name: /Timeline chart/ }).press('Home');
    const header = timeline.getByRole('button', { name: /service 0/ });
    await header.click();
    await expect(header).toHaveAttribute('aria-expanded', 'false');
    await expect(timeline.getByText('worker 0', { exact: true })).toHaveCount(0);
    await header.click();
    await expect(timeline.getByText('worker 0', { exact: true })).toBeVisible();
    // An opened file is saved again by the page, with the same exporter: every slice, tiled.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save trace' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('many-lanes.trace.json');
    const saved = JSON.parse(readFileSync(await download.path(), 'utf8')) as { traceEvents: { ph: string }[] };
    expect(saved.traceEvents.filter((e) => e.ph === 'X')).toHaveLength(50_000);
    expect(errors).toEqual([]);
  } finally {
    server.process.kill('SIGTERM');
  }
});

test('a truncated trace says where it ends and shows what was read; Open trace… takes another file', async ({
  page,
}) => {
  const file = join(dir, 'cut.json');
  writeFileSync(
    file,
    '{"traceEvents": [\n{"ph":"X","name":"a","pid":1,"tid":2,"ts":0,"dur":10},\n{"ph":"X","name":"b","pid":1,"tid":2,"ts":10,"dur":5},\n{"ph":"X","na',
  );
  const server = await startServer(['view', file]);
  try {
    await page.goto(server.url);
    await expect(page.getByRole('alert')).toContainText(
      'cut.json is not a readable Chrome trace: line 4, column 14: the file ends early, inside the event array, after 2 complete events. The 2 events before it are shown.',
    );
    await expect(page.getByRole('region', { name: 'Trace file' })).toContainText('1 lanes · 2 spans');
    // The same reader behind the Open button, with a file picked here.
    const good = join(dir, 'small.json');
    await writeTrace(good, { spans: 300, lanes: 3, processes: 1 });
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open trace…' }).click();
    await (await chooser).setFiles(good);
    await expect(page.getByRole('region', { name: 'Trace file' })).toContainText('3 lanes · 300 spans');
  } finally {
    server.process.kill('SIGTERM');
  }
});
