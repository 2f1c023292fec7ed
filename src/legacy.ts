/**
 * The script-tag entry: one ES5 file with event-source-polyfill inside, exposing the global `SseKit`.
 * `transport: 'auto'` uses the browser's EventSource where there is one and the request needs nothing more, and the
 * bundled polyfill elsewhere. It has no fetch transport: every transport that is not native is the polyfill here.
 */
import { createClientWith } from './client'
import { SsekitError, isSsekitError } from './errors'
import { nativeTransport } from './transports/native'
import { transport as polyfill } from './transports/polyfill-chunk'
import type { Client, ClientOptions, EventMap } from './types'
import { bindButton, bindStatus } from './ui'
import { version } from './version'

const transports = {
  // Where there is no EventSource, the bundled polyfill is this file's native: the first state names it.
  native: () => nativeTransport() || polyfill,
  lazy: (_wanted: string, done: (factory: typeof polyfill) => void) => done(polyfill),
}

// Plain arguments, not the typed rest of the ESM entry: a global has no TypeScript callers, and ES5 would copy them.
function createClient<Events extends EventMap = Record<string, string>>(
  url: string | URL,
  options?: ClientOptions,
): Client<Events> {
  return createClientWith<Events>(transports, url, options)
}

export { createClient, bindButton, bindStatus, SsekitError, isSsekitError, version }
