import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { SseMessage } from '../server/encode'
import { corsHeaders, createTestStream, type TestServerRequest, type TestStream } from './test-stream'

/**
 * How the test server answers one request. It may answer later (a status after a delay, events on a timer) or
 * never: a script that opens the stream and writes nothing stalls it; one that does nothing leaves the request
 * waiting for its headers.
 *
 * @example
 * ```ts
 * let count = 0
 * const firstTwoFail: TestScript = (stream) => {
 *   if (++count <= 2) return stream.respond(503, { headers: { 'Retry-After': '1' } })
 *   stream.open()
 *   stream.replay()
 * }
 * server.serve(firstTwoFail)
 * ```
 * @public
 */
export type TestScript = (stream: TestStream) => void | Promise<void>

/**
 * Options of {@link TestServer.waitForRequests}.
 *
 * @example
 * ```ts
 * const options: WaitForRequestsOptions = { timeoutMs: 2000 }
 * await server.waitForRequests(1, options)
 * ```
 * @public
 */
export interface WaitForRequestsOptions {
  /** How long to wait before failing, in milliseconds. @defaultValue 5000 */
  timeoutMs?: number
}

/**
 * An SSE server for integration tests, on 127.0.0.1 and a free port: every request is logged and answered by the
 * current script (by default: open the stream, replay the history after the request's `Last-Event-ID`, and stay
 * open for `send`). CORS preflights are answered by the server itself, and are not in `requests`.
 *
 * @example
 * ```ts
 * const server = await createTestServer()
 * const client = createClient(server.url + '/prices')
 * client.connect()
 * await server.waitForRequests(1)
 * server.send({ event: 'price', id: '1', data: '7' })
 * await server.restart() // every stream ends; the same port again
 * const [, again] = await server.waitForRequests(2)
 * await server.close()
 * ```
 * @public
 */
export interface TestServer {
  /** The base URL, as `http://127.0.0.1:41234`: the same across `stop()` and `start()`. */
  readonly url: string
  /** Every request so far, oldest first. */
  readonly requests: ReadonlyArray<TestServerRequest>
  /** Every event `send` sent, oldest first: what `replay` resumes from. */
  readonly history: ReadonlyArray<SseMessage>
  /** The requests being answered now: streams not closed yet, and requests their script has not answered. */
  readonly streams: ReadonlyArray<TestStream>
  /** Answers every later request with `script`; with none, with the default (open, replay, stay open). */
  serve(script?: TestScript): void
  /** Writes one event to every open stream, and keeps it in the history for the requests that resume later. */
  send(message: SseMessage): void
  /** Writes a comment to every open stream. */
  comment(text?: string): void
  /** Cuts every open stream, in the middle of `message` if given (see {@link TestStream.cut}). */
  cut(message?: SseMessage): void
  /**
   * Resolves with the requests once there are `count` of them, each script started (a stream the default script
   * opened gets what `send` sends from then on); rejects after `timeoutMs` with the requests there are.
   */
  waitForRequests(count: number, options?: WaitForRequestsOptions): Promise<TestServerRequest[]>
  /** Stops listening and closes every connection (the history stays); `start()` listens again. */
  stop(): Promise<void>
  /** Listens again, on the same port. */
  start(): Promise<void>
  /** `stop()`, then `start()`. */
  restart(): Promise<void>
  /** Stops for good: every connection and timer of the server is closed. */
  close(): Promise<void>
}

/** The default script: the stream, the events the client missed, then whatever `send` sends. */
const replayThenLive: TestScript = (stream) => {
  stream.open()
  stream.replay()
}

