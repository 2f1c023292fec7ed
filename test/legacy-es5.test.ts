/** @jest-environment node */
/**
 * The script-tag build, checked without a browser: both files parse as ES5, and run in a bare `vm` context (a
 * fake `window`/`self` with no EventSource) they define exactly one global, `SseKit`, with the public members.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'
import { parse } from 'acorn'

const ROOT = path.resolve(__dirname, '..')
const FILES = ['dist/ssekit.legacy.min.js', 'dist/ssekit.legacy.js']
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }

function read(file: string): string {
  const full = path.join(ROOT, file)
  if (!existsSync(full)) throw new Error(`${file} is missing: run \`npm run build\` before this test`)
  return readFileSync(full, 'utf8')
}

/** A bare global for the script: only what a browser without EventSource would surely have. */
function fakeWindow(): vm.Context {
  const sandbox: Record<string, unknown> = { setTimeout, clearTimeout, console }
  sandbox.window = sandbox
  sandbox.self = sandbox
  return vm.createContext(sandbox)
}

interface SseKitGlobal {
  createClient(url: string): { state: { status: string }; url: string }
  bindButton: unknown
  bindStatus: unknown
  SsekitError: new (message: string, details: { code: string }) => Error & { code: string }
  isSsekitError(value: unknown): boolean
  version: string
}

describe.each(FILES)('%s', (file) => {
  test('parses as ES5', () => {
    const code = read(file)
    expect(() => parse(code, { ecmaVersion: 5, sourceType: 'script' })).not.toThrow()
  })

  test('defines only the global SseKit, with the public members', () => {
    const context = fakeWindow()
    const before = Object.keys(context)
    vm.runInContext(read(file), context, { filename: file })
    expect(Object.keys(context).filter((key) => !before.includes(key))).toEqual(['SseKit'])
    expect('EventSource' in context).toBe(false)

    const kit = (context as { SseKit: SseKitGlobal }).SseKit
    expect(Object.keys(kit).sort()).toEqual([
      'SsekitError',
      'bindButton',
      'bindStatus',
      'createClient',
      'isSsekitError',
      'version',
    ])
    expect(typeof kit.createClient).toBe('function')
    expect(typeof kit.bindButton).toBe('function')
    expect(typeof kit.bindStatus).toBe('function')
    expect(kit.version).toBe(version)

    // ES5 loses the prototype chain of `extends Error` unless the class restores it.
    const error = new kit.SsekitError('boom', { code: 'network' })
    expect([error.name, error.code, error.message, error instanceof kit.SsekitError]).toEqual([
      'SsekitError',
      'network',
      'boom',
      true,
    ])
    expect(kit.isSsekitError(error)).toBe(true)
    expect(kit.isSsekitError(new Error('boom'))).toBe(false)
    expect(kit.createClient('http://127.0.0.1:1/stream').state.status).toBe('idle')
  })
})
