import type { HttpHandler } from 'msw'
import type { LOST_EVENT } from '../protocol'
import type { EventData, EventMap } from '../types'

/**
 * Options of {@link createMswStream}.
 *
 * @example
 * ```ts
 * const options: MswStreamOptions = { decode: 'json' }
 * createMswStream<{ price: { value: number } }>('/api/prices', options)
 * ```
 * @public
 */
export interface MswStreamOptions {
  /**
   * How the client under test decodes data, so that `send` encodes it to match: `'json'` sends every value as
   * JSON, strings too; `'text'` sends a string as it is, and any other value as JSON. @defaultValue 'text'
   */
  decode?: 'text' | 'json'
}

/**
 * One request the stream's handlers saw.
 *
 * @example
 * ```ts
 * const [first, second]: MswStreamRequest[] = await prices.waitForRequests(2)
 * expect(second.lastEventId).toBe('1')
 * ```
 * @public
 */
export interface MswStreamRequest {
  /** The URL, query included. */
  url: string
  /** The headers, by lower-case name. */
  headers: Record<string, string>
  /** The `Last-Event-ID` header, else the `lastEventId` query parameter; `undefined` for neither. */
  lastEventId: string | undefined
}

/**
 * Options of {@link MswStream.fail}.
 *
 * @example
 * ```ts
 * const options: MswFailOptions = { headers: { 'Retry-After': '1' }, times: 2 }
 * prices.fail(503, options)
 * ```
 * @public
 */
export interface MswFailOptions {
  /** Response headers. */
  headers?: Record<string, string>
  /** The response body. */
  body?: string
  /** How many requests get this answer, in a row. @defaultValue 1 */
  times?: number
}

/**
 * Options of {@link MswStream.send}.
 *
 * @example
 * ```ts
 * const options: MswSendOptions = { id: '42' }
 * prices.send('price', { value: 7 }, options)
 * ```
 * @public
 */
export interface MswSendOptions {
  /** The event's id, which a reconnecting client resumes from (an empty one is not sent through `sse()`). */
  id?: string
}

/**
 * An SSE stream served by msw handlers, driven by the test.
 *
 * @example
 * ```ts
 * const prices = createMswStream<{ price: number }>('https://api.example.test/prices', { decode: 'json' })
 * server.use(...prices.handlers)
 * prices.fail(503, { headers: { 'Retry-After': '1' } }) // the next request
 * await prices.waitForRequests(2)
 * prices.send('price', 7, { id: '1' })
 * prices.drop() // every open stream fails: the client retries from id 1
 * ```
 * @public
 */
export interface MswStream<Events extends EventMap> {
  /** The handlers to give msw: the first logs every request and answers the failures, the second streams. */
  readonly handlers: HttpHandler[]
  /** Which handler streams: msw's `sse()`, or `http.get` where there is no global `EventSource`. */
  readonly via: 'sse' | 'http'
  /** Every request so far, oldest first. */
  readonly requests: ReadonlyArray<MswStreamRequest>
  /** How many streams are open. */
  readonly openStreams: number
  /** Sends one event to every open stream, and keeps it for the requests that resume later. */
  send<K extends (keyof Events & string) | typeof LOST_EVENT>(
    type: K,
    data: EventData<Events, K>,
    options?: MswSendOptions,
  ): void
  /** Answers the next request (or `times` of them) with `status` instead of a stream. */
  fail(status: number, options?: MswFailOptions): void
  /** Every open stream fails, as a network error: clients reconnect under their retry policy. */
  drop(): void
  /** Every open stream ends; answer the reconnection with `fail(204)` to tell a client to stop. */
  close(): void
  /**
   * Resolves with the requests once `count` of them were answered: failed, or their stream open (so that `send`
   * reaches it from then on). Rejects after `timeoutMs` (default 5000).
   */
  waitForRequests(count: number, options?: { timeoutMs?: number }): Promise<MswStreamRequest[]>
}
