/** The transport suite with EventSource and ReadableStream deleted: the lazily loaded polyfill chunk carries the stream. */
import { registerTransportSuite } from './suite'

describe('ssekit in Chromium, no EventSource (polyfill)', () => {
  registerTransportSuite('polyfill')
})
