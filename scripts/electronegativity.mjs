/**
 * `node scripts/electronegativity.mjs` (part of `npm run lint`): Doyensec's Electronegativity over the
 * app's main-process, preload and renderer sources. Any finding fails, but for the checks below, each
 * left out by name with why it is wrong about this code (or needs a network the tests may not have).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// The tool fetches translations over the network first (and waits a second for them): it is given
// an HTTP client that answers at once that there is no network, so it keeps its built-in English.
const toolRequire = createRequire(require.resolve('@doyensec/electronegativity/dist/locales/i18n.js'));
const offline = () => Promise.reject(new Error('no network in the lint'));
require.cache[toolRequire.resolve('got')] = /** @type {any} */ ({
  exports: Object.assign(offline, { default: offline }),
  loaded: true,
});
/** @type {(options: Record<string, unknown>, forCli: boolean) => Promise<{ issues: { id: string, file: string, location: { line: number }, description: string }[], errors: { file: string, message: string, tolerable: boolean }[] }>} */
const run = require('@doyensec/electronegativity');

/** @type {Record<string, string>} */
const EXCLUDED = {
  ContextIsolationJSCheck:
    'reads only an object literal passed to BrowserWindow; ours comes from webPreferences() (preferences.ts), which sets contextIsolation: true, held by tests/electron/policy.test.ts',
  SandboxJSCheck: 'the same: sandbox: true is set in webPreferences() and held by the same test',
  AuxclickJSCheck: "the same: disableBlinkFeatures: 'Auxclick' is set in webPreferences() and held by the same test",
  CSPJSCheck:
    'a reminder to review any CSP header set in code, not a finding; ours is the one CSP constant, held by tests/electron/policy.test.ts',
  OpenExternalJSCheck:
    'a reminder to review any shell.openExternal call; the one call (security.ts) is behind mayOpenExternal, whose allow-list is empty, held by the same test',
  CSPGlobalCheck:
    'parses only CSP string literals it finds; ours is one constant (src-main/csp.ts) sent as a header by the app protocol and the server, held by tests',
  AvailableSecurityFixesGlobalCheck:
    "asks the network for Electron's releases, which the tests' machine may not reach; Electron is pinned to the newest 45.x in package.json",
};

const log = console.log;
console.log = (/** @type {unknown} */ message) => {
  if (!String(message).startsWith('Could not retrieve updated translations')) log(message);
};
const root = fileURLToPath(new URL('..', import.meta.url));
const result = await run(
  {
    input: `${root}src-main`,
    isRelative: true,
    customScan: [],
    excludeFromScan: Object.keys(EXCLUDED),
    electronVersionOverride: require('electron/package.json').version,
  },
  false,
);
console.log = log;
const bad = result.errors.filter((e) => !e.tolerable);
for (const issue of result.issues) {
  console.error(
    `electronegativity: ${issue.id} at src-main/${issue.file}:${issue.location?.line}: ${issue.description}`,
  );
}
for (const error of bad) console.error(`electronegativity: could not read ${error.file}: ${error.message}`);
if (result.issues.length > 0 || bad.length > 0) process.exit(1);
console.log(
  `electronegativity: no findings (left out, with reasons in scripts/electronegativity.mjs: ${Object.keys(EXCLUDED).join(', ')})`,
);
