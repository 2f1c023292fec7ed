/** The transport suite with Chromium's own EventSource. */
import { registerTransportSuite } from './suite'

describe('ssekit in Chromium, native EventSource', () => {
  registerTransportSuite('native')
})
