import { DEV } from '../dev'
import { SsekitError, requestError } from '../errors'
import { createParser, feed, type ParserHandlers, reset } from './parse'
import type { Channel, Transport, TransportFactory, TransportHandlers, TransportRequest } from './types'

/**
 * [spec] "Each EventSource object has the following associated with it: A reconnection time, in milliseconds. This
 * must initially be an implementation-defined value, probably in the region of a few seconds." Chromium's: 3 s.
 */
const RECONNECTION_TIME_MS = 3000

/** [spec] The `Content-Type` of an event stream: the MIME type `text/event-stream`, parameters allowed. */
const EVENT_STREAM = /^text\/event-stream(;|$)/i

/** What the parser of one connection reports to. */
interface Events extends ParserHandlers {
  /** The channels listened to, by event type. */
  listening: Record<string, Channel>
  /** The client's handlers of this connection. */
  handlers: TransportHandlers
}

/**
 * Every event of the stream passes here, called as a method of {@link Events}: a function of the module rather
 * than a closure of each connection, so that its compiled code serves every connection (parse.ts says why).
 */
function onEvent(this: Events, type: string, data: string, lastEventId: string): void {
  const channel = this.listening[type]
  // The origin is left to the client, which takes the request URL's (a redirect to another origin is not seen).
  if (channel) this.handlers.onMessage(channel, data, lastEventId, undefined)
}

/**
 * One connection over `fetch`, behaving as the WHATWG spec describes an EventSource: it reconnects by itself
 * after the stream's reconnection time when the stream ends or the network fails, and fails the connection for
 * good on a status other than 200 or a content type other than `text/event-stream`. Under the client's own
 * retry policy the client closes it at its first error, so only the policy reconnects.
 *
 * Unlike an EventSource it sends the request's method, body and headers, `Last-Event-ID` among them; it reads
 * the status and headers of every response, so its errors carry `status`, `url` and `Retry-After`; every chunk
 * (comments included) counts as activity for the client's stall watchdog; `close()` aborts the request.
 */
function open(request: TransportRequest, handlers: TransportHandlers): Transport {
  const { url, method, maxEventLength, onActivity } = request
  let closed = false
  let delayMs = RECONNECTION_TIME_MS
  let controller: AbortController | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const events: Events = {
    // No prototype: an event may be named `constructor` or `__proto__` like any other.
    listening: Object.create(null),
    handlers,
    onEvent,
    onRetry: (ms) => (delayMs = ms),
    onTooLarge() {
      throw requestError(
        'too-large',
        DEV ? 'A line or event longer than ' + maxEventLength + ' characters' : '',
        url,
        undefined,
        method,
      )
    },
  }
  const parser = createParser(maxEventLength, request.lastEventId, events)

  /** Ends the current request; a failure that is not the spec's "fail the connection" reconnects. */
  function end(error: SsekitError, reconnecting: boolean): void {
    if (controller) controller.abort()
    controller = undefined
    handlers.onError(error, reconnecting)
    // [spec] "Wait a delay equal to the reconnection time of the event source", then fetch again, the last event ID
    // buffer starting from the last event ID string. (The first request starts from an empty buffer, as a new
    // EventSource does: an event with no id of its own is then not mistaken for a replay of the id resumed from.)
    if (reconnecting && !closed) {
      reset(parser)
      timer = setTimeout(connect, delayMs)
    }
  }

  function connect(): void {
    const current = new AbortController()
    controller = current
    const lastEventId = parser.last
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...request.headers }
    // [spec] "If the event source's last event ID string is not the empty string, set (`Last-Event-ID`, last
    // event ID string, encoded as UTF-8) in request's header list."
    if (lastEventId) headers['Last-Event-ID'] = lastEventId
    const live = () => controller === current
    let body: string | undefined
    try {
      // Called before every request, the transport's own reconnections included, like the headers of the client's.
      body = typeof request.body === 'function' ? request.body() : request.body
    } catch (cause) {
      return end(requestError('bad-option', DEV ? 'The body function threw' : '', url, cause, method), false)
    }
    const lost = (cause: unknown) =>
      live() &&
      (cause instanceof SsekitError
        ? end(cause, false)
        : end(requestError('network', DEV ? 'Connection lost' : '', url, cause, method), true))
    fetch(url, {
      method,
      body,
      headers,
      // [spec] The request's credentials mode is "include" when withCredentials is true, else "same-origin" (the
      // default of fetch).
      credentials: request.withCredentials ? 'include' : undefined,
      // [spec] "Set request's cache mode to "no-store"."
      cache: 'no-store',
      signal: current.signal,
    }).then((response) => {
      if (!live()) return
      // [spec] A status other than 200, or a content type other than text/event-stream: "fail the connection".
      // What was refused is told by a chunk of its own, loaded only then (as the native transport's second look
      // is); should it not load, the connection is lost rather than refused, and retried.
      if (response.status !== 200 || !EVENT_STREAM.test(response.headers.get('Content-Type') || '')) {
        return void import('./response-error').then((module) => {
          const { status, statusText, headers } = response
          if (live()) end(module.responseError(url, status, statusText, headers, method) as SsekitError, false)
        }, lost)
      }
      // A response without a body (null) throws here: a lost connection, like a body that ends at once.
      const reader = (response.body as ReadableStream<Uint8Array>).getReader()
      // [spec] "Streams must be decoded using the UTF-8 decode algorithm": a leading BOM is stripped, and bytes
      // that are not UTF-8 become U+FFFD.
      const decoder = new TextDecoder()
      handlers.onOpen()
      // Each read starts the next without returning it, so no chain of promises grows with the stream.
      const read = (): void => {
        reader.read().then((result) => {
          if (!live()) return
          // [spec] The stream ended: "reestablish the connection".
          if (result.done) return lost(undefined)
          onActivity()
          try {
            feed(parser, decoder.decode(result.value, { stream: true }))
          } catch (error) {
            return lost(error)
          }
          if (live()) read()
        }, lost)
      }
      read()
    }, lost)
  }

  connect()
  return {
    listen(channel) {
      events.listening[channel.type] = channel
    },
    close() {
      closed = true
      clearTimeout(timer)
      if (controller) controller.abort()
      controller = undefined
    },
  }
}

/**
 * The fetch transport: needs `fetch` with a streaming body (`ReadableStream`), `TextDecoder` and
 * `AbortController`, which browsers of the last years, Node 18+, Deno, Bun and workers all have.
 * @internal
 */
export const fetchTransport: TransportFactory = Object.assign(open, { kind: 'fetch' as const })
