/** The spec cases on the fetch transport: the page's EventSource is deleted, so `auto` picks fetch (the lazy chunk). */
import { registerSpecSuite } from './spec-suite'

describe('WHATWG server-sent events cases, fetch transport', () => {
  registerSpecSuite('fetch')
})
