import type { TransportRequest } from '../transports/types'

/**
 * The share key: the `share` option's string, or what makes two clients' requests the same, so that one connection
 * can serve both: the absolute URL, the method, `withCredentials`, `lastEventIdParam` and the `transport` option. Not
 * the headers or the body, which may be functions: clients that differ in them need a key of their own.
 * @param share - the `share` option
 * @param request - the request this tab would make
 * @param wanted - the `transport` option
 * @internal
 */
export function shareKey(share: unknown, request: TransportRequest, wanted: string): string {
  return typeof share === 'string'
    ? 'key ' + share
    : JSON.stringify([request.url, request.method, request.withCredentials, request.lastEventIdParam, wanted])
}
