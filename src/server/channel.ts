/**
 * A broadcast channel: every published event goes to every open stream and into a replay buffer, so a client
 * that reconnects with `Last-Event-ID` gets what it missed.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { LOST_EVENT, PING_EVENT } from '../protocol'
import { readChannelOptions, type ChannelOptions, type ClientErrorInfo } from './channel-options'
import { createCors } from './cors'
import { encode, encodeComment } from './encode'
import { MAX_URL_BYTES, readLastEventId, reject } from './request'
import { createRing } from './ring'
import { claimSocket, refuseOnClaimedSocket } from './socket'
import { createStreamClient, dropConnection, type StreamClient } from './stream-client'

export type { ChannelOptions, ClientErrorInfo } from './channel-options'

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
   * Turns a request into an event stream, or answers 400/405/414, a CORS preflight, or 503 with `Retry-After` when
   * the limiter is full. A request that arrives on a socket which already carries a stream destroys that connection.
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
 * @param options - See {@link ChannelOptions}.
 * @returns The channel.
 * A stream owns its socket: it is sent with `Connection: close`, and any request pipelined behind it destroys the
 * connection. Streams over `maxClients` or `maxClientsPerAddress` get `503`. A client is dropped when its unsent
 * output passes `maxBufferedBytes` or has waited `maxLagMs`, and every stream ends after `maxStreamAgeMs`.
 *
 * @throws RangeError for a negative or fractional size, count or duration; TypeError for a bad `cors` option, or
 * for `maxClients`/`maxClientsPerAddress` beside `limiter`.
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
  const settings = readChannelOptions(options)
  const { retryMs, heartbeatMs, limiter, lastEventIdParam } = settings
  const ring = createRing(settings.bufferSize)
  const cors = createCors(options.cors)
  const { onClientError } = options
  /** Each open stream, with the function that gives its limiter slot back. */
  const clients = new Map<StreamClient, () => void>()
  let lastNumber = 0
  let lastId: string | undefined
  let droppedClients = 0
  let heartbeat: ReturnType<typeof setInterval> | undefined

  function remove(client: StreamClient): void {
    const release = clients.get(client)
    if (release === undefined) return
    clients.delete(client)
    release()
    client.stop()
    if (clients.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat)
      heartbeat = undefined
    }
  }

  function fail(client: StreamClient, reason: ClientErrorInfo['reason'], error: Error): void {
    if (!clients.has(client)) return
    remove(client)
    if (reason === 'slow') {
      droppedClients += 1
      dropConnection(client.req)
    } else client.res.destroy()
    onClientError?.({ reason, error, req: client.req })
  }

  const streamEvents = {
    onSlow: (client: StreamClient, error: Error) => fail(client, 'slow', error),
    onAged: (client: StreamClient) => {
      remove(client)
      client.res.end()
    },
  }

  function startHeartbeat(): void {
    // [spec] "Legacy proxy servers are known to, in certain cases, drop HTTP connections after a short timeout.
    // To protect against such proxy servers, authors can include a comment line (one starting with a ':'
    // character) every 15 seconds or so."
    if (heartbeatMs === 0 || heartbeat !== undefined) return
    // Without an `id` field, so the ping changes no client's last event id.
    const frame = encodeComment('ping').slice(0, -1) + encode({ event: PING_EVENT, data: '' })
    heartbeat = setInterval(() => {
      for (const client of [...clients.keys()]) client.send(frame)
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
    const release = limiter.admit(req, res)
    if (release === undefined) return
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
    const client = createStreamClient(req, res, settings, streamEvents)
    const cleanup = (): void => remove(client)
    req.once('close', cleanup)
    res.once('close', cleanup)
    res.on('error', (error: Error) => fail(client, 'socket', error))
    clients.set(client, release)
    startHeartbeat()
    // [spec] "If the field name is "retry": If the field value consists of only ASCII digits, then interpret the
    // field value as an integer in base ten, and set the event stream's reconnection time to that integer."
    let first = encode({ retry: retryMs }) + encodeComment('ok')
    if (resume.id !== undefined) first += replay(resume.id)
    client.send(first)
  }

  function publish(event: string, data: unknown): string {
    const id = String(Math.max(Date.now(), lastNumber + 1))
    const frame = encode({ event, id, data })
    lastNumber = Number(id)
    lastId = id
    ring.push({ id, frame })
    for (const client of [...clients.keys()]) client.send(frame)
    return id
  }

  function close(): void {
    for (const client of [...clients.keys()]) {
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
