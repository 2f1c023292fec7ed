// The builds: the ESM client (with the polyfill as a lazily loaded chunk) for production and for development, the
// Node server, the ES5 script-tag file with the polyfill inside, for production (minified) and development, and
// the testing kit (`ssekit/testing` beside each ESM client build; its Node server and msw entries once).
// Declarations come from `tsc -p tsconfig.build.json`.
import commonjs from '@rollup/plugin-commonjs'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'
import { transform } from '@swc/core'
import { fileURLToPath } from 'node:url'
import { trimPolyfillPlugin } from './scripts/trim-polyfill.mjs'

const REACT_ENTRY = fileURLToPath(new URL('./src/react.ts', import.meta.url))
const DEV_MODULE = fileURLToPath(new URL('./src/dev.ts', import.meta.url))
const ERRORS_MODULE = fileURLToPath(new URL('./src/errors.ts', import.meta.url))

/**
 * The production build: `DEV` is `false`, so rollup drops every branch behind it (the development build's hints
 * and longer messages). Runs after TypeScript, on its output for src/dev.ts.
 */
const production = () => ({
  name: 'production',
  transform: (_code, id) => (id === DEV_MODULE ? { code: 'export const DEV = false', map: null } : null),
})

const ts = (outDir) =>
  typescript({
    tsconfig: './tsconfig.build.json',
    compilerOptions: { declaration: false, emitDeclarationOnly: false, noEmit: false, outDir },
    noEmitOnError: true,
  })

/**
 * Lowers our modules to ES5 syntax, one at a time (TypeScript 6 emits modern JS; the polyfill is ES5 already).
 * Helpers are imported from @swc/helpers, so rollup bundles each once, inside the IIFE: no stray globals.
 */
const es5 = () => ({
  name: 'es5',
  async transform(code, id) {
    if (id.includes('/node_modules/') || id.startsWith('\0')) return null
    const result = await transform(code, {
      filename: id,
      // IE 11 as the target, without the `typeof`-symbol transform: no symbols exist there, so `typeof x` is
      // exact, and the file carries no helper for it or for `instanceof`.
      env: { targets: 'ie 11', loose: true, exclude: ['transform-typeof-symbol'] },
      jsc: { parser: { syntax: 'ecmascript' }, loose: true, externalHelpers: true },
      module: { type: 'es6' },
      sourceMaps: true,
    })
    return { code: result.code, map: result.map }
  },
})

/**
 * event-source-polyfill is the one CommonJS module bundled, and it runs as soon as the module that imports it does
 * (the polyfill chunk, the script-tag file): no wrapper to run it at its first `require`.
 */
const cjs = () => commonjs({ strictRequires: false })

/** The ESM build into `dir`: production unless `isDev`. */
const esm = (dir, isDev) => ({
  input: { index: 'src/index.ts', react: 'src/react.ts' },
  output: {
    dir,
    format: 'es',
    sourcemap: true,
    // No hash in a chunk's name: the package version already names the build, and an app's bundler hashes what it
    // emits; a hash of ours would only add characters gzip cannot fold to every `import()` of the chunk.
    chunkFileNames: 'chunks/[name].js',
    // react.js imports the client from index.js beside it, so there is one copy of it, and index.js stays whole.
    paths: (id) => (id.endsWith('/src/index') ? './index.js' : id),
  },
  // Let index.js also export what the lazy polyfill chunk shares with it, instead of a third chunk.
  preserveEntrySignatures: 'allow-extension',
  external: (id, importer) => id === 'react' || (importer === REACT_ENTRY && id === './index'),
  plugins: [ts(dir), ...(isDev ? [] : [production()]), nodeResolve({ browser: true }), trimPolyfillPlugin(), cjs()],
})

/**
 * Object spread, lowered to ES5, calls `_extends`: swc's helper goes through `Object.assign`, which IE 11 lacks, so
 * its fallback is always there too. This one is the fallback alone, and shorter: ssekit only spreads plain objects.
 */
const EXTENDS = `export function _(target) {
  for (var i = 1; i < arguments.length; i++) {
    var source = arguments[i]
    for (var key in source) if (Object.prototype.hasOwnProperty.call(source, key)) target[key] = source[key]
  }
  return target
}`
const es5Extends = () => ({
  name: 'es5-extends',
  resolveId: (id) => (id === '@swc/helpers/_/_extends' ? '\0es5-extends' : null),
  load: (id) => (id === '\0es5-extends' ? EXTENDS : null),
})

/**
 * The script-tag file's error constructor: the ES5 function of `src/error-constructor.es5.ts` in place of the class
 * of `src/error-constructor.ts`, which lowered to ES5 would need the helpers for extending a built-in.
 */
