import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { installedElectron } from '../../scripts/electron-binary.mjs';

const hasElectron = installedElectron().path !== null;

describe('npm start without Electron’s binary', () => {
  test.skipIf(hasElectron)(
    'says in one sentence that Electron could not be downloaded, and where browser mode is',
    async () => {
      // A mirror nothing listens on: the download fails as it does offline, wherever this runs.
      const child = spawn(process.execPath, [resolve('scripts/start.mjs'), '--no-open', '--port', '0'], {
        env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: resolve('out/no-cache') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const line = await new Promise<string>((ok, fail) => {
          const timer = setTimeout(() => fail(new Error('no URL within 30 s')), 30_000);
          createInterface({ input: child.stdout! }).on('line', (l) => {
            if (l.includes('http://')) {
              clearTimeout(timer);
              ok(l);
            }
          });
        });
        expect(line).toMatch(
          /^Electron could not be downloaded \(no network\?\); starting browser mode at http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+$/,
        );
      } finally {
        child.kill('SIGTERM');
      }
    },
    40_000,
  );
});
