/** @jest-environment node */
/**
 * The production and development builds refuse the same options with a `bad-option` error naming the option; only
 * the development build explains (what was expected, what was given, "did you mean"). Checked on the built files:
 * the ESM builds (`dist/index.js`, `dist/dev/index.js`) and the script-tag files, run in a bare `vm` context.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'

const ROOT = path.resolve(__dirname, '..')
type CreateClient = (url: string, options: unknown) => { subscribe(listener: () => void): unknown }
/** What a build exports that these tests use. */
interface Built {
  createClient: CreateClient
  SsekitError: new (message: string, details: { code: string }) => Error & { code: string }
}

function built(file: string): string {
  const full = path.join(ROOT, file)
  if (!existsSync(full)) throw new Error(`${file} is missing: run \`npm run build\` before this test`)
  return full
}

/** A script-tag file's global, evaluated in a context of its own. */
function fromScript(file: string): Built {
  const sandbox: Record<string, unknown> = { setTimeout, clearTimeout, console }
  sandbox.window = sandbox
  sandbox.self = sandbox
  vm.runInContext(readFileSync(built(file), 'utf8'), vm.createContext(sandbox))
  return sandbox.SseKit as Built
}

/** The exports of an ESM build. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fromModule = (file: string): Built => require(built(file)) as Built

const BUILDS: Array<[name: string, isDev: boolean, load: () => Built]> = [
  ['dist/index.js', false, () => fromModule('dist/index.js')],
  ['dist/dev/index.js', true, () => fromModule('dist/dev/index.js')],
  ['dist/ssekit.legacy.min.js', false, () => fromScript('dist/ssekit.legacy.min.js')],
  ['dist/ssekit.legacy.js', true, () => fromScript('dist/ssekit.legacy.js')],
]

const CASES: Array<[options: unknown, lean: string, full: string]> = [
  [
    { retyr: {} },
    'Invalid option retyr: unknown option',
    'Invalid option retyr: unknown option; did you mean "retry"?',
  ],
  [{ retry: { jitter: 2 } }, 'Invalid option retry.jitter: bad value', 'expected a number from 0 to 1, got 2'],
  [
    { transport: 'ws' },
    'Invalid option transport: bad value',
    'expected "auto", "native", "fetch" or "polyfill", got "ws"',
  ],
  [JSON.parse('{"constructor": 1}'), 'Invalid option constructor: unknown option', 'constructor: unknown option'],
  [
    { headers: { 'X Bad': 'a' } },
    'Invalid option headers: X Bad',
    'Invalid option headers: "X Bad": a header needs a token name and a string value without CR, LF or NUL',
  ],
]

describe.each(BUILDS)('%s', (_name, isDev, load) => {
  test.each(CASES)('refuses %o with a bad-option error naming it', (options, lean, full) => {
    const { createClient } = load()
    let caught: unknown
    try {
      createClient('/s', options)
    } catch (error) {
      caught = error
    }
    expect(caught).toMatchObject({ name: 'SsekitError', code: 'bad-option' })
    const message = (caught as Error).message
    if (isDev) expect(message).toContain(full)
    else expect(message).toBe(lean)
  })

  test('accepts valid options', () => {
    expect(() => load().createClient('/s', { decode: 'json', retry: { maxRetryAfterMs: 60_000 } })).not.toThrow()
  })

  test('an error of the stream names the request: in words in development, by its code in production', () => {
    const errors: Array<{ code: string; message: string }> = []
    const client = load().createClient('http://127.0.0.1:9/s', { onError: (error: never) => errors.push(error) })
    client.subscribe(() => {
      throw new Error('from a listener')
    })
    expect(errors.map((error) => [error.code, error.message])).toEqual([
      ['handler', (isDev ? 'A state listener threw' : 'handler') + ': GET http://127.0.0.1:9/s'],
    ])
  })

  test('errors are named SsekitError: the instance, its constructor, String(error) and the stack', () => {
    const { SsekitError, createClient } = load()
    const error = new SsekitError('Connection lost: GET /s', { code: 'network' })
    expect(error.name).toBe('SsekitError')
    expect(String(error)).toBe('SsekitError: Connection lost: GET /s')
    expect(SsekitError.name).toBe('SsekitError')
    expect(error.constructor).toBe(SsekitError)
    expect(error.stack ?? '').not.toMatch(/construct/)
    let refused: unknown
    try {
      createClient('/s', { retyr: {} })
    } catch (caught) {
      refused = caught
    }
    expect(String(refused)).toMatch(/^SsekitError: Invalid option retyr: unknown option/)
  })
})

test('no lazily loaded chunk of the production build imports DEV: its branches are gone, not left to run', () => {
  // Rollup drops `DEV && words` to `DEV` rather than `false` in a chunk that imports the binding from the core, so
  // the core would export it and every chunk import it; a `DEV ? words : ''` leaves neither.
  const dir = built('dist/chunks')
  const chunks = readdirSync(dir).filter((name) => name.endsWith('.js'))
  expect(chunks.length).toBeGreaterThan(3)
  for (const name of chunks)
    expect([name, readFileSync(path.join(dir, name), 'utf8')]).not.toEqual([name, expect.stringMatching(/\bas DEV\b/)])
})