const ERROR_CONSTRUCTOR = fileURLToPath(new URL('./src/error-constructor.ts', import.meta.url))
const es5ErrorConstructor = () => ({
  name: 'es5-error-constructor',
  async resolveId(id, importer, options) {
    if (!id.endsWith('/error-constructor')) return null
    const resolved = await this.resolve(id, importer, { ...options, skipSelf: true })
    return resolved && resolved.id === ERROR_CONSTRUCTOR ? ERROR_CONSTRUCTOR.replace(/\.ts$/, '.es5.ts') : resolved
  },
})

/** The script-tag file: development (readable, every message) or production (minified, lean). */
const legacy = (isDev) => ({
  input: 'src/legacy.ts',
  output: {
    file: isDev ? 'dist/ssekit.legacy.js' : 'dist/ssekit.legacy.min.js',
    format: 'iife',
    name: 'SseKit',
    sourcemap: true,
    inlineDynamicImports: true,
    // The one namespace inlined (the second look's module) is read by ssekit alone: no `Object.freeze` for it.
    freeze: false,
    plugins: isDev
      ? []
      : [
          terser({
            ecma: 5,
            safari10: true,
            // Function declarations hoisted to the top of their scope gzip better here: 9,772 to 9,715 B min+gzip
            // with a third pass (measured with `npm run size`).
            compress: { passes: 3, hoist_funs: true },
            // The error constructor's name is public: `SsekitError.name`, and what consoles print.
            keep_fnames: /^SsekitError$/,
            format: { comments: /^!|@license/ },
          }),
        ],
  },
  plugins: [
    // First: the TypeScript plugin resolves the modules it compiles itself.
    es5ErrorConstructor(),
    ts('dist'),
    ...(isDev ? [] : [production()]),
    es5Extends(),
    nodeResolve({ browser: true }),
    trimPolyfillPlugin(),
    cjs(),
    es5(),
  ],
})

/** The core build beside the testing kit's, as the kit imports it (`../index.js`). */
const CORE = 'ssekit:core'

/**
 * In the testing kit's bundle, `SsekitError` is the one of the core build beside it: src/errors.ts stays bundled
 * (its helpers are internal, so index.js does not export them), but its constructor comes from index.js, so that the
 * errors of a test client are `instanceof` the `SsekitError` an app imports. Runs on TypeScript's output.
 */
const coreSsekitError = () => ({
  name: 'core-ssekit-error',
  transform(code, id) {
    if (id !== ERRORS_MODULE) return null
    const definition = /^export const SsekitError = construct;$/m
    if (!definition.test(code)) this.error('src/errors.ts no longer defines SsekitError as coreSsekitError() expects')
    // One line in, one line out, so the source map stays true to the lines.
    const replaced = code.replace(definition, 'export const SsekitError = CoreSsekitError;')
    return { code: `import { SsekitError as CoreSsekitError } from '${CORE}'; ` + replaced, map: null }
  },
})

/**
 * `ssekit/testing` beside the ESM client build in `dir` (production unless `isDev`). It bundles the client core it
 * runs (its entry points are internal), and takes `SsekitError` from that build's index.js (see coreSsekitError).
 * Nothing else imports it: the core and the other entries stay as they are.
 */
const testing = (dir, isDev) => ({
  input: { index: 'src/testing/index.ts' },
  output: {
    dir: dir + '/testing',
    format: 'es',
    sourcemap: true,
    paths: (id) => (id === CORE ? '../index.js' : id),
  },
  external: (id) => id === CORE,
  plugins: [ts(dir + '/testing'), coreSsekitError(), ...(isDev ? [] : [production()])],
})

export default [
  esm('dist', false),
  esm('dist/dev', true),
  testing('dist', false),
  testing('dist/dev', true),
  {
    // The testing kit's Node server and msw stream: no client core inside; Node's own modules and msw, an optional
    // peer, outside.
    input: { server: 'src/testing/server.ts', msw: 'src/testing/msw.ts' },
    output: { dir: 'dist/testing', format: 'es', sourcemap: true, chunkFileNames: 'chunks/[name]-[hash].js' },
    external: (id) => id.startsWith('node:') || id === 'msw',
    plugins: [ts('dist/testing')],
  },
  {
    input: { index: 'src/server/index.ts', cli: 'src/server/cli.ts' },
    output: { dir: 'dist/server', format: 'es', sourcemap: true },
    external: (id) => id.startsWith('node:'),
    plugins: [ts('dist/server')],
  },
  legacy(true),
  legacy(false),
]
