import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

/**
 * Lint, and the import boundaries of STYLE.md: the protocol imports nothing,
 * the engine never imports electron (nor any door), src-shared (pure logic
 * both sides run: the fold from events to spans, the summary, import) imports
 * only itself and the protocol, the renderer imports the protocol and
 * src-shared (values too) and nothing else from src-main.
 */
/** @typedef {{ regex: string, message: string, allowTypeImports?: boolean }} Pattern */

/**
 * A no-restricted-imports rule entry.
 * @param {...Pattern} patterns
 * @returns {['error', { patterns: Pattern[] }]}
 */
const restrict = (...patterns) => ['error', { patterns }];

const NO_SPREAD =
  'No spread or apply into a call: an unbounded array overflows the stack (Math.max(...a) throws past ~100k elements). Use a loop or reduce.';

export default ts.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  // (Lists of configs nest: ts.config flattens them.)
  ts.configs.recommended,
  svelte.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Spreading an array into a call puts every element on the stack: past about 100k elements
      // (a big run's spans) Math.max(...spans) throws RangeError. Loop or reduce instead.
      'no-restricted-syntax': [
        'error',
        { selector: 'CallExpression > SpreadElement', message: NO_SPREAD },
        { selector: 'NewExpression > SpreadElement', message: NO_SPREAD },
        { selector: "CallExpression[callee.property.name='apply'][arguments.length=2]", message: NO_SPREAD },
      ],
    },
  },
  {
    files: ['src-main/protocol/**'],
    rules: {
      'no-restricted-imports': restrict({
        regex: '^(?!\\./)',
        message: 'protocol/ is the pure contract: it imports only its own modules.',
      }),
    },
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['^[^.]', 'src-main/(?!protocol/)', 'src-renderer'].map((regex) => ({
            regex,
            message:
              'src-shared/ is pure logic both the engine and the renderer run: it imports only itself and the protocol (no node, no electron, no svelte).',
          })),
        },
      ],
    },
  },
  {
    files: ['src-main/engine/**'],
    rules: {
      'no-restricted-imports': restrict(
        {
          regex: '^electron($|/)',
          message: 'The engine never imports electron: it also runs under the CLI and browser mode.',
        },
        {
          regex: '(^|/)(electron|web|cli|preload)/',
          message: 'The engine never imports a door (electron, web, cli, preload).',
        },
        { regex: '^svelte', message: 'The engine never imports the UI.' },
      ),
    },
  },
  {
    files: ['src-main/preload/**'],
    rules: {
      'no-restricted-imports': restrict({
        regex: '^(?!electron$|\\.\\./protocol/)',
        message: 'The sandboxed preload may use only electron and the protocol.',
      }),
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        { regex: '^(node:|electron$)', message: 'The renderer runs in a sandboxed page: no Node, no electron.' },
        { regex: 'src-main', message: 'The renderer reaches the engine only through lib/bridge.' },
      ),
    },
  },
);
