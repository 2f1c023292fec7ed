/**
 * `ssekit/testing/msw`: an SSE stream for apps that already mock their network with msw (2.15 or later, an
 * optional peer dependency that nothing else in ssekit imports). The stream's handlers go into `setupServer` or
 * `setupWorker`; the test then sends typed events to every open stream, fails the next requests with a status,
 * drops or closes the streams, and reads the requests. A request that resumes (`Last-Event-ID`) gets the events
 * sent since that id first.
 *
 * The stream handler is msw's `sse()` where there is a global `EventSource` (browsers, Node 22), and a plain
 * `http.get` handler that streams `text/event-stream` where there is none (jsdom, Node 20), since `sse()` throws
 * when it is built there. In jsdom, use the `jest-fixed-jsdom` environment: msw needs its `fetch`, and so ssekit
 * uses the fetch transport (msw holds back a streamed response that goes through its XMLHttpRequest interceptor
 * until the stream ends).
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node'
 * import { createMswStream } from 'ssekit/testing/msw'
 *
 * const prices = createMswStream<{ price: { value: number } }>('https://api.example.test/prices', { decode: 'json' })
 * const server = setupServer(...prices.handlers)
 * server.listen()
 * // connect a client to https://api.example.test/prices, then:
 * await prices.waitForRequests(1)
 * prices.send('price', { value: 7 }, { id: '1' })
 * ```
 * @module ssekit/testing/msw
 */
import { http, HttpResponse, sse, type ServerSentEventMessage } from 'msw'
import { encode } from '../server/encode'
import type { EventMap } from '../types'
import type { MswStream, MswStreamOptions, MswStreamRequest } from './msw-types'

export type { MswFailOptions, MswSendOptions, MswStream, MswStreamOptions, MswStreamRequest } from './msw-types'

/** One open stream, whichever handler serves it. */
interface Connection {
  send(type: string, data: string, id: string | undefined): void
  error(): void
  close(): void
}

/**
 * Creates an SSE stream for msw at `url` (a URL, a path or a pattern, as msw's handlers take).
 *
 * @param url - what the handlers match
 * @param options - how `send` encodes data
 * @returns the stream, with its handlers
 * @example
 * ```ts
 * const feed = createMswStream('https://api.example.test/feed')
 * const server = setupServer(...feed.handlers)
 * server.listen()
 * const client = createClient('https://api.example.test/feed')
 * client.connect()
 * await feed.waitForRequests(1)
 * feed.send('message', 'hello', { id: '1' })
 * ```
 * @public
 */
export function createMswStream<Events extends EventMap = Record<string, string>>(
  url: string | RegExp,
  options: MswStreamOptions = {},
): MswStream<Events> {
  const requests: MswStreamRequest[] = []
  const failures: Array<{ status: number; left: number; headers?: Record<string, string>; body?: string }> = []
  const history: Array<{ type: string; data: string; id: string | undefined }> = []
  const open: Connection[] = []
  const waiters: Array<() => void> = []
  // Requests answered so far: failed, or their stream open and replayed to, so that `send` reaches it.
  let answered = 0
  const answer = (): void => {
    answered++
    waiters.slice().forEach((waiter) => waiter())
  }
  const encoder = new TextEncoder()

  /** Registers a new stream, ends it with its request, and sends it what it missed. */
  function connect(request: Request, connection: Connection): void {
    open.push(connection)
    request.signal.addEventListener('abort', () => forget(connection))
    const id = resumeId(request)
    let at = history.length
    while (id !== undefined && at > 0 && history[at - 1].id !== id) at--
    for (const event of at > 0 ? history.slice(at) : []) connection.send(event.type, event.data, event.id)
    answer()
  }
  const forget = (connection: Connection): void => {
    const at = open.indexOf(connection)
    if (at >= 0) open.splice(at, 1)
  }

  const gate = http.get(url, ({ request }) => {
    const headers: Record<string, string> = {}
    request.headers.forEach((value, name) => (headers[name] = value))
    requests.push({ url: request.url, headers, lastEventId: resumeId(request) })
    const failure = failures[0]
    // No failure to answer: the request goes on to the stream handler.
    if (!failure) return undefined
    if (--failure.left <= 0) failures.shift()
    answer()
    return new HttpResponse(failure.body ?? null, { status: failure.status, headers: failure.headers })
  })
  const hasEventSource = typeof EventSource !== 'undefined'
  const stream = hasEventSource
    ? sse(url, ({ client, request }) => {
        connect(request, {
          // msw types `event` by the handler's own event map; here any type goes on the wire.
          send: (type, data, id) =>
            client.send({ id, event: type === 'message' ? undefined : type, data } as ServerSentEventMessage),
          error: () => client.error(),
          close: () => client.close(),
        })
      })
    : http.get(url, ({ request }) => {
        const { body, controller } = pushStream(() => forget(connection))
        const connection: Connection = {
          send(type, data, id) {
            const frame = encode({ event: type === 'message' ? undefined : type, id, data })
            try {
              controller.enqueue(encoder.encode(frame))
            } catch {
              // The client cancelled the body in between.
              forget(connection)
            }
          },
          error: () => controller.error(new TypeError('Network error')),
          close: () => controller.close(),
        }
        connect(request, connection)
        return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' } })
      })
  const each = (act: (connection: Connection) => void) => open.splice(0).forEach(act)

  return {
    handlers: [gate, stream],
    via: hasEventSource ? 'sse' : 'http',
    requests,
    get openStreams() {
      return open.length
    },
    send(type, data, { id } = {}) {
      const wire = options.decode === 'json' || type === 'ssekit-lost' || typeof data !== 'string'
      const event = { type, data: wire ? JSON.stringify(data) : (data as string), id }
      history.push(event)
      open.forEach((connection) => connection.send(event.type, event.data, event.id))
    },
    fail(status, { headers, body, times = 1 } = {}) {
      failures.push({ status, left: times, headers, body })
    },
    drop: () => each((connection) => connection.error()),
    close: () => each((connection) => connection.close()),
    waitForRequests(count, { timeoutMs = 5000 } = {}) {
      return new Promise((resolve, reject) => {
        const waiter = (): void => {
          if (answered < count) return
          clearTimeout(timer)
          waiters.splice(waiters.indexOf(waiter), 1)
          resolve(requests.slice())
        }
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1)
          reject(new Error(`ssekit/testing: ${count} request(s) awaited for ${timeoutMs} ms, ${answered} answered`))
        }, timeoutMs)
        waiters.push(waiter)
        waiter()
      })
    },
  }
}

/** A readable body and the controller that feeds it (`start` runs in the constructor, so it is there at once). */
function pushStream(onCancel: () => void) {
  let pushed: ReadableStreamDefaultController<Uint8Array> | undefined
  const body = new ReadableStream<Uint8Array>({ start: (controller) => void (pushed = controller), cancel: onCancel })
  return { body, controller: pushed as ReadableStreamDefaultController<Uint8Array> }
}

/** The id a request resumes from: the `Last-Event-ID` header, else the `lastEventId` query parameter. */
function resumeId(request: Request): string | undefined {
  const header = request.headers.get('last-event-id')
  return header !== null ? header : (new URL(request.url).searchParams.get('lastEventId') ?? undefined)
}
