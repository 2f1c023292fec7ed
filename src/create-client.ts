import { createClientWith } from './client'
import { loadTransport } from './transports/load'
import { nativeTransport } from './transports/native'
import type { Client, EventMap, OptionsFor } from './types'

const transports = { native: nativeTransport, lazy: loadTransport }

/**
 * Creates a client for one SSE stream. Nothing is requested until `connect()`.
 *
 * @param url - the stream URL, absolute or relative to the page
 * @param options - transport, headers, method and body, decoding and retry policy; bad values throw a `bad-option`
 *   SsekitError
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
): Client<Events> {
  return createClientWith<Events>(transports, url, options[0])
}
