/**
 * The share chunk, loaded lazily by the first attempt of a client created with `share` (and only then): it loads
 * the real transport as any client would, and wraps it in the sharing transport where the browser has Web Locks and
 * BroadcastChannel. Elsewhere it hands the real transport over as it is: each tab keeps its own connection, and the
 * state has no `role`.
 */
import type { TransportSource } from '../client'
import { getGlobal } from '../global'
import type { TransportFactory } from '../transports/types'
import type { ClientOptions } from '../types'
import type { CreateClient, SharePlatform } from './platform'
import { shareTransport } from './relay'

/**
 * Loads the real transport and makes it shared.
 * @param create - `createClientWith`, for the leader's own client
 * @param source - the default transports
 * @param options - the client's options
 * @param wanted - the `transport` option
 * @param done - receives the factory
 * @param failed - receives why none could be loaded
 * @internal
 */
export function share(
  create: CreateClient,
  source: TransportSource,
  options: ClientOptions,
  wanted: string,
  done: (factory: TransportFactory) => void,
  failed: (cause: unknown) => void,
): void {
  const root = getGlobal() as Partial<SharePlatform>
  const canShare = root.navigator && root.navigator.locks && root.BroadcastChannel
  const wrap = (real: TransportFactory) =>
    done(canShare ? shareTransport(real, create, source, options, wanted, root as SharePlatform) : real)
  // As the client itself decides: native where the request needs nothing more, else a lazily loaded transport.
  const native = !options.headers && (options.method || 'GET') === 'GET' && /^(auto|native)$/.test(wanted)
  const found = native && source.native()
  if (found) wrap(found)
  else source.lazy(wanted, wrap, failed, options)
}