function recordOf(req: IncomingMessage, body: string): TestServerRequest {
  const url = req.url || '/'
  const query = url.indexOf('?') >= 0 ? url.slice(url.indexOf('?') + 1) : ''
  const headers: Record<string, string> = {}
  for (const name in req.headers) {
    const value = req.headers[name]
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  const params = Object.fromEntries(new URLSearchParams(query))
  const lastEventId = headers['last-event-id'] ?? params.lastEventId
  return {
    method: req.method || 'GET',
    url,
    path: url.split('?')[0],
    query: params,
    headers,
    lastEventId,
    body,
    time: Date.now(),
  }
}

/**
 * Starts a test server on 127.0.0.1, on a free port.
 *
 * @param script - how requests are answered (see {@link TestServer.serve})
 * @returns the server, listening
 * @example
 * ```ts
 * let server: TestServer
 * beforeAll(async () => (server = await createTestServer()))
 * afterAll(() => server.close())
 * test('a 401 closes the client', async () => {
 *   server.serve((stream) => stream.respond(401))
 *   const client = createClient(server.url + '/feed')
 *   const recorder = createRecorder(client)
 *   client.connect()
 *   await recorder.waitFor(() => client.state.status === 'closed')
 *   expect(client.state.error).toMatchObject({ code: 'http-status', status: 401 })
 * })
 * ```
 * @public
 */
export async function createTestServer(script?: TestScript): Promise<TestServer> {
  let current = script || replayThenLive
  const requests: TestServerRequest[] = []
  const history: SseMessage[] = []
  const streams: TestStream[] = []
  const sockets = new Set<Socket>()
  const waiters: Array<(error?: Error) => void> = []
  let port = 0
  let closed = false

  const http: Server = createServer((req, res) => {
    // A CORS preflight: allowed, whatever is asked; the actual request follows.
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.writeHead(204, {
        ...corsHeaders(req),
        'Access-Control-Allow-Methods': req.headers['access-control-request-method'],
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || '',
        'Access-Control-Max-Age': '600',
      })
      return res.end()
    }
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const request = recordOf(req, Buffer.concat(chunks).toString('utf8'))
      requests.push(request)
      const stream = createTestStream(request, req, res, () => history)
      streams.push(stream)
      stream.onClose(() => streams.splice(streams.indexOf(stream), 1))
      const failed = (error: unknown): void => {
        console.error('ssekit/testing: the test server script threw for ' + request.method + ' ' + request.url, error)
        if (!res.headersSent) stream.respond(500, { body: String(error) })
        else res.destroy()
      }
      // The script runs at once, so that what it does before its first `await` (open the stream, say) is done when
      // `waitForRequests` resolves: a `send` right after it reaches the new stream.
      try {
        const result = current(stream)
        if (result) result.then(undefined, failed)
      } catch (error) {
        failed(error)
      }
      waiters.slice().forEach((waiter) => waiter())
    })
  })
  http.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error('ssekit/testing: the test server is closed'))
      http.once('error', reject)
      http.listen(port, '127.0.0.1', () => {
        http.off('error', reject)
        port = (http.address() as AddressInfo).port
        resolve()
      })
    })
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (!http.listening) return resolve()
      http.close(() => resolve())
      sockets.forEach((socket) => socket.destroy())
    })
  const open = () => streams.filter((stream) => stream.isOpen)

  await listen()
  return {
    url: 'http://127.0.0.1:' + port,
    requests,
    history,
    streams,
    serve(script) {
      current = script || replayThenLive
    },
    send(message) {
      history.push(message)
      open().forEach((stream) => stream.send(message))
    },
    comment: (text) => open().forEach((stream) => stream.comment(text)),
    cut: (message) => open().forEach((stream) => stream.cut(message)),
    waitForRequests(count, { timeoutMs = 5000 } = {}) {
      return new Promise((resolve, reject) => {
        const waiter = (error?: Error): void => {
          if (!error && requests.length < count) return
          clearTimeout(timer)
          waiters.splice(waiters.indexOf(waiter), 1)
          if (error) reject(error)
          else resolve(requests.slice())
        }
        const timer = setTimeout(() => {
          const seen = requests.map((request) => '\n  ' + request.method + ' ' + request.url).join('')
          waiter(
            new Error(
              `ssekit/testing: ${count} request(s) awaited for ${timeoutMs} ms, ${requests.length} came` + seen,
            ),
          )
        }, timeoutMs)
        waiters.push(waiter)
        waiter()
      })
    },
    stop,
    start: listen,
    async restart() {
      await stop()
      await listen()
    },
    async close() {
      closed = true
      waiters.slice().forEach((waiter) => waiter(new Error('ssekit/testing: the test server closed')))
      await stop()
    },
  }
}
