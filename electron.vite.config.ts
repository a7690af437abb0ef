import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CSP_META } from './src-main/csp';

const here = import.meta.dirname;

/** Writes the one CSP into index.html, so the page and the servers cannot drift apart. */
const csp = (): Plugin => ({
  name: 'kitchen-csp',
  transformIndexHtml: (html) => html.replace('%KITCHEN_CSP%', CSP_META),
});

/**
 * One build for the three doors: `main` bundles the Electron main process
 * plus the Node-only entries that share the engine (CLI, browser-mode
 * server, the workload every thread and child process runs); `preload` is
 * CommonJS because sandboxed preloads cannot be ES modules.
 */
export default defineConfig({
  main: {
    build: {
      // commander is bundled, not loaded from node_modules: Node's CommonJS loader (and its export
      // lexer) cost `kitchen` about 18 ms of start-up on every command.
      externalizeDeps: { exclude: ['commander'] },
      rollupOptions: {
        input: {
          index: resolve(here, 'src-main/electron/main.ts'),
          cli: resolve(here, 'src-main/cli/main.ts'),
          web: resolve(here, 'src-main/web/main.ts'),
          workload: resolve(here, 'src-main/engine/node/workload/entry.ts'),
          sampler: resolve(here, 'src-main/engine/sampler/entry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(here, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(here, 'src-renderer'),
    resolve: {
      alias: { '@protocol': resolve(here, 'src-main/protocol'), '@shared': resolve(here, 'src-shared') },
    },
    plugins: [svelte({ configFile: false }), csp()],
    build: {
      // Browser mode serves these files over loopback; small is quick.
      minify: true,
      rollupOptions: { input: resolve(here, 'src-renderer/index.html') },
    },
  },
});
