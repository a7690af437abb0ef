/**
 * The scale section of `npm run bench` (BENCH_ONLY=scale runs only it): Chrome traces of 100k and 1M
 * spans over 250 lanes, opened in the system Chromium at 1920×1080 by this app (`kitchen view`) and
 * by speedscope (its npm release, served locally) in the same run, one after the other, several times
 * each. For each: time to first paint (navigation to the first lane's name on screen), JS heap after
 * load (after a forced GC), and the p95 and max frame interval while a scripted sequence zooms in
 * (Ctrl+wheel), pans (drag) and zooms out over the chart.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { chromium } from '@playwright/test';
import { writeTrace } from './gen-trace.mjs';

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/**
 * Serves speedscope's release and, under /traces/, a folder of traces, on loopback (also used by the
 * e2e test that loads our exports with speedscope's importer).
 * @returns {Promise<import('node:http').Server>}
 */
export function staticServer(/** @type {string} */ speedscope, /** @type {string} */ traces) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const [base, rel] = path.startsWith('/traces/')
      ? [traces, path.slice(8)]
      : [speedscope, path.slice(1) || 'index.html'];
    const file = resolve(base, rel);
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const types = { html: 'text/html', js: 'text/javascript', css: 'text/css', wasm: 'application/wasm' };
    const ext = /** @type {keyof typeof types} */ (file.split('.').pop() ?? '');
    res.writeHead(200, { 'Content-Type': types[ext] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** Starts `kitchen view FILE` and resolves with the URL it prints. */
function kitchenView(/** @type {string} */ cli, /** @type {string} */ file) {
  const child = spawn(process.execPath, [cli, 'view', file, '--no-open', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ok, fail) => {
    child.stdout.on('data', (d) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(String(d));
      if (m) ok({ url: m[0], child });
    });
    child.once('exit', (code) => fail(new Error(`kitchen view exited with ${code}`)));
  });
}

/**
 * Frame intervals (ms) while `script` runs, from requestAnimationFrame in the page.
 * @param {import('@playwright/test').Page} page
 * @param {() => Promise<void>} script
 */
async function frames(page, script) {
  await page.evaluate(() => {
    const w = /** @type {any} */ (globalThis);
    w.__frames = [];
    w.__going = true;
    let last = performance.now();
    const tick = (/** @type {number} */ t) => {
      w.__frames.push(t - last);
      last = t;
      if (w.__going) w.requestAnimationFrame(tick);
    };
    w.requestAnimationFrame(tick);
  });
  await script();
  return page.evaluate(() => {
    const w = /** @type {any} */ (globalThis);
    w.__going = false;
    return /** @type {number[]} */ (w.__frames.slice(1));
  });
}

/** The same zoom-pan-zoom sequence over a chart's box, for both apps. */
async function zoomPan(
  /** @type {import('@playwright/test').Page} */ page,
  /** @type {{x:number,y:number,width:number,height:number}} */ box,
) {
  const cx = box.x + box.width / 2;
  const cy = box.y + Math.min(box.height / 2, 200);
  await page.mouse.move(cx, cy);
  await page.keyboard.down('Control');
  for (let i = 0; i < 12; i++) {
    await page.mouse.wheel(0, -150);
    await page.waitForTimeout(40);
  }
  await page.keyboard.up('Control');
  await page.mouse.down();
  for (let i = 0; i < 30; i++) {
    await page.mouse.move(cx - i * 15, cy);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  await page.keyboard.down('Control');
  for (let i = 0; i < 12; i++) {
    await page.mouse.wheel(0, 150);
    await page.waitForTimeout(40);
  }
  await page.keyboard.up('Control');
}

/**
 * Memory of the page after a GC, in MB: the JS heap (Chrome DevTools protocol), and the resident
 * memory of the tab's renderer process, which also holds what the JS heap does not count (typed
 * arrays' buffers, canvases). One page is open at a time, so the largest renderer is this page's.
 */
async function memoryMb(/** @type {import('@playwright/test').Page} */ page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 1e6;
  await cdp.detach();
  const browserCdp = await page.context().browser()?.newBrowserCDPSession();
  let rss = NaN;
  if (browserCdp) {
    const info = /** @type {{ processInfo: { type: string, id: number }[] }} */ (
      await browserCdp.send('SystemInfo.getProcessInfo')
    );
    for (const p of info.processInfo) {
      if (p.type !== 'renderer') continue;
      try {
        const status = readFileSync(`/proc/${p.id}/status`, 'utf8');
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
        if (!(rss >= kb / 1000)) rss = kb / 1000;
      } catch {
        // Not Linux, or the process is gone: no figure.
      }
    }
    await browserCdp.detach();
  }
  return { heap, rss };
}

/**
 * @param {{ root: string, scratch: string, chromiumPath: string, repeat: number }} options
 * @returns {Promise<[string, string][]>}
 */
export async function scaleBench({ root, scratch, chromiumPath, repeat }) {
  const cli = join(root, 'out/main/cli.js');
  const speedscope = join(root, 'node_modules/speedscope/dist/release');
  const rows = /** @type {[string, string][]} */ ([]);
  const server = /** @type {import('node:http').Server} */ (await staticServer(speedscope, scratch));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--js-flags=--expose-gc'],
  });
  try {
    for (const spans of [100_000, 1_000_000]) {
      const name = `scale-${spans}.json`;
      const file = join(scratch, name);
      await writeTrace(file, { spans, lanes: 250, processes: 5 });
      const mb = (statSync(file).size / 1e6).toFixed(0);
      /** @type {Record<'us'|'speedscope', {paint: number[], heap: number[], rss: number[], p95: number[], max: number[]}>} */
      const figures = {
        us: { paint: [], heap: [], rss: [], p95: [], max: [] },
        speedscope: { paint: [], heap: [], rss: [], p95: [], max: [] },
      };
      for (let turn = 0; turn < repeat; turn++) {
        for (const who of /** @type {const} */ (['us', 'speedscope'])) {
          const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
          /** @type {import('node:child_process').ChildProcess | null} */
          let child = null;
          try {
            const t0 = Date.now();
            if (who === 'us') {
              const view = /** @type {{url: string, child: import('node:child_process').ChildProcess}} */ (
                await kitchenView(cli, file)
              );
              child = view.child;
              await page.goto(view.url);
              await page
                .getByRole('region', { name: 'Timeline' })
                .getByText('worker 0', { exact: true })
                .waitFor({ timeout: 120_000 });
            } else {
              await page.goto(`http://127.0.0.1:${port}/index.html?${turn}#profileURL=/traces/${name}`);
              await page
                .getByText(/tid \d+/)
                .first()
                .waitFor({ timeout: 120_000 });
            }
            figures[who].paint.push(Date.now() - t0);
            await page.waitForTimeout(300);
            const memory = await memoryMb(page);
            figures[who].heap.push(memory.heap);
            figures[who].rss.push(memory.rss);
            const chart =
              who === 'us' ? page.getByRole('application', { name: /Timeline chart/ }) : page.locator('canvas').first();
            const box = await chart.boundingBox();
            if (!box) throw new Error(`${who}: no chart on the page`);
            const intervals = await frames(page, () => zoomPan(page, box));
            figures[who].p95.push(quantile(intervals, 0.95));
            figures[who].max.push(intervals.reduce((a, b) => Math.max(a, b), 0));
          } finally {
            await page.close();
            child?.kill('SIGTERM');
          }
        }
      }
      const label = `${(spans / 1000).toLocaleString('en')}k spans, 250 lanes (${mb} MB)`;
      const cell = (
        /** @type {'us'|'speedscope'} */ who,
        /** @type {'paint'|'heap'|'rss'|'p95'|'max'} */ what,
        /** @type {string} */ unit,
      ) => `${median(figures[who][what]).toFixed(what === 'p95' || what === 'max' ? 1 : 0)} ${unit}`;
      const ratio = (/** @type {'paint'|'heap'|'rss'|'p95'|'max'} */ what) =>
        (median(figures.us[what]) / median(figures.speedscope[what])).toFixed(2);
      rows.push([
        `${label}: first paint, us / speedscope`,
        `${cell('us', 'paint', 'ms')} / ${cell('speedscope', 'paint', 'ms')} (×${ratio('paint')})`,
      ]);
      rows.push([
        `${label}: JS heap after load, us / speedscope`,
        `${cell('us', 'heap', 'MB')} / ${cell('speedscope', 'heap', 'MB')} (×${ratio('heap')})`,
      ]);
      rows.push([
        `${label}: the tab's resident memory (heap, typed arrays, canvases), us / speedscope`,
        `${cell('us', 'rss', 'MB')} / ${cell('speedscope', 'rss', 'MB')} (×${ratio('rss')})`,
      ]);
      rows.push([
        `${label}: p95 frame while zooming and panning, us / speedscope`,
        `${cell('us', 'p95', 'ms')} / ${cell('speedscope', 'p95', 'ms')} (worst frame ${cell('us', 'max', 'ms')} / ${cell('speedscope', 'max', 'ms')})`,
      ]);
    }
  } finally {
    await browser.close();
    server.close();
  }
  return rows;
}
