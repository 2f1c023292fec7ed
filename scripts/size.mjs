#!/usr/bin/env node
// What users ship, measured from the built `dist/` (run `npm run build` first): each import is bundled the way an
// app bundler would (rollup + node-resolve + commonjs + terser, tree-shaken), then gzipped (level 9) and
// brotli-compressed (quality 11). Each lazily loaded chunk is split off by its dynamic import and measured on its
// own; the script-tag file is measured as built. Figures are min+gzip bytes with 1 KB = 1024 B.
//
// Each bundle has a budget, in min+gzip bytes: what ssekit promises it costs. Budgets only shrink: `--check` fails
// the build when a bundle grows past its budget, so a change that adds bytes pays for them in the same bundle; lower
// a budget whenever a change makes a bundle smaller. What is measured is the production build (the default export
// condition; `dist/ssekit.legacy.min.js`). BENCH.md ("Size budgets") says what each budget pays for.
//
//   node scripts/size.mjs           Markdown tables (sizes, then minified bytes per source module)
//   node scripts/size.mjs --check   the same, and exit 1 when any bundle is over its budget
//   node scripts/size.mjs --json    the figures as JSON
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import commonjs from '@rollup/plugin-commonjs'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import { rollup } from 'rollup'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const DIST = path.join(root, 'dist')

/** The imports measured, each with its budget in min+gzip bytes. */
export const ENTRIES = [
  { name: 'core ESM: `import { createClient }`', names: ['createClient'], budget: 3974 },
  {
    name: 'core + bindings: `createClient, bindButton, bindStatus`',
    names: ['createClient', 'bindButton', 'bindStatus'],
    budget: 4558,
  },
]
/** The lazily loaded chunks, by the name of the chunk a dynamic import loads, each with what it imports. */
export const LAZY = [
  {
    chunk: 'polyfill-chunk',
    name: 'lazy polyfill chunk(s), loaded on first polyfill `connect()`',
    column: 'polyfill',
    budget: 4618,
  },
  {
    chunk: 'fetch-chunk',
    name: 'lazy fetch chunk(s), loaded on first fetch `connect()` (headers, method or body, or no EventSource)',
    column: 'fetch',
    budget: 1672,
  },
  {
    chunk: 'share-chunk',
    name: 'lazy share chunk(s), loaded on first `connect()` of a client created with `share`',
    column: 'share',
    budget: 1529,
  },
  {
    chunk: 'response-error',
    name: 'lazy refused-response chunk(s), loaded when a fetch response is refused (status, content type)',
    column: 'refused',
    budget: 408,
  },
  {
    chunk: 'probe',
    name: 'lazy second-look chunk(s), loaded when native refuses a response',
    column: 'second look',
    budget: 811,
  },
]
export const LEGACY = {
  name: 'script-tag file `dist/ssekit.legacy.min.js`',
  file: 'ssekit.legacy.min.js',
  budget: 8681,
}

const ENTRY_ID = '\0size-entry'

/**
 * Reads a built file and its source map, with the map's sources made absolute as seen from `dist/` itself (the
 * file may be a copy elsewhere), so that every module is named alike: `src/client.ts`, `node_modules/…`.
 */
function withMap(distDir, file) {
  const map = JSON.parse(readFileSync(file + '.map', 'utf8'))
  const original = path.join(DIST, path.relative(distDir, file))
  map.sources = map.sources.map((source) => path.resolve(path.dirname(original), source))
  return { code: readFileSync(file, 'utf8'), map }
}

/** Serves the virtual entry, and loads files of the built folder with their source maps. */
function entryPlugin(distDir, names) {
  return {
    name: 'size-entry',
    resolveId: (id) => (id === ENTRY_ID ? id : null),
    load(id) {
      if (id === ENTRY_ID)
        return `export { ${names.join(', ')} } from ${JSON.stringify(path.join(distDir, 'index.js'))}`
      return id.startsWith(distDir + path.sep) && existsSync(id + '.map') ? withMap(distDir, id) : null
    },
  }
}

/**
 * Bundles one import. `eager` is the entry chunk and every chunk it imports statically (what loads before the first
 * `connect()`); `lazy` maps each dynamically imported chunk's name to it and the chunks it imports that are not
 * eager (what that path downloads). All minified, with source maps.
 */
