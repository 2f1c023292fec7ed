/**
 * The transport suite on the polyfill where `fetch` cannot stream (no `ReadableStream`): there the polyfill streams
 * over XMLHttpRequest, as on IE 11, since the builds carry no fetch transport of its own (scripts/trim-polyfill.mjs).
 */
import { removeFetchStreaming } from './harness'
import { registerTransportSuite } from './suite'

describe('ssekit in Chromium, no EventSource and no streaming fetch (polyfill over XHR)', () => {
  registerTransportSuite('polyfill', removeFetchStreaming)
})
