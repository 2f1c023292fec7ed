import type { LOST_EVENT } from '../protocol'
import type { Client, EventData, EventMap, TransportKind } from '../types'

/**
 * One request a test client made, as its transport would have sent it.
 *
 * @example
 * ```ts
 * const { client, server } = createTestClient('https://example.test/feed', { headers: () => ({ Authorization: 'Bearer t1' }) })
 * client.connect()
 * const request: TestRequest = server.requests[0]
 * expect(request).toMatchObject({ method: 'GET', headers: { Authorization: 'Bearer t1' }, lastEventId: '', attempt: 0 })
 * ```
 * @public
 */
export interface TestRequest {
  /** The stream URL, as the client resolved it. */
  url: string
  /** The HTTP method. */
  method: string
  /** The request headers of this attempt: the `headers` option, a function of it called for this attempt. */
  headers: Record<string, string>
  /** The request body of this attempt (the `body` option, a function of it called for this attempt), if any. */
  body: string | undefined
  /** The id the request resumes from: what the fetch transport sends as `Last-Event-ID` ('' for none). */
  lastEventId: string
  /** Failed attempts before this one since the last open: 0 for the first request, 1 for the first retry. */
  attempt: number
  /** The transport the client reports in `state.transport`. */
  transport: TransportKind
  /** The `withCredentials` option. */
  withCredentials: boolean
}

/**
 * Options of {@link FakeServer.emit}: the event's id.
 *
 * @example
 * ```ts
 * const options: EmitOptions = { id: '42' }
 * server.emit('price', { symbol: 'ACME', value: 7 }, options)
 * ```
 * @public
 */
export interface EmitOptions {
  /**
   * The `id` field: it sets the stream's last event id, which the client resumes from (`''` resets it). Left out,
   * the event carries the last id of the stream, as the spec says.
   */
  id?: string
}

/**
 * Options of {@link FakeServer.fail}: the response's headers and status text.
 *
 * @example
 * ```ts
 * const options: FailOptions = { headers: { 'Retry-After': '5' }, statusText: 'Service Unavailable' }
 * server.fail(503, options)
 * ```
 * @public
 */
export interface FailOptions {
  /** Response headers: `Retry-After` (seconds or an HTTP date) and `Content-Type` are read, as a server's are. */
  headers?: Record<string, string>
  /** The status text, which the error message quotes. */
  statusText?: string
}

/**
 * The server side of a test client: it answers the client's requests, sends events and ends the stream, by hand
 * and at once. Each call acts on the client's current connection and throws, saying why, when there is none
 * that it could act on (`open()` before `connect()`, `emit()` before `open()`).
 *
 * @example
 * ```ts
 * const { client, server } = createTestClient<{ price: number }>('https://example.test/prices', { decode: 'json' })
 * client.connect()
 * server.open()
 * server.emit('price', 7, { id: '1' })
 * server.fail(503) // throws: the stream is open; drop() or close() end it
 * ```
 * @public
 */
export interface FakeServer<Events extends EventMap> {
  /** Every request the client made, oldest first. */
  readonly requests: ReadonlyArray<TestRequest>
  /** Whether a request waits for its answer (`open`, `fail` or `close`). */
  readonly isWaiting: boolean
  /** Whether a stream is open (`emit`, `comment`, `drop` and `close` act on it). */
  readonly isOpen: boolean
  /** Answers the waiting request with 200 and `text/event-stream`: the client is `open`. */
  open(): void
  /**
   * Sends one event of the client's event map. Its data goes over the wire as the client decodes it: as JSON when
   * the client has `decode: 'json'` (and for `ssekit-lost`, always), else a string as it is. For a decoder
   * function, or to send data that does not decode, give the wire text to {@link FakeServer.emitRaw}.
   */
  emit<K extends (keyof Events & string) | typeof LOST_EVENT>(
    type: K,
    data: EventData<Events, K>,
    options?: EmitOptions,
  ): void
  /**
   * Sends one event of any type with its data as it goes over the wire (line breaks reach the client as LF, as
   * after parsing). `'message'` is an event with no `event:` field.
   */
  emitRaw(type: string, data: string, options?: EmitOptions): void
  /** Sends a comment: no event, but the client's stall watchdog (`heartbeatTimeoutMs`) hears it. */
  comment(): void
  /**
   * Answers the waiting request with a status other than 200 (or 200 with a content type other than
   * `text/event-stream`): the client's retry policy decides what follows, as for a real response (`Retry-After`
   * read from `headers`; 204 means stop).
   */
  fail(status: number, options?: FailOptions): void
  /**
   * Breaks the connection (a network error), waiting or open: the client schedules its next attempt under its
   * retry policy, with the global `setTimeout` as it is when called, so fake timers run it.
   */
  drop(): void
  /**
   * Tells the client to stop, as a server does, with 204 No Content: to the waiting request at once; else to the
   * next request, after ending an open stream (the client reconnects, and is answered 204).
   */
  close(): void
}

/**
 * What {@link createTestClient} returns: a real client and the server side that drives it.
 *
 * @example
 * ```ts
 * const { client, server }: TestClient<{ date: string }> = createTestClient<{ date: string }>('/stream/date')
 * render(<Clock client={client} />)
 * ```
 * @public
 */
export interface TestClient<Events extends EventMap> {
  /** The client: the real one, with all its rules, over a transport the test answers. */
  client: Client<Events>
  /** Answers the client's requests and sends its events. */
  server: FakeServer<Events>
}
