// A rollup plugin for the builds that bundle event-source-polyfill (the lazy polyfill chunk, the script-tag file).
//
// The polyfill streams over `fetch` where the platform can (its `FetchTransport`), else over XHR. ssekit hands it a
// fetch reader of its own (src/transports/fetch-stream.ts) wherever `fetch` can stream with `ReadableStream`,
// `TextDecoder` and `AbortController`, so the polyfill's fetch transport only ever ran where ssekit's could not: on a
// `fetch` that streams without one of the three (Chrome 43–65, Safari 10.1–12.0, Edge 14–18), through the polyfill's
// stand-ins for the missing two. There, XHR streams the same events, as it does on IE 11. This plugin removes the
// polyfill's fetch transport and what only it uses (the `AbortController` and `TextDecoder` stand-ins, the check of
// the platform's decoder at load, the globals they read), and makes XHR the transport when ssekit hands it none.
//
// It also removes the polyfill's stand-ins for browsers older than ES5: IE 6's `XMLHttpRequest` over ActiveX, IE 8's
// `Object.create` and `Date.now`, Firefox 2's `document.readyState`. ssekit's own code needs ES5 (`Object.create`,
// getters), so they could only run where ssekit cannot.
//
// Each cut is found by exact text, once: another version of the polyfill that moved any of it fails the build here
// rather than bundling a polyfill half cut. What is cut becomes as many empty lines, so the source map stays true.

const FILE = '/node_modules/event-source-polyfill/src/eventsource.js'

/** Code removed, from the first line that starts with `from` up to the line that starts with `to` (kept). */
const CUTS = [
  // The ActiveX object, read only by IE 6's stand-in below.
  { from: '  var ActiveXObject = global.ActiveXObject;', to: '  var NativeEventSource = ' },
  // The globals that only the fetch transport and its stand-ins read.
  { from: '  var Promise = global.Promise;', to: '  if (typeof window' },
  // The stand-ins for Firefox 2, IE 6 and IE 8.
  { from: '  if (typeof window !== "undefined" && typeof document !== "undefined"', to: '  // see #118' },
  // The fetch and AbortController stand-ins, the UTF-8 decoder, and the check of the platform's decoder at load.
  { from: '  if (AbortController == undefined) {', to: '  var k = function () {' },
  // The fetch transport and the wrapper of its response headers.
  { from: '  function HeadersWrapper(headers) {', to: '  function EventTarget() {' },
  // The test of whether `fetch` can stream, read by nothing else.
  { from: '  var isFetchSupported = ', to: '  function start(' },
]

/** Code replaced on its line: without a transport from ssekit, the polyfill streams over XHR. */
const REPLACEMENTS = [
  [
    'var xhr = isFetchSupported && TransportOption == undefined ? undefined : new XHRWrapper(',
    'var xhr = new XHRWrapper(',
  ],
  ['(xhr == undefined ? new FetchTransport() : new XHRTransport())', 'new XHRTransport()'],
]

/** The index of the one occurrence of `text` in `code` from `start`, or -1 where there is none or more than one. */
function once(code, text, start = 0) {
  const at = code.indexOf(text, start)
  return at >= 0 && code.indexOf(text, at + 1) < 0 ? at : -1
}

/** The polyfill's source with the cuts and replacements made, or a string saying which one was not found. */
export function trimPolyfill(code) {
  let trimmed = code
  for (const { from, to } of CUTS) {
    const start = once(trimmed, from)
    const end = start < 0 ? -1 : trimmed.indexOf(to, start)
    if (start < 0 || end < 0) return { problem: 'no single "' + from.trim() + '"' }
    // Keep the line breaks (CRLF in this file), so every line after the cut keeps its number.
    const lines = trimmed.slice(start, end).replace(/[^\r\n]+/g, '')
    trimmed = trimmed.slice(0, start) + lines + trimmed.slice(end)
  }
  for (const [before, after] of REPLACEMENTS) {
    const at = once(trimmed, before)
    if (at < 0) return { problem: 'no single "' + before + '"' }
    trimmed = trimmed.slice(0, at) + after + trimmed.slice(at + before.length)
  }
  for (const gone of ['FetchTransport', 'TextDecoder', 'AbortController', 'isFetchSupported', 'fetch(', 'ActiveX']) {
    if (trimmed.includes(gone)) return { problem: '"' + gone + '" is still there' }
  }
  return { code: trimmed }
}

/** The plugin: cuts the polyfill's fetch transport from every bundle that has the polyfill inside. */
export const trimPolyfillPlugin = () => ({
  name: 'trim-polyfill',
  transform(code, id) {
    if (!id.endsWith(FILE)) return null
    const result = trimPolyfill(code)
    if (result.problem)
      this.error('event-source-polyfill is not as scripts/trim-polyfill.mjs expects: ' + result.problem)
    return { code: result.code, map: null }
  },
})
