// ESLint (flat config). Three concerns:
// 1. correctness: @eslint/js and typescript-eslint `recommended` everywhere, no `any` in src/;
// 2. old browsers: eslint-plugin-compat over the sources of the script-tag build (dist/ssekit.legacy.min.js), with
//    the targets of package.json's `browserslist` (its oldest is IE 11), so an API IE 11 lacks cannot slip into
//    the legacy path unless it sits behind a feature check (`if (window.fetch)`) or is declared below;
// 3. the right globals per kind of file (browser, Node, jest).
// Formatting is Prettier's job (`prettier --check .`), so no stylistic rule is enabled here.
import js from '@eslint/js'
import compat from 'eslint-plugin-compat'
import { defineConfig, globalIgnores } from 'eslint/config'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * What src/legacy.ts bundles: every module but the Node server, the React entry, the lazy loader, the fetch chunk,
 * the share chunk (the script-tag file does not share: each tab keeps its own connection there) and the testing kit
 * (for test runners, in Node or jsdom).
 */
const LEGACY_SOURCES = ['src/**/*.ts']
const NOT_LEGACY = [
  'src/server/**',
  'src/react.ts',
  'src/transports/load.ts',
  'src/transports/fetch-chunk.ts',
  'src/transports/fetch.ts',
  'src/transports/parse.ts',
  'src/share/**',
  'src/testing/**',
]

export default defineConfig([
  globalIgnores(['dist/', 'docs/', 'coverage/', 'test-artifacts/', 'bench-results/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'ssekit/node',
    files: ['**/*.{js,mjs,cjs}', 'src/server/**', 'src/testing/**', 'test/**'],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'ssekit/browser',
    files: ['src/**/*.{ts,tsx}', 'examples/**', 'bench/pages/**', 'test/browser/pages/**', 'test/**/*.tsx'],
    ignores: ['src/server/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    name: 'ssekit/tests',
    files: ['test/**'],
    languageOptions: { globals: { ...globals.jest, ...globals.browser } },
  },
  {
    name: 'ssekit/no-any-in-src',
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    name: 'ssekit/unused',
    rules: {
      // `_name` marks a parameter a signature needs but the body does not (FetchStream.open's `_xhr`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    ...compat.configs['flat/recommended'],
    name: 'ssekit/legacy-browsers',
    files: LEGACY_SOURCES,
    ignores: NOT_LEGACY,
    settings: {
      lintAllEsApis: true,
      // The plugin matches object names case-insensitively, so every `request.url` of our TransportRequest reads
      // as the Fetch API's `Request`. The global itself stays banned here by no-restricted-globals below.
      polyfills: ['Request'],
    },
    rules: {
      ...compat.configs['flat/recommended'].rules,
      'no-restricted-globals': ['error', { name: 'Request', message: 'IE 11 has no Request (see eslint.config.js).' }],
    },
  },
  {
    name: 'ssekit/legacy-browsers/fetch-stream',
    files: ['src/transports/fetch-stream.ts'],
    // FetchStream is only handed to the polyfill by fetchStream(), which checks fetch, ReadableStream,
    // TextDecoder and AbortController first (in another function, which the plugin cannot follow). Without them
    // (IE 11) the polyfill streams over XMLHttpRequest.
    settings: { polyfills: ['fetch', 'ReadableStream', 'TextDecoder', 'AbortController', 'Headers', 'Response'] },
  },
  {
    name: 'ssekit/legacy-browsers/native-probe',
    files: ['src/transports/probe.ts'],
    // The second look at a refused response runs only where `getGlobal().fetch` and `AbortController` exist
    // (checked first); elsewhere the error stays `failed`. The plugin cannot follow that check.
    settings: { polyfills: ['Request', 'fetch', 'AbortController', 'Headers', 'Response'] },
  },
])
