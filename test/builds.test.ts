/** @jest-environment node */
/**
 * The production and development builds refuse the same options with a `bad-option` error naming the option; only
 * the development build explains (what was expected, what was given, "did you mean"). Checked on the built files:
 * the ESM builds (`dist/index.js`, `dist/dev/index.js`) and the script-tag files, run in a bare `vm` context.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'

const ROOT = path.resolve(__dirname, '..')
type CreateClient = (url: string, options: unknown) => unknown

function built(file: string): string {
  const full = path.join(ROOT, file)
  if (!existsSync(full)) throw new Error(`${file} is missing: run \`npm run build\` before this test`)
  return full
}

/** `createClient` of a script-tag file, evaluated in a context of its own. */
function fromScript(file: string): CreateClient {
  const sandbox: Record<string, unknown> = { setTimeout, clearTimeout, console }
  sandbox.window = sandbox
  sandbox.self = sandbox
  vm.runInContext(readFileSync(built(file), 'utf8'), vm.createContext(sandbox))
  return (sandbox.SseKit as { createClient: CreateClient }).createClient
}

/** `createClient` of an ESM build. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fromModule = (file: string): CreateClient => (require(built(file)) as { createClient: CreateClient }).createClient

const BUILDS: Array<[name: string, isDev: boolean, load: () => CreateClient]> = [
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
  [{ headers: { 'X Bad': 'a' } }, 'Invalid option headers: "X Bad" is not a valid header name', 'is not a valid'],
]

describe.each(BUILDS)('%s', (_name, isDev, load) => {
  test.each(CASES)('refuses %o with a bad-option error naming it', (options, lean, full) => {
    const createClient = load()
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
    expect(() => load()('/s', { decode: 'json', retry: { maxRetryAfterMs: 60_000 } })).not.toThrow()
  })
})