async function bundle(distDir, names) {
  const build = await rollup({
    input: ENTRY_ID,
    plugins: [entryPlugin(distDir, names), nodeResolve({ browser: true }), commonjs()],
    // As in an app, whose entry is not a library: the entry chunk may export more (what the lazy chunk imports
    // from it), so no separate facade or shared chunk is made for the core.
    preserveEntrySignatures: 'allow-extension',
    onwarn: (warning, warn) => warning.code !== 'CIRCULAR_DEPENDENCY' && warn(warning),
  })
  const { output } = await build.generate({ format: 'es', sourcemap: true, plugins: [terser()] })
  await build.close()
  const chunks = new Map(output.filter((item) => item.type === 'chunk').map((chunk) => [chunk.fileName, chunk]))
  const closure = (chunk, into, skip = new Set()) => {
    if (into.has(chunk) || skip.has(chunk)) return into
    into.add(chunk)
    chunk.imports.forEach((file) => closure(chunks.get(file), into, skip))
    return into
  }
  const eager = closure(
    [...chunks.values()].find((chunk) => chunk.isEntry),
    new Set(),
  )
  const lazy = new Map()
  for (const chunk of chunks.values()) {
    if (chunk.isDynamicEntry) lazy.set(chunk.name, [...closure(chunk, new Set(), eager)])
  }
  const reached = new Set([...eager, ...[...lazy.values()].flat()])
  const missed = [...chunks.values()].filter((chunk) => !reached.has(chunk))
  if (missed.length) throw new Error('chunks neither eager nor lazy: ' + missed.map((chunk) => chunk.fileName))
  return { eager: [...eager], lazy }
}

/** min, min+gzip and min+brotli bytes of some files, each compressed on its own (each is its own request). */
export function measure(codes) {
  const sizes = { files: codes.length, min: 0, gzip: 0, brotli: 0 }
  for (const code of codes) {
    const buffer = Buffer.from(code)
    sizes.min += buffer.length
    sizes.gzip += gzipSync(buffer, { level: 9 }).length
    sizes.brotli += brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length
  }
  return sizes
}

/** Decodes one base64 VLQ `mappings` line into segments of absolute [column, sourceIndex]. */
function decodeLine(line, state) {
  const segments = []
  for (const text of line.split(',')) {
    if (!text) continue
    const fields = []
    let value = 0
    let shift = 0
    for (const char of text) {
      const digit = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(char)
      value += (digit & 31) << shift
      if (digit & 32) {
        shift += 5
        continue
      }
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1)
      value = 0
      shift = 0
    }
    state.column += fields[0]
    if (fields.length > 1) state.source += fields[1]
    segments.push([state.column, fields.length > 1 ? state.source : -1])
  }
  return segments
}

/**
 * Minified bytes per source module over some chunks: each generated character belongs to the source of the mapping segment it
 * falls in; characters before any mapping, in unmapped segments or on unmapped lines (the `export {…}`
 * statement, line breaks) count as `(bundler glue)`.
 */
export function bytesPerModule(chunks) {
  const totals = new Map()
  const add = (name, bytes) => totals.set(name, (totals.get(name) || 0) + bytes)
  for (const chunk of chunks) addChunk(chunk, add)
  return [...totals].map(([module, min]) => ({ module, min })).sort((a, b) => b.min - a.min)
}

function addChunk(chunk, add) {
  const { sources, mappings } = chunk.map
  const state = { column: 0, source: 0 }
  const mapped = mappings.split(';')
  const lines = chunk.code.split('\n')
  lines.forEach((code, index) => {
    state.column = 0
    const length = code.length + (index < lines.length - 1 ? 1 : 0)
    const segments = decodeLine(mapped[index] || '', state)
    // Source map columns count UTF-16 units; sizes are UTF-8 bytes.
    const bytes = (from, to) => Buffer.byteLength(code.slice(from, to)) + (to > code.length ? 1 : 0)
    add('(bundler glue)', bytes(0, segments.length ? segments[0][0] : length))
    segments.forEach(([column, source], at) => {
      const end = at + 1 < segments.length ? segments[at + 1][0] : length
      add(source < 0 ? '(bundler glue)' : path.relative(root, sources[source]), bytes(column, end))
    })
  })
}

