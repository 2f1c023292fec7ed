/**
 * One request to the scriptable test server, and what a script does with it: a stream to open and write (events,
 * comments, raw bytes at once or one at a time), cut in the middle of an event, end, or a status to answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { encode, type SseMessage } from '../server/encode'

/**
 * One request as the test server received it.
 *
 * @example
 * ```ts
 * const [first, second]: TestServerRequest[] = await server.waitForRequests(2)
 * expect(second).toMatchObject({ method: 'GET', path: '/prices', lastEventId: '41' })
 * expect(second.headers.authorization).toBe('Bearer t2')
 * ```
 * @public
 */
export interface TestServerRequest {
  /** The method, upper case. */
  method: string
  /** The path and query, as sent. */
  url: string
  /** The path, without the query. */
  path: string
  /** The query parameters (the last of a repeated one). */
  query: Record<string, string>
  /** The headers, by lower-case name; a repeated header's values joined with `, `. */
  headers: Record<string, string>
  /**
   * The id the request resumes from: the `Last-Event-ID` header, else the `lastEventId` query parameter (where
   * ssekit's native transport puts it); `undefined` for neither.
   */
  lastEventId: string | undefined
  /** The request body, as UTF-8 text ('' for none). */
  body: string
  /** `Date.now()` when the request had arrived, body and all. */
  time: number
}

/**
 * Options of {@link TestStream.respond}.
 *
 * @example
 * ```ts
 * const options: RespondOptions = { headers: { 'Retry-After': '2' }, body: 'try later' }
 * stream.respond(503, options)
 * ```
 * @public
 */
export interface RespondOptions {
  /** Response headers. */
  headers?: Record<string, string>
  /** The body, sent as it is. */
  body?: string
}

/**
 * Options of {@link TestStream.drip}.
 *
 * @example
 * ```ts
 * const options: DripOptions = { intervalMs: 5 }
 * await stream.drip('data: héllo\n\n', options)
 * ```
 * @public
 */
export interface DripOptions {
  /** The pause between two bytes, in milliseconds. @defaultValue 1 */
  intervalMs?: number
}

/**
 * One request to the test server, answered by a script: a status (`respond`), or an event stream (`open`, then any
 * writes). A write opens the stream first if need be (200, `text/event-stream`). Writes after the stream is closed
 * (the client went away, or `cut`, `end`) are dropped: check `isClosed`, or wait with `onClose`.
 *
 * @example
 * ```ts
 * server.serve((stream) => {
 *   if (stream.request.headers.authorization !== 'Bearer good') return stream.respond(401)
 *   stream.open()
 *   stream.send({ event: 'price', id: '1', data: { value: 7 } })
 *   stream.cut({ event: 'price', id: '2', data: { value: 8 } }) // never dispatched: the connection goes mid-event
 * })
 * ```
 * @public
 */
export interface TestStream {
  /** The request. */
  readonly request: TestServerRequest
  /** Whether the stream was opened (200, `text/event-stream`) and is not closed. */
  readonly isOpen: boolean
  /** Whether the response is over: ended, cut, or the client went away. */
  readonly isClosed: boolean
  /** Answers 200 with `text/event-stream` (and `headers`), and sends the headers at once. */
  open(headers?: Record<string, string>): void
  /** Answers a status instead of a stream (with `Retry-After`, say, in `headers`), and ends the response. */
  respond(status: number, options?: RespondOptions): void
  /** Writes one event (as `encode` of `ssekit/server` writes it: a string as it is, other data as JSON). */
  send(message: SseMessage): void
  /** Writes a comment: no event, but activity for a client's stall watchdog. */
  comment(text?: string): void
  /** Writes raw bytes or text, as they are: malformed lines, odd line endings, invalid UTF-8. */
  write(chunk: string | Uint8Array): Promise<void>
  /** Writes `chunk` one byte at a time; resolves when the last byte is written, or the stream closed. */
  drip(chunk: string | Uint8Array, options?: DripOptions): Promise<void>
  /**
   * Writes the events the server's history has after the request's `lastEventId`: nothing for a request with no
   * id, or an id the history does not hold.
   */
  replay(): void
  /**
   * Drops the TCP connection after what was written: with `message`, in the middle of that event (its fields
   * without the blank line that would dispatch it), so the client never sees it.
   */
  cut(message?: SseMessage): void
  /** Ends the response normally. */
  end(): void
  /** Calls `listener` once the response is over (at once if it is). */
  onClose(listener: () => void): void
}

/** The CORS headers for a request from a page (jsdom's XHR checks them): its origin, with credentials. @internal */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin
  if (!origin) return {}
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': 'Retry-After',
    Vary: 'Origin',
  }
}

/**
 * Creates the stream of one request.
 * @param history - the events the server sent with `send`, for `replay`
 * @internal
 */
export function createTestStream(
  request: TestServerRequest,
  req: IncomingMessage,
  res: ServerResponse,
  history: () => ReadonlyArray<SseMessage>,
): TestStream {
  let opened = false
  let closed = false
  res.once('close', () => (closed = true))
  const ensureOpen = (): void => {
    if (!opened && !closed) stream.open()
  }
  const writeNow = (chunk: string | Uint8Array): Promise<void> =>
    new Promise((resolve) => {
      ensureOpen()
      if (closed || res.writableEnded) return resolve()
      res.write(chunk, () => resolve())
    })

  const stream: TestStream = {
    request,
    get isOpen() {
      return opened && !closed && !res.writableEnded
    },
    get isClosed() {
      return closed || res.writableEnded
    },
    open(headers = {}) {
      if (res.headersSent) throw new Error('ssekit/testing: open() after the response was answered')
      opened = true
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
        ...corsHeaders(req),
        ...headers,
      })
      res.socket?.setNoDelay(true)
      res.flushHeaders()
    },
    respond(status, { headers = {}, body } = {}) {
      if (res.headersSent) throw new Error('ssekit/testing: respond() after the response was answered')
      const type = body === undefined ? {} : { 'Content-Type': 'text/plain; charset=utf-8' }
      res.writeHead(status, { 'Cache-Control': 'no-store', ...type, ...corsHeaders(req), ...headers })
      res.end(body)
    },
    send: (message) => void writeNow(encode(message)),
    comment: (text = '') => void writeNow(encode({ comment: text })),
    write: writeNow,
    async drip(chunk, { intervalMs = 1 } = {}) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      for (let at = 0; at < bytes.length && !stream.isClosed; at++) {
        await writeNow(bytes.subarray(at, at + 1))
        if (at + 1 < bytes.length) await new Promise((resolve) => setTimeout(resolve, intervalMs))
      }
    },
    replay() {
      const events = history()
      const id = request.lastEventId
      let at = events.length
      while (id !== undefined && at > 0 && events[at - 1].id !== id) at--
      const after = at > 0 ? events.slice(at) : []
      ensureOpen()
      for (const message of after) stream.send(message)
    },
    cut(message) {
      ensureOpen()
      const socket = res.socket
      const partial = message ? encode(message).slice(0, -1) : ''
      if (closed || !socket) return
      res.write(partial, () => socket.destroy())
    },
    end() {
      ensureOpen()
      if (!closed) res.end()
    },
    onClose(listener) {
      if (stream.isClosed) listener()
      else res.once('close', listener)
    },
  }
  return stream
}
