/**
 * The script-tag entry: one ES5 file with event-source-polyfill inside, exposing the global `SseKit`.
 * `transport: 'auto'` uses the browser's EventSource where there is one and the bundled polyfill elsewhere.
 */
import { createClientWith } from './client'
import { SsekitError, isSsekitError } from './errors'
import { nativeTransport } from './transports/native'
import { transport as polyfill } from './transports/polyfill-chunk'
import type { Client, ClientOptions, EventMap } from './types'
import { bindButton, bindStatus } from './ui'
import { version } from './version'

const transports = {
  native: () => nativeTransport(),
  polyfill: (done: (factory: typeof polyfill) => void) => done(polyfill),
}

function createClient<Events extends EventMap = Record<string, string>>(
  url: string,
  options?: ClientOptions,
): Client<Events> {
  return createClientWith<Events>(transports, url, options)
}

export { createClient, bindButton, bindStatus, SsekitError, isSsekitError, version }
