/** @jest-environment node */
/**
 * ssekit as a long-running Node consumer uses it, from the built package in a child process of its own: fetch is
 * the transport (there is no EventSource), and a handler that throws, with no `onError`, is printed and does not
 * end the process. The child talks to a server of its own, so nothing here waits on this process's event loop.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '..')

// Through the package's own exports, as an app in Node imports it (the `node` condition: the development build).
const script = `
  const { createClient } = await import('ssekit')
  const { createServer } = await import('./dist/server/index.js')
  const server = createServer({ intervalMs: 20, heartbeatMs: 0 })
  const base = await server.listen(0, '127.0.0.1')
  const client = createClient(base + '/stream/date')
  let events = 0
  client.on('date', () => {
    events++
    if (events === 1) throw new Error('a bug in the first handler call')
    if (events === 5) {
      console.log(JSON.stringify({ events, transport: client.state.transport, status: client.state.status }))
      client.disconnect()
      server.dispose()
    }
  })
  client.connect()
  setTimeout(() => { console.log('timed out'); process.exit(2) }, 8000).unref()
`

test('a handler that throws in Node is printed with its event type and cause, and the process goes on', async () => {
  if (!existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first')
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  expect({ code, stdout: stdout.trim() }).toEqual({
    code: 0,
    stdout: JSON.stringify({ events: 5, transport: 'fetch', status: 'open' }),
  })
  expect(stderr).toMatch(/SsekitError: A handler of "date" events threw/)
  expect(stderr).toMatch(/a bug in the first handler call/)
}, 15_000)

test('in Node, `ssekit` is the build with the full messages: a relative URL says what to do', () => {
  // The package imports itself by name, through its `exports`: the `node` condition picks the development build,
  // since bytes do not matter there and a server log is where the long messages help.
  const code = `
    const { createClient } = await import('ssekit')
    try { createClient('/stream/date').connect() } catch (error) { console.log(String(error), error.code) }
    try { createClient('http://127.0.0.1/s', { retyr: {} }) } catch (error) { console.log(String(error)) }
  `
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' })
  expect(output.trim().split('\n')).toEqual([
    'SsekitError: Invalid option url: "/stream/date" is relative: pass an absolute URL bad-option',
    'SsekitError: Invalid option retyr: unknown option; did you mean "retry"?',
  ])
})

test('in Node with `--conditions=production`, `ssekit` is the lean build: the same refusals, by name', () => {
  // The `production` condition comes before `node` in the package's exports, so a server or an SSR bundle built
  // for production can ask for the lean build.
  const code = `
    const { createClient } = await import('ssekit')
    try { createClient('http://127.0.0.1/s', { retyr: {} }) } catch (error) { console.log(String(error), error.code) }
  `
  const output = execFileSync(process.execPath, ['--conditions=production', '--input-type=module', '-e', code], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  expect(output.trim()).toBe('SsekitError: Invalid option retyr: unknown option bad-option')
})
