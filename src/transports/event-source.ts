import type { SsekitError } from '../errors'
import type { TransportKind } from '../types'
import type { Channel, EventSourceLike, TransportFactory, TransportHandlers, TransportRequest } from './types'

/** [spec] readyState CLOSED: the user agent failed the connection and will not reconnect. */
const CLOSED = 2

/**
 * Tells a failure of one EventSource: given the error event and whether the connection was ever open.
 * @internal
 */
export type Classify = (
  event: Event,
  request: TransportRequest,
  source: EventSourceLike,
  report: (error: SsekitError) => void,
) => SsekitError | void

/**
 * A server event carries string `data`; the connection's own `open` and `error` events do not. Both reach the
 * listeners of the same type, so this is what keeps a server's `event: error` apart from a connection error.
 */
function isServerEvent(event: Event): event is MessageEvent<string> {
  return typeof (event as MessageEvent).data === 'string'
}

/**
 * Builds a transport factory around an EventSource-like constructor: one instance per attempt, lifecycle
 * events turned into `onOpen`/`onError`, server events routed by type. Nothing fires after `close()`.
 *
 * @param kind - the transport's name in the state
 * @param open - creates the EventSource for one request
 * @param classify - turns its error events into a {@link SsekitError}, returned or reported later
 * @param beforeReconnect - called when the EventSource is about to reconnect by itself, with the id of the last
 *   event it delivered (the request's id when none came), so that it can resume from there
 * @internal
 */
export function eventSourceFactory(
  kind: TransportKind,
  open: (request: TransportRequest) => EventSourceLike,
  classify: Classify,
  beforeReconnect?: (source: EventSourceLike, lastEventId: string) => void,
): TransportFactory {
  const factory = (request: TransportRequest, handlers: TransportHandlers) => {
    const source = open(request)
    // No prototype: an event may be named `constructor` or `__proto__` like any other.
    const listening: Record<string, boolean> = Object.create(null)
    let closed = false
    // The same for every event of one connection, so read until there is one: the first event of native EventSource
    // (an accessor); every event of the polyfill, which has none (a plain property that is not there).
    let origin: string | undefined
    let lastId = request.lastEventId

    source.addEventListener('open', (event) => {
      if (!closed && !isServerEvent(event)) handlers.onOpen()
    })
    source.addEventListener('error', (event) => {
      if (closed || isServerEvent(event)) return
      // [spec] On a network error the user agent reestablishes the connection (readyState CONNECTING); on a bad
      // status or content type it fails the connection (readyState CLOSED).
      const reconnecting = source.readyState !== CLOSED
      // Kept up to date here rather than on every event: this runs before the EventSource's reconnection timer.
      if (reconnecting && beforeReconnect) beforeReconnect(source, lastId)
      const report = (error: SsekitError) => {
        if (!closed) handlers.onError(error, reconnecting)
      }
      // A classification may take a moment (native asks the server what it refused): it reports when it knows.
      const error = classify(event, request, source, report)
      if (error) report(error)
    })

    return {
      listen(channel: Channel) {
        const type = channel.type
        if (listening[type]) return
        listening[type] = true
        const onMessage = handlers.onMessage
        source.addEventListener(type, (event) => {
          // The hot path: each attribute of the event is read once (they are accessors on native EventSource).
          const data = (event as MessageEvent).data
          if (closed || typeof data !== 'string') return
          const lastEventId = (event as MessageEvent<string>).lastEventId
          lastId = lastEventId
          if (origin === undefined) origin = (event as MessageEvent).origin
          onMessage(channel, data, lastEventId, origin)
        })
      },
      close() {
        closed = true
        source.close()
      },
    }
  }
  factory.kind = kind
  return factory
}
