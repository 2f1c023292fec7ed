/** The transport suite with the page's EventSource deleted: `auto` picks the lazily loaded fetch transport. */
import { registerTransportSuite } from './suite'

describe('ssekit in Chromium, no EventSource (fetch)', () => {
  registerTransportSuite('fetch')
})
