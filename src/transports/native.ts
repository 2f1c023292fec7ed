import { DEV } from '../dev'
import { requestError } from '../errors'
import { getGlobal } from '../global'
import { eventSourceFactory } from './event-source'
import type { EventSourceLike, TransportFactory } from './types'
import { withParam } from './url'

/** The constructor of a browser-compatible EventSource. @public */
export type EventSourceConstructor = new (url: string, init?: { withCredentials?: boolean }) => EventSourceLike

/**
 * The native transport over `EventSource`.
 *
 * What native hides, and how the client copes:
 * - the HTTP status and headers of a refused response: a bad status, a 204 and a wrong content type all end in the
 *   same bare `error` event with `readyState` CLOSED. The transport then asks the server once more with `fetch`,
 *   reads only the status and headers, and hangs up, so the error carries the real code, status and
 *   `Retry-After`; where that answer cannot be read (no fetch, CORS), it is code `'failed'` with no `status`;
 * - the server's `retry:` value: it only steers native's own reconnection (`retry: 'transport'`);
 * - request headers: a new instance cannot send `Last-Event-ID`, so the id travels in a query parameter.
 *
 * @param EventSourceImpl - the constructor; defaults to the global `EventSource`, read when called
 * @returns the factory, or `undefined` where there is no EventSource
 * @internal
 */
export function nativeTransport(EventSourceImpl?: EventSourceConstructor): TransportFactory | undefined {
  const Impl = EventSourceImpl || (getGlobal() as { EventSource?: EventSourceConstructor }).EventSource
  if (!Impl) return undefined
  return eventSourceFactory(
    'native',
    (request) =>
      new Impl(withParam(request.url, request.lastEventIdParam, request.lastEventId), {
        withCredentials: request.withCredentials,
      }),
    (event, request, source, report) => {
      const url = request.url
      if (source.readyState !== 2) {
        return requestError('network', DEV && 'Connection lost', url, event)
      }
      const failed = requestError('failed', DEV && 'EventSource refused the response', url, event)
      // Native hides why it refused the response: the second look (a chunk of its own) asks the server once more.
      // Without fetch it could not (and the script-tag file's inlined import would need a Promise): stay `failed`.
      // Under `retry: 'transport'` the client promises what the spec describes, and an EventSource sends no such
      // request: stay `failed` there too.
      if (request.spec || !(getGlobal() as { fetch?: unknown }).fetch) return failed
      import('./probe').then(
        (module) => module.probe(request, failed, report),
        () => report(failed),
      )
    },
  )
}
