/** The spec cases with EventSource and ReadableStream deleted: the lazily loaded polyfill chunk carries the stream. */
import { registerSpecSuite } from './spec-suite'

describe('WHATWG server-sent events cases, no EventSource (polyfill)', () => {
  registerSpecSuite('polyfill')
})
