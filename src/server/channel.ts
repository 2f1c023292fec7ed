/**
 * A broadcast channel: every published event goes to every open stream and into a replay buffer, so a client
 * that reconnects with `Last-Event-ID` gets what it missed.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { LOST_EVENT, PING_EVENT } from '../protocol'
import { createCors, type CorsOptions } from './cors'
import { encode, encodeComment } from './encode'
import { MAX_URL_BYTES, readLastEventId, reject } from './request'
import { createRing } from './ring'
import { claimSocket, refuseOnClaimedSocket } from './socket'

/**
 * What `onClientError` is told.
 *
 * @example
 * ```ts
 * createChannel({onClientError: (info: ClientErrorInfo) => console.warn(info.reason, info.error.message)})
 * ```
 * @public
 */
export interface ClientErrorInfo {
  /** `slow`: the client did not read fast enough and was disconnected; `socket`: its connection failed. */
  reason: 'slow' | 'socket'
  /** What happened, with the request's URL in the message. */
  error: Error
  /** The client's request. */
  req: IncomingMessage
}

/**
 * Options for `createChannel()`.
 *
 * @example
 * ```ts
 * const options: ChannelOptions = {bufferSize: 500, retryMs: 2000, cors: {origin: ['https://app.example']}}
 * const news = createChannel(options)
 * ```
 * @public
 */
export interface ChannelOptions {
  /** How many recent events to keep for replay. @defaultValue 1000 */
  bufferSize?: number
  /** The reconnection delay hint (`retry:`) sent first on every stream, in milliseconds. @defaultValue 3000 */
  retryMs?: number
  /**
   * How often a heartbeat goes to every stream so proxies keep idle connections open and clients can tell a live
   * stream from a dead one; 0 turns it off. The heartbeat is a `: ping` comment plus an `ssekit-ping` event with
   * empty data, because native EventSource never shows comments to the page (ssekit's stall watchdog counts it).
   * One timer serves all clients, and it does not keep the process alive. @defaultValue 15000
   */
  heartbeatMs?: number
  /**
   * A client whose unsent output passes this many bytes is too slow: it gets nothing more and its connection is
   * closed, so one stalled reader cannot make the server's memory grow. @defaultValue 1048576
   */
  maxBufferedBytes?: number
  /** Which other origins may read the stream. Left out, no CORS headers are sent (same origin only). */
  cors?: CorsOptions
  /** The query parameter read when there is no `Last-Event-ID` header. @defaultValue 'lastEventId' */
  lastEventIdParam?: string
  /** Called when a client is dropped for being slow or its connection fails. */
  onClientError?: (info: ClientErrorInfo) => void
}

/**
 * A broadcast channel; see `createChannel()`.
 *
 * @example
 * ```ts
 * const news: Channel = createChannel()
 * http.createServer((req, res) => news.handle(req, res)).listen(3000)
 * const id = news.publish('headline', {title: 'Hello'})
 * console.log(id, news.clients)
 * ```
 * @public
 */
export interface Channel {
  /**
   * Sends an event to every open stream and keeps it for replay.
   * @param event - The event type (no CR or LF).
   * @param data - The payload: a string is sent as is, anything else as JSON.
   * @returns The event's id.
   */
  publish(event: string, data: unknown): string
  /**
   * Turns a request into an event stream (or answers 400/405/414, or a CORS preflight). A request that arrives on a
   * socket which already carries a stream destroys that connection.
   */
  handle(req: IncomingMessage, res: ServerResponse): void
  /** Ends every open stream. The channel stays usable: it keeps its buffer and serves new requests. */
  close(): void
  /** How many streams are open. */
  readonly clients: number
  /** The id of the latest published event, or `undefined` before the first. */
  readonly lastId: string | undefined
  /** How many clients were disconnected for being too slow. */
  readonly droppedClients: number
}

interface Client {
  req: IncomingMessage
  res: ServerResponse
}

/** Checks that an option is a non-negative integer and returns it. */
function count(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`createChannel: ${name} must be a non-negative integer, got ${String(value)}`)
  }
  return value
}

/**
 * Creates a broadcast channel.
 *
 * Ids are integers written as strings, `max(Date.now(), previous + 1)`: they increase within a process and,
 * because they start from the clock, also across restarts.
 *
 * A stream starts with `retry:` and a `: ok` comment, so headers and first bytes go out at once. Then, if the
 * request carries a last event id (the `Last-Event-ID` header, else the `lastEventIdParam` query parameter),
 * the missed events are replayed. When the replay cannot be complete, an `ssekit-lost` event (no id) comes
 * first, with JSON data `{lastEventId, reason: 'expired' | 'unknown', oldestId}`. Then live events follow.
 *
 * A stream owns its socket: it is sent with `Connection: close`, and any request pipelined behind it destroys the
 * connection.
 *
 * @param options - See {@link ChannelOptions}.
 * @returns The channel.
 * @throws RangeError for a negative or fractional size or duration; TypeError for a bad `cors` option.
 *
 * @example
 * ```ts
 * const prices = createChannel({heartbeatMs: 10_000})
 * http.createServer((req, res) => prices.handle(req, res)).listen(3000)
 * prices.publish('price', {symbol: 'ACME', value: 42})
 * ```
 * @public
 */
