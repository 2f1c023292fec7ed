/** The spec cases with Chromium's own EventSource. */
import { registerSpecSuite } from './spec-suite'

describe('WHATWG server-sent events cases, native EventSource', () => {
  registerSpecSuite('native')
})
