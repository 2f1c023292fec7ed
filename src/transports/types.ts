import type { SsekitError } from '../errors'
import type { StateEvent } from '../state'
import type { BodyOption, TransportKind } from '../types'

/** One request a transport makes. @internal */
export interface TransportRequest {
  /** The stream URL as the user gave it. */
  url: string
  withCredentials: boolean
  /** Headers for this attempt (fetch and polyfill). */
  headers: Record<string, string>
  /** The HTTP method, upper case (fetch only; the others send GET). */
  method: string
  /** The `body` option (fetch only): the transport calls a function before each request it sends. */
  body: BodyOption | undefined
  /**
   * True under `retry: 'transport'`: the transport reconnects by itself and promises the WHATWG behaviour, so it
   * sends no request that an EventSource would not.
   */
  spec: boolean
  /** The id to resume from ('' for none). */
  lastEventId: string
  /** The query parameter that carries `lastEventId` where a header cannot. */
  lastEventIdParam: string
  /** The longest line, or data of one event, accepted while streaming, where the transport sees lines. */
  maxEventLength: number
  /** Called whenever bytes arrive, where the transport sees them (comments included). */
  onActivity(): void
}

/**
 * One event type a transport delivers: the client makes one per type and the transport hands it back with each
 * event of that type, so no lookup by type name runs per event. @internal
 */
export interface Channel {
  readonly type: string
}

/** What a transport reports back. @internal */
export interface TransportHandlers {
  /**
   * The response was accepted: status 200 and `text/event-stream`. A sharing transport (src/share/) passes a
   * `share` event instead, each time the state of the connection it shares changes.
   */
  onOpen(shared?: StateEvent): void
  /**
   * A server event of a type that was `listen`ed to: its channel, its data, the connection's last event id
   * buffer as the event carries it, and the stream's origin where the transport knows it. Plain arguments rather
   * than an object, since this runs for every event.
   */
  onMessage(channel: Channel, data: string, lastEventId: string, origin?: string): void
  /**
   * The connection failed. `reconnecting` is true when the EventSource is already reconnecting by itself
   * (the spec's "reestablish the connection"), false when it gave up ("fail the connection").
   */
  onError(error: SsekitError, reconnecting: boolean): void
}

/** A live connection. @internal */
export interface Transport {
  /** Starts delivering events of the channel's type to `onMessage`. */
  listen(channel: Channel): void
  /** Closes the connection; no callback fires after it. */
  close(): void
}

/** Opens a connection. @internal */
export interface TransportFactory {
  (request: TransportRequest, handlers: TransportHandlers): Transport
  readonly kind: TransportKind
}

/**
 * The parts of an EventSource (native or polyfill) that ssekit uses: only what we care about, so that both
 * implementations and test doubles fit.
 *
 * @example
 * ```ts
 * const native: EventSourceLike = new EventSource('/stream')
 * ```
 * @public
 */
export interface EventSourceLike {
  /** 0 connecting, 1 open, 2 closed, as on EventSource. */
  readonly readyState: number
  /** Adds a listener for the connection's events (open, error) and the server's. */
  addEventListener(type: string, listener: (event: Event) => void): void
  /** Closes the connection for good. */
  close(): void
}
