/** @jest-environment node */
/**
 * scripts/trim-polyfill.mjs, the rollup plugin that cuts event-source-polyfill's fetch transport and its stand-ins
 * for pre-ES5 browsers from the bundles: on the installed polyfill it cuts them and keeps every line; on a polyfill
 * that moved any of it, it says what it did not find; and the trimmed polyfill still runs and streams over XHR.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const ROOT = path.resolve(__dirname, '..')
const POLYFILL = path.join(ROOT, 'node_modules/event-source-polyfill/src/eventsource.js')

/** Names of what is cut: the fetch transport, its stand-ins, and IE 6's and IE 8's. */
const CUT = ['FetchTransport', 'TextDecoderPolyfill', 'AbortController', 'ActiveXObject', 'Object.create = ']

interface Outcome {
  problem?: string
  lines?: number
  /** Which of the names cut are still in the trimmed source. */
  left?: string[]
  /** What the trimmed polyfill exports, run as the CommonJS module it is on a page with XMLHttpRequest. */
  exports?: string[]
  /** What the polyfill did with a request: the XHR it opened. */
  opened?: string[]
}

/** Runs trimPolyfill (an ES module of the build tooling) in a plain Node process on `source`. */
function trim(source: string): Outcome {
  const dir = mkdtempSync(path.join(tmpdir(), 'ssekit-trim-'))
  try {
    const input = path.join(dir, 'eventsource.js')
    writeFileSync(input, source)
    const script = path.join(dir, 'trim.mjs')
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs'
      import vm from 'node:vm'
      import { trimPolyfill } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'scripts/trim-polyfill.mjs')).href)}
      const result = trimPolyfill(readFileSync(${JSON.stringify(input)}, 'utf8'))
      if (result.problem) {
        console.log(JSON.stringify({ problem: result.problem }))
      } else {
        const opened = []
        class XMLHttpRequest {
          open(method, url) { opened.push(method + ' ' + url) }
          setRequestHeader() {}
          send() {}
          abort() {}
        }
        XMLHttpRequest.prototype.withCredentials = false
        XMLHttpRequest.prototype.ontimeout = null
        const module = { exports: {} }
        const page = { setTimeout, clearTimeout, XMLHttpRequest, Object, Date, Math, String, Error, console }
        page.globalThis = page
        vm.runInNewContext(result.code, { ...page, module, exports: module.exports })
        const source = new module.exports.EventSourcePolyfill('http://127.0.0.1/stream', {})
        source.close()
        console.log(JSON.stringify({
          lines: result.code.split('\\n').length,
          left: ${JSON.stringify(CUT)}.filter((name) => result.code.includes(name)),
          exports: Object.keys(module.exports).sort(),
          opened,
        }))
      }`,
    )
    return JSON.parse(execFileSync(process.execPath, [script], { cwd: ROOT, encoding: 'utf8' })) as Outcome
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const source = readFileSync(POLYFILL, 'utf8')

test('the installed polyfill loses its fetch transport and keeps every line; without a fetch it opens an XHR', () => {
  for (const name of CUT) expect(source).toContain(name)
  const outcome = trim(source)
  expect(outcome).toEqual({
    lines: source.split('\n').length,
    left: [],
    exports: ['EventSource', 'EventSourcePolyfill', 'NativeEventSource'],
    opened: ['GET http://127.0.0.1/stream'],
  })
})

test.each([
  ['the fetch transport moved', 'function HeadersWrapper(headers) {', 'no single "function HeadersWrapper(headers) {"'],
  [
    'the transport is chosen otherwise',
    '(xhr == undefined ? new FetchTransport() : new XHRTransport())',
    'no single "(xhr == undefined ? new FetchTransport() : new XHRTransport())"',
  ],
])('a polyfill in which %s is refused, naming what was not found', (_, text, problem) => {
  expect(source).toContain(text)
  expect(trim(source.replace(text, text.replace(/ /g, '  ')))).toEqual({ problem })
})
