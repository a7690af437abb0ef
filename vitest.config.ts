import { defineConfig } from 'vitest/config';

/**
 * Unit and engine tests. Engine tests start real threads and processes and
 * some measure overlap on the machine's cores, so files run one at a time.
 */
export default defineConfig({
  test: {
    // Playwright's end-to-end tests are *.spec.ts; these are *.test.ts.
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
