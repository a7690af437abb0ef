import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const here = import.meta.dirname;

/**
 * Unit and engine tests. Engine tests start real threads and processes and
 * some measure overlap on the machine's cores, so files run one at a time.
 */
export default defineConfig({
  // The renderer's aliases (src-renderer/tsconfig.json), for its unit tests.
  resolve: {
    alias: { '@protocol': resolve(here, 'src-main/protocol'), '@shared': resolve(here, 'src-shared') },
  },
  test: {
    // Playwright's end-to-end tests are *.spec.ts; these are *.test.ts.
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
