// Size rows of the contenders that `npm run size` does not list, measured the same way (scripts/size.mjs): what
// an app ships to use ssekit-fetch (the core and the lazy fetch chunk, each its own request), and eventsource-client,
// reconnecting-eventsource and @microsoft/fetch-event-source (the size anchors of the field), each bundled from its
// package as an app would bundle it (rollup + node-resolve + commonjs + terser, tree-shaken),
// min, min+gzip (level 9) and min+brotli (quality 11). These rows have no budget: they are compared, not enforced.
import commonjs from '@rollup/plugin-commonjs'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { rollup } from 'rollup'
import { measure } from '../scripts/size.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const ENTRY_ID = '\0contender-entry'

/** Minified chunks of one import of a package, bundled from the project's node_modules. */
async function bundlePackage(source) {
  const build = await rollup({
    input: ENTRY_ID,
    plugins: [
      {
        name: 'contender-entry',
        resolveId: (id) => (id === ENTRY_ID ? id : null),
        load: (id) => (id === ENTRY_ID ? source : null),
      },
      nodeResolve({ browser: true, rootDir: root }),
      commonjs(),
    ],
    preserveEntrySignatures: 'allow-extension',
    // A package's own `this` at the top of a module (TypeScript's helpers) is rewritten to `undefined`, as it means.
    onwarn: (warning, warn) => warning.code !== 'THIS_IS_UNDEFINED' && warn(warning),
  })
  const { output } = await build.generate({ format: 'es', plugins: [terser()] })
  await build.close()
  return output.filter((item) => item.type === 'chunk').map((chunk) => chunk.code)
}

/**
 * The contenders' rows, from the rows of `measureSizes()` (ssekit's own bundles) and a bundle of eventsource-client.
 * Each row: `{name, files, min, gzip, brotli}`.
 */
export async function contenderSizes(rows) {
  const row = (prefix) => {
    const found = rows.find((item) => item.name.startsWith(prefix))
    if (!found) throw new Error('no size row named ' + prefix)
    return found
  }
  const sum = (...parts) =>
    Object.fromEntries(
      ['files', 'min', 'gzip', 'brotli'].map((key) => [key, parts.reduce((n, part) => n + part[key], 0)]),
    )
  const client = await bundlePackage("export { createEventSource } from 'eventsource-client'")
  const reconnecting = await bundlePackage("export { default } from 'reconnecting-eventsource'")
  const microsoft = await bundlePackage("export { fetchEventSource } from '@microsoft/fetch-event-source'")
  return [
    {
      name: "contender `ssekit-fetch`: core + lazy fetch chunk (what `transport: 'fetch'` loads)",
      ...sum(row('core ESM'), row('lazy fetch')),
    },
    {
      name: 'contender `eventsource-client`: `import { createEventSource }` (with eventsource-parser)',
      ...measure(client),
    },
    {
      name: 'anchor `reconnecting-eventsource`: `import ReconnectingEventSource` (wraps native EventSource)',
      ...measure(reconnecting),
    },
    {
      name: 'anchor `@microsoft/fetch-event-source`: `import { fetchEventSource }` (fetch, parser included)',
      ...measure(microsoft),
    },
  ]
}

/** Table rows in the columns of the size table (scripts/size.mjs `sizeTable`), to follow its rows. */
export function contenderSizeRows(rows) {
  const kb = (bytes) => (bytes / 1024).toFixed(2) + ' KB'
  return rows
    .map(
      (row) =>
        `| ${row.name} | ${row.files} | ${row.min} B | ${row.gzip} B (${kb(row.gzip)}) | ${row.brotli} B | — | contender, no budget |`,
    )
    .join('\n')
}
