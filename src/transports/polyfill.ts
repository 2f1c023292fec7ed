import { DEV } from '../dev'
import { SsekitError, requestError } from '../errors'
import { eventSourceFactory } from './event-source'
import { responseError } from './response-error'
import { fetchStream, type StreamTransport } from './fetch-stream'
import type { EventSourceLike, TransportFactory } from './types'

/** The parts of event-source-polyfill's options that ssekit sets. @internal */
export interface PolyfillInit {
  withCredentials: boolean
  headers: Record<string, string>
  lastEventIdQueryParameterName: string
  Transport?: StreamTransport
}

/** The constructor exported by event-source-polyfill as `EventSourcePolyfill`. @internal */
export type PolyfillConstructor = new (
  url: string,
  init: PolyfillInit,
) => EventSourceLike & { headers?: Record<string, string> }

/** The polyfill's failure events: a refused response carries its status and headers, a network failure its error. */
interface PolyfillErrorEvent {
  status?: number
  statusText?: string
  headers?: { get(name: string): string | null }
  error?: unknown
}

/**
 * The transport over event-source-polyfill (XHR/fetch streaming). Unlike native it sees the response, so its
 * errors carry the HTTP status and `Retry-After`, and it can send headers, `Last-Event-ID` among them.
 *
 * @param Polyfill - the `EventSourcePolyfill` constructor
 * @internal
 */
export function polyfillTransport(Polyfill: PolyfillConstructor): TransportFactory {
  return eventSourceFactory(
    'polyfill',
    (request) => {
      const headers: Record<string, string> = { ...request.headers }
      if (request.lastEventId) headers['Last-Event-ID'] = request.lastEventId
      const stream = fetchStream(request.maxEventLength, request.onActivity)
      const source = new Polyfill(request.url, {
        withCredentials: request.withCredentials,
        headers,
        lastEventIdQueryParameterName: request.lastEventIdParam,
        Transport: stream && stream.Transport,
      })
      // The polyfill holds no abort handle of the fetch stream (see fetchStream): closing aborts it here.
      if (stream) {
        const close = source.close
        source.close = () => {
          close.call(source)
          stream.abort()
        }
      }
      return source
    },
    (event, request) => {
      const { status, statusText, headers, error } = event as unknown as PolyfillErrorEvent
      const url = request.url
      if (status === undefined) {
        // A failure our fetch stream raised itself (too-large) comes back through the polyfill as its `error`.
        return error instanceof SsekitError
          ? error
          : requestError('network', DEV ? 'Connection lost' : '', url, error || event)
      }
      // The polyfill reports only responses it refused, by the same content-type test: one it accepted can only
      // come here without headers, and is then told as a wrong content type.
      return (responseError(url, status, statusText, headers) ||
        responseError(url, status, statusText, undefined)) as SsekitError
    },
    // When the polyfill reconnects by itself (retry: 'transport'), it re-sends these headers: make them resume
    // from the last event. [spec] An empty last event ID buffer means no Last-Event-ID header.
    (source, lastEventId) => {
      const headers = (source as { headers?: Record<string, string> }).headers
      if (!headers) return
      if (lastEventId) headers['Last-Event-ID'] = lastEventId
      else delete headers['Last-Event-ID']
    },
  )
}
