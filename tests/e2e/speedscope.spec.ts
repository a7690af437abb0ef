import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { staticServer } from '../../bench/scale.mjs';

/**
 * Our exports through speedscope's own Chrome importer (the speedscope npm package, served locally):
 * a lane whose spans overlapped by a rounding error made it warn "Tried to end … still open" and
 * nest a lane's spans inside each other. Every scenario kind is exported and opened; no warnings.
 */
const dir = mkdtempSync(join(tmpdir(), 'kitchen-speedscope-'));
const speedscope = resolve('node_modules/speedscope/dist/release');

const EXPORTS: readonly [string, string[]][] = [
  ['chef-concurrent', ['--param', 'chop=60', '--param', 'boilMs=100']],
  ['chef-parallel', ['--param', 'chop=60', '--param', 'boilMs=100']],
  ['node-async', ['--param', 'waitMs=60', '--param', 'block=20']],
  ['py-threads-cpu', ['--param', 'work=400']],
  ['py-asyncio', ['--param', 'waitMs=80']],
];

test('speedscope imports every export without a warning', async ({ page }) => {
  test.setTimeout(120_000);
  // The control: a lane whose two spans overlap by 1e-11 µs, as the old export wrote them, must warn,
  // or this test could not tell a clean import from one it did not watch.
  writeFileSync(
    join(dir, 'overlapping.json'),
    JSON.stringify({
      traceEvents: [
        { ph: 'X', name: 'a', pid: 1, tid: 1, ts: 0, dur: 10.300000000001 },
        { ph: 'X', name: 'b', pid: 1, tid: 1, ts: 10.3, dur: 5 },
        { ph: 'X', name: 'c', pid: 1, tid: 1, ts: 15.3, dur: 5 },
      ],
    }),
  );
  for (const [scenario, params] of EXPORTS)
    execFileSync(
      process.execPath,
      ['out/main/cli.js', 'run', scenario, ...params, '--out', join(dir, `${scenario}.json`)],
      {
        stdio: 'ignore',
      },
    );
  const server = await staticServer(speedscope, dir);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    const control: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') control.push(m.text());
    });
    await page.goto(`http://127.0.0.1:${port}/index.html?control#profileURL=/traces/overlapping.json`);
    await expect(page.getByText(/tid \d+/).first()).toBeVisible({ timeout: 30_000 });
    await expect.poll(() => control.join('\n')).toMatch(/Tried to end|still open/);
    page.removeAllListeners('console');
    for (const [scenario] of EXPORTS) {
      const warnings: string[] = [];
      page.on('console', (m) => {
        // Chromium's software WebGL reports GPU stalls as console warnings: those are the browser's, not the importer's.
        if ((m.type() === 'warning' || m.type() === 'error') && !/GL Driver Message/.test(m.text()))
          warnings.push(`${scenario}: ${m.text()}`);
      });
      // A query of its own: a new document each time (a fragment alone would not reload speedscope).
      await page.goto(`http://127.0.0.1:${port}/index.html?${scenario}#profileURL=/traces/${scenario}.json`);
      await expect(page.getByText('pid 1, tid 1')).toHaveCount(0);
      // Once imported, speedscope names the thread it shows in its toolbar: "…, tid N (1/M)".
      await expect(page.getByText(/tid \d+/).first()).toBeVisible({ timeout: 30_000 });
      await page.waitForTimeout(300);
      page.removeAllListeners('console');
      expect(warnings).toEqual([]);
    }
  } finally {
    server.close();
  }
});
