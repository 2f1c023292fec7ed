/** @jest-environment node */
// Importing the built modules must touch no `window`/`document`: they load in plain Node (SSR, workers) and a
// client can be created there; only `connect()` needs an EventSource or the polyfill.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '..')
const script = `
  const ssekit = await import('./dist/index.js')
  const server = await import('./dist/server/index.js')
  const client = ssekit.createClient('/stream/date', { decode: 'json' })
  console.log(JSON.stringify({
    exports: Object.keys(ssekit).sort(),
    server: typeof server.createServer,
    state: client.state,
    window: typeof globalThis.window,
  }))
`

test('dist/index.js and dist/server/index.js import in plain Node', () => {
  if (!existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first')
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })
  const result = JSON.parse(output.trim().split('\n').pop() as string)
  expect(result.exports).toEqual(
    expect.arrayContaining(['SsekitError', 'bindButton', 'bindStatus', 'createClient', 'isSsekitError', 'version']),
  )
  expect(result).toMatchObject({ server: 'function', state: { status: 'idle', attempt: 0 }, window: 'undefined' })
})
