import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { test as base, type Page } from '@playwright/test';

/** A browser-mode server started the way `npm run web` starts it. */
export interface KitchenServer {
  /** The printed URL, token included (in its fragment). */
  readonly url: string;
  readonly token: string;
  readonly origin: string;
  readonly process: ChildProcess;
}

/**
 * Starts browser mode: `npm run web` by default, or a `kitchen` command that serves it (`view FILE`).
 */
export async function startServer(kitchenArgs: readonly string[] | null = null, port = 0): Promise<KitchenServer> {
  const args = kitchenArgs
    ? [resolve('out/main/cli.js'), ...kitchenArgs, '--port', String(port), '--no-open']
    : [resolve('out/main/web.js'), '--port', String(port), '--no-open'];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('the web server printed no URL within 15 s')), 15_000);
    lines.on('line', (line) => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        ok(match[1]);
      }
    });
    child.once('exit', (code) => fail(new Error(`the web server exited with ${code}`)));
  });
  return { url, token: url.split('#token=')[1], origin: new URL(url).origin, process: child };
}

/**
 * Tests get a running server of their own (one per worker). The page says its script errors on the
 * test's output as they happen, so a test that then times out waiting for the UI says why.
 */
export const test = base.extend<object, { kitchen: KitchenServer }>({
  page: async ({ page }, use, testInfo) => {
    page.on('pageerror', (err) => console.error(`[${testInfo.title}] page error: ${err.stack ?? err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') console.error(`[${testInfo.title}] console error: ${msg.text()}`);
    });
    await use(page);
  },
  kitchen: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a pattern.
    async ({}, use) => {
      const server = await startServer();
      await use(server);
      server.process.kill('SIGTERM');
      await new Promise((r) => server.process.once('exit', r));
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';

/** Opens every section of the lesson list (the selected lesson's is open already). */
export async function openAllSections(page: Page): Promise<void> {
  const picker = page.getByRole('group', { name: /Lessons, by the notebook/ });
  // The list appears once the engine has said hello: on a fresh server that can be after the page has
  // loaded, and counting closed sections before then would find none and open nothing.
  await picker.waitFor();
  const closed = picker.locator('button[aria-expanded="false"]');
  while ((await closed.count()) > 0) await closed.first().click();
}

/**
 * Picks a lesson by its title: its radio in the side panel (opening its section first), or, where the
 * list is folded into the top bar's switcher (presenter mode, narrow windows), its option there.
 */
export async function chooseLesson(page: Page, name: RegExp): Promise<void> {
  const switcher = page.getByRole('combobox', { name: 'Lesson' });
  // Either list appears once the engine has said hello (which can be after the page has loaded).
  await switcher
    .or(page.getByRole('group', { name: /Lessons, by the notebook/ }))
    .first()
    .waitFor();
  if (await switcher.isVisible()) {
    const labels = await switcher.locator('option').allTextContents();
    const label = labels.map((l) => l.trim()).find((l) => name.test(l));
    if (!label) throw new Error(`no lesson matches ${name} in the switcher: ${labels.join(' | ')}`);
    await switcher.selectOption({ label });
    return;
  }
  await openAllSections(page);
  await page.getByRole('radio', { name }).check();
}

/**
 * Presses Run and waits for this run's verdict: a page opened on a server that ran the lesson before
 * shows that run's verdict at first, so the verdict must go (however briefly) and come back.
 */
export async function runToVerdict(page: Page, timeout = 40_000, button = 'Run'): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { verdictGone?: boolean };
    const present = () => document.querySelector('section.verdict-bar') !== null;
    w.verdictGone = !present();
    new MutationObserver((_records, observer) => {
      if (present()) return;
      w.verdictGone = true;
      observer.disconnect();
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.waitForFunction(() => (window as unknown as { verdictGone?: boolean }).verdictGone === true, null, {
    timeout,
  });
  await page.getByRole('region', { name: 'Verdict' }).waitFor({ timeout });
}
