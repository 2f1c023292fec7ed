import { createClientWith, type TransportSource } from './client'
import { loadTransport } from './transports/load'
import { nativeTransport } from './transports/native'
import type { Client, ClientOptions, EventMap, OptionsFor } from './types'

const transports: TransportSource = { native: nativeTransport, lazy: loadTransport }

/**
 * The transports of a client created with `share`: none at once, so that the first attempt loads the share chunk
 * (src/share/), which loads the real transport from `transports` and wraps it, or hands it over as it is where the
 * browser cannot share.
 */
const shared: TransportSource = {
  native: () => undefined,
  lazy(wanted, done, failed, options) {
    import('./share/share-chunk').then(
      (module) => module.share(createClientWith, transports, options, wanted, done, failed),
      failed,
    )
  },
}

/**
 * Creates a client for one SSE stream. Nothing is requested until `connect()`.
 *
 * @param url - the stream URL, absolute or relative to the page
 * @param options - transport, headers, method and body, decoding, retry policy and sharing between tabs; bad values
 *   throw a `bad-option` SsekitError
 * @example
 * ```ts
 * type Events = { date: string; tick: { n: number } }
 * const client = createClient<Events>('/stream/date', { decode: 'json' })
 * client.on('date', (date, meta) => console.log(date, meta.lastEventId))
 * client.subscribe((state) => console.log(state.status, state.attempt, state.delayMs))
 * client.connect()
 * ```
 * @public
 */
export function createClient<Events extends EventMap = Record<string, string>>(
  url: string | URL,
  ...options: OptionsFor<Events>
): Client<Events>
// The signature above is the one users see; this one only spares the body a rest parameter.
export function createClient<Events extends EventMap>(url: string | URL, options?: ClientOptions): Client<Events> {
  return createClientWith<Events>(options && options.share ? shared : transports, url, options)
}
