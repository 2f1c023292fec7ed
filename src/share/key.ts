import type { TransportRequest } from '../transports/types'
import { TAG } from './protocol'

/**
 * The name of a share group's lock, channel and kept id: the protocol's tag and version, then the share key. The key
 * is the `share` option's string, or what makes two clients' requests the same, so that one connection can serve
 * both: the absolute URL, the method, `withCredentials`, `lastEventIdParam` and the `transport` option. Not the
 * headers or the body, which may be functions: clients that differ in them need a key of their own. Web Locks,
 * BroadcastChannel and localStorage are all scoped to the origin, so a key cannot reach the tabs of another origin.
 * @param share - the `share` option
 * @param request - the request this tab would make
 * @param wanted - the `transport` option
 * @internal
 */
export function groupName(share: unknown, request: TransportRequest, wanted: string): string {
  return (
    TAG +
    (typeof share === 'string'
      ? ' key ' + share
      : ' ' + JSON.stringify([request.url, request.method, request.withCredentials, request.lastEventIdParam, wanted]))
  )
}