/** Measures every entry from a built `dist/` (or a copy of it). */
export async function measureSizes(distDir = DIST) {
  if (!existsSync(path.join(distDir, 'index.js')) || !existsSync(path.join(distDir, LEGACY.file))) {
    throw new Error('dist/ is missing: run `npm run build` first')
  }
  const rows = []
  const modules = {}
  let lazy
  for (const entry of ENTRIES) {
    const bundled = await bundle(distDir, entry.names)
    const { name, budget } = entry
    rows.push({ name, budget, ...measure(bundled.eager.map((chunk) => chunk.code)) })
    modules[entry.name] = bytesPerModule(bundled.eager)
    lazy ??= bundled.lazy
  }
  for (const { chunk, name, budget } of LAZY) {
    // The bundler names each chunk after the file of dist/chunks it was built from.
    const chunks = lazy.get(chunk)
    if (!chunks) throw new Error('expected a lazily loaded chunk named ' + chunk + ', got ' + [...lazy.keys()])
    rows.push({ name, budget, ...measure(chunks.map((item) => item.code)) })
    modules[name] = bytesPerModule(chunks)
  }
  if (lazy.size !== LAZY.length) throw new Error('lazy chunks not measured: ' + [...lazy.keys()])
  const legacy = withMap(distDir, path.join(distDir, LEGACY.file))
  rows.push({ name: LEGACY.name, budget: LEGACY.budget, ...measure([legacy.code]) })
  modules[LEGACY.name] = bytesPerModule([legacy])
  return { rows, modules }
}

const kb = (bytes) => (bytes / 1024).toFixed(2) + ' KB'

/** The sizes table: each bundle against its budget (enforced by `--check`). */
export function sizeTable(rows) {
  const lines = [
    '| what | files | min | min+gzip | min+brotli | budget (min+gzip) | status |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ]
  for (const row of rows) {
    const left = row.budget - row.gzip
    const status = left < 0 ? `**over budget by ${-left} B**` : `within budget (${left} B left)`
    lines.push(
      `| ${row.name} | ${row.files} | ${row.min} B | ${row.gzip} B (${kb(row.gzip)}) | ${row.brotli} B | ${row.budget} B (${kb(row.budget)}) | ${status} |`,
    )
  }
  return lines.join('\n')
}

/** Minified bytes per source module: one column per ESM entry, per lazy chunk, and the script-tag file. */
export function moduleTable(modules) {
  const names = [...ENTRIES.map((entry) => entry.name), ...LAZY.map((item) => item.name), LEGACY.name]
  const all = [...new Set(names.flatMap((name) => modules[name].map((row) => row.module)))]
  const bytes = (name, module) => (modules[name].find((row) => row.module === module) || { min: 0 }).min
  const last = names[names.length - 1]
  all.sort((a, b) => bytes(names[1], b) - bytes(names[1], a) || bytes(last, b) - bytes(last, a))
  const columns = ['core', 'core + bindings', ...LAZY.map((item) => 'lazy ' + item.column), 'script-tag file']
  const lines = ['| module | ' + columns.join(' | ') + ' |', '| --- |' + ' ---: |'.repeat(columns.length)]
  for (const module of all) lines.push(`| ${module} | ${names.map((name) => bytes(name, module)).join(' | ')} |`)
  const total = names.map((name) => modules[name].reduce((sum, row) => sum + row.min, 0))
  lines.push(`| **total** | ${total.join(' | ')} |`)
  return lines.join('\n')
}

/** What `--check` fails on: one message per bundle over its budget, none when all are within. */
export function exceeded(rows) {
  return rows
    .filter((row) => row.gzip > row.budget)
    .map(
      (row) =>
        `size budget exceeded: ${row.name} is ${row.gzip} B min+gzip, ${row.gzip - row.budget} B over its budget of ${row.budget} B`,
    )
}

async function main() {
  const args = process.argv.slice(2)
  const result = await measureSizes()
  if (args.includes('--json')) {
    console.log(JSON.stringify(result, null, 2))
  } else {
    console.log('### Size\n\n' + sizeTable(result.rows) + '\n')
    console.log('Minified bytes per source module, traced through the source maps (gzip does not split per module):\n')
    console.log(moduleTable(result.modules) + '\n')
  }
  const problems = exceeded(result.rows)
  if (args.includes('--check') && problems.length) {
    for (const problem of problems) console.error(problem)
    process.exit(1)
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  main().catch((error) => {
    console.error(error.message)
    process.exit(2)
  })
}