export function createChannel(options: ChannelOptions = {}): Channel {
  const ring = createRing(count('bufferSize', options.bufferSize ?? 1000))
  const retryMs = count('retryMs', options.retryMs ?? 3000)
  const heartbeatMs = count('heartbeatMs', options.heartbeatMs ?? 15_000)
  const maxBufferedBytes = count('maxBufferedBytes', options.maxBufferedBytes ?? 1024 * 1024)
  const lastEventIdParam = options.lastEventIdParam ?? 'lastEventId'
  const cors = createCors(options.cors)
  const { onClientError } = options
  const clients = new Set<Client>()
  let lastNumber = 0
  let lastId: string | undefined
  let droppedClients = 0
  let heartbeat: ReturnType<typeof setInterval> | undefined

  function remove(client: Client): void {
    if (!clients.delete(client)) return
    if (clients.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat)
      heartbeat = undefined
    }
  }

  function fail(client: Client, reason: ClientErrorInfo['reason'], error: Error): void {
    remove(client)
    if (reason === 'slow') droppedClients += 1
    client.res.destroy()
    onClientError?.({ reason, error, req: client.req })
  }

  function send(client: Client, frame: string): void {
    const { res } = client
    if (res.destroyed || res.writableEnded) return
    res.write(frame)
    // writableLength counts what the response holds plus what its socket has not sent yet.
    if (res.writableLength > maxBufferedBytes) {
      const message = `Client too slow: ${res.writableLength} bytes unsent, over maxBufferedBytes ${maxBufferedBytes} (GET ${client.req.url ?? ''})`
      fail(client, 'slow', new Error(message))
    }
  }

  function startHeartbeat(): void {
    // [spec] "Legacy proxy servers are known to, in certain cases, drop HTTP connections after a short timeout.
    // To protect against such proxy servers, authors can include a comment line (one starting with a ':'
    // character) every 15 seconds or so."
    if (heartbeatMs === 0 || heartbeat !== undefined) return
    // Without an `id` field, so the ping changes no client's last event id.
    const frame = encodeComment('ping').slice(0, -1) + encode({ event: PING_EVENT, data: '' })
    heartbeat = setInterval(() => {
      for (const client of [...clients]) send(client, frame)
    }, heartbeatMs)
    heartbeat.unref()
  }

  /** The replay for a resuming client, with the `ssekit-lost` notice first when it is not complete. */
  function replay(requested: string): string {
    const { events, status } = ring.since(requested)
    let out = ''
    if (status !== 'ok') {
      // No `id:` on the notice: the client's last event id must stay the one it sent until real events arrive.
      const notice = { lastEventId: requested, reason: status, oldestId: ring.oldestId ?? null }
      out += encode({ event: LOST_EVENT, data: notice })
    }
    for (const entry of events) out += entry.frame
    return out
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (refuseOnClaimedSocket(req)) return
    if (Buffer.byteLength(req.url ?? '') > MAX_URL_BYTES) {
      reject(res, 414, `URL longer than ${MAX_URL_BYTES} bytes`)
      return
    }
    if (req.method === 'OPTIONS') {
      cors.preflight(req, res)
      return
    }
    cors.apply(req, res)
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET, OPTIONS')
      reject(res, 405, `Method ${req.method ?? ''} not allowed; use GET`)
      return
    }
    const resume = readLastEventId(req, lastEventIdParam)
    if (resume.error !== undefined) {
      reject(res, 400, resume.error)
      return
    }
    // The stream owns its socket from here on (see socket.ts): `Connection: close` tells the client not to send
    // anything else on it, and node closes it once the stream ends instead of serving what was pipelined behind.
    claimSocket(req)
    // [spec] "HTTP 200 OK responses with a `Content-Type` header specifying the type `text/event-stream`,
    // ignoring any MIME type parameters, must be processed line by line as described below."
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'close',
      'X-Accel-Buffering': 'no',
    })
    req.socket.setNoDelay(true)
    const client: Client = { req, res }
    const cleanup = (): void => remove(client)
    req.once('close', cleanup)
    res.once('close', cleanup)
    res.on('error', (error: Error) => fail(client, 'socket', error))
    clients.add(client)
    startHeartbeat()
    // [spec] "If the field name is "retry": If the field value consists of only ASCII digits, then interpret the
    // field value as an integer in base ten, and set the event stream's reconnection time to that integer."
    let first = encode({ retry: retryMs }) + encodeComment('ok')
    if (resume.id !== undefined) first += replay(resume.id)
    send(client, first)
  }

  function publish(event: string, data: unknown): string {
    const id = String(Math.max(Date.now(), lastNumber + 1))
    const frame = encode({ event, id, data })
    lastNumber = Number(id)
    lastId = id
    ring.push({ id, frame })
    for (const client of [...clients]) send(client, frame)
    return id
  }

  function close(): void {
    for (const client of [...clients]) {
      remove(client)
      client.res.end()
    }
  }

  return {
    publish,
    handle,
    close,
    get clients() {
      return clients.size
    },
    get lastId() {
      return lastId
    },
    get droppedClients() {
      return droppedClients
    },
  }
}
