/**
 * The demo server: two clock channels, the dashboard page and the built bundles, on plain `node:http`.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createChannel, type Channel } from './channel'
import type { CorsOptions } from './cors'
import { createClientLimiter, type ClientLimiter } from './limits'
import { MAX_URL_BYTES } from './request'
import { refuseOnClaimedSocket } from './socket'
import { serveStatic } from './static'

/**
 * A handler for one exact path.
 *
 * @example
 * ```ts
 * const version: RouteHandler = (req, res) => res.end(JSON.stringify({version: '0.1.0'}))
 * createServer({routes: {'/version': version}})
 * ```
 * @public
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void

/**
 * Options for `createServer()`. The stream options apply to both clock channels.
 *
 * @example
 * ```ts
 * const options: ServerOptions = {port: 0, intervalMs: 250, heartbeatMs: 5000, cors: {origin: 'https://app.example'}}
 * await createServer(options).listen()
 * ```
 * @public
 */
export interface ServerOptions {
  /** The port `listen()` uses when given none; 0 picks a free one. @defaultValue 3000 */
  port?: number
  /** The host `listen()` uses when given none. @defaultValue '127.0.0.1' */
  host?: string
  /** How often the clocks publish, in milliseconds. @defaultValue 1000 */
  intervalMs?: number
  /** See `ChannelOptions.heartbeatMs`. @defaultValue 15000 */
  heartbeatMs?: number
  /** See `ChannelOptions.retryMs`. @defaultValue 3000 */
  retryMs?: number
  /** See `ChannelOptions.bufferSize`. @defaultValue 1000 */
  bufferSize?: number
  /** See `ChannelOptions.maxBufferedBytes`. @defaultValue 1048576 */
  maxBufferedBytes?: number
  /** See `ChannelOptions.maxLagMs`. @defaultValue 30000 */
  maxLagMs?: number
  /** See `ChannelOptions.maxStreamAgeMs`. @defaultValue 600000 */
  maxStreamAgeMs?: number
  /** The most streams open at once, both clocks together; see `ClientLimitOptions.maxClients`. @defaultValue 1000 */
  maxClients?: number
  /** The most streams open at once from one address, both clocks together. @defaultValue 50 */
  maxClientsPerAddress?: number
  /** See `ChannelOptions.cors`. */
  cors?: CorsOptions
  /** The folder that holds `examples/` and `dist/`. @defaultValue the ssekit package folder */
  root?: string
  /** Extra handlers for exact paths (query ignored), checked before the built-in routes. */
  routes?: Record<string, RouteHandler>
}

/**
 * The demo server; see `createServer()`.
 *
 * @example
 * ```ts
 * const sse: SseServer = createServer()
 * app.use(sse.handle) // as Express middleware
 * sse.channels.tick.publish('tick', {n: 0, at: new Date().toISOString()})
 * ```
 * @public
 */
export interface SseServer {
  /**
   * Starts listening. Can be called again after `close()`: the channels kept publishing meanwhile, so a
   * client that resumes with its last id gets what it missed.
   * @param port - The port; 0 picks a free one. Defaults to `options.port`, else 3000.
   * @param host - The host. Defaults to `options.host`, else `'127.0.0.1'`.
   * @returns The base URL, like `http://127.0.0.1:3000`.
   */
  listen(port?: number, host?: string): Promise<string>
  /** Stops listening and ends every open connection. The clocks keep running. */
  close(): Promise<void>
  /** Closes and stops the clocks, leaving no timers behind. */
  dispose(): Promise<void>
  /** The request listener; works with `node:http` and as Express middleware (`app.use(sse.handle)`). */
  readonly handle: (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void
  /** The underlying `http.Server`. */
  readonly server: http.Server
  /** The limiter both clocks share; give it to your own channels (`createChannel({limiter})`) to count them too. */
  readonly limiter: ClientLimiter
  /** The clock channels behind `/stream/date` and `/stream/tick`. */
  readonly channels: {
    /** Behind `/stream/date`: an event `date` every `intervalMs`. */
    readonly date: Channel
    /** Behind `/stream/tick`: an event `tick` every `intervalMs`. */
    readonly tick: Channel
  }
  /** The base URL while listening, else `undefined`. */
  readonly url: string | undefined
}

/** Walks up from `start` to the folder whose package.json is named `ssekit`; falls back to the working folder. */
function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'))
      if (typeof pkg === 'object' && pkg !== null && (pkg as { name?: unknown }).name === 'ssekit') return dir
    } catch {
      // No readable package.json here: keep walking up.
    }
    if (path.dirname(dir) === dir) return process.cwd()
  }
}

/** Answers with a short plain-text body. */
function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(`${body}\n`)
}

/**
 * Creates the demo server. The clocks start at once, but never keep the process alive on their own.
 *
 * Routes: `GET /stream/date` (event `date`, data a JSON string such as `"2026-11-24T10:00:00.000Z"`),
 * `GET /stream/tick` (event `tick`, data `{"n": 1, "at": "<ISO date>"}`), `GET /healthz` (`ok`),
 * `/` (examples/dashboard/index.html), `/legacy.html` (examples/dashboard/legacy.html), and files under
 * `/examples/` and `/dist/`. Anything else is 404, or goes to Express's `next()`.
 *
 * @param options - See {@link ServerOptions}.
 * @returns The server, not yet listening.
 * @throws RangeError when `intervalMs` is not a positive integer, or a channel option is invalid.
 *
 * @example
 * ```ts
 * const sse = createServer({intervalMs: 500})
 * console.log(await sse.listen(0)) // http://127.0.0.1:49152
 * await sse.dispose()
 * ```
 * @public
 */
export function createServer(options: ServerOptions = {}): SseServer {
  const intervalMs = options.intervalMs ?? 1000
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) {
    throw new RangeError(`createServer: intervalMs must be a positive integer, got ${String(intervalMs)}`)
  }
  const { heartbeatMs, retryMs, bufferSize, maxBufferedBytes, maxLagMs, maxStreamAgeMs, cors } = options
  // One limiter for both clocks: a client's limit is on what it costs the server, whichever stream it opens.
  const limiter = createClientLimiter({
    maxClients: options.maxClients,
    maxClientsPerAddress: options.maxClientsPerAddress,
  })
  const channelOptions = { heartbeatMs, retryMs, bufferSize, maxBufferedBytes, maxLagMs, maxStreamAgeMs, cors, limiter }
  const channels = { date: createChannel(channelOptions), tick: createChannel(channelOptions) }
  const routes = options.routes ?? {}
  let root: string | undefined = options.root
  let url: string | undefined
  let ticks = 0

  const clock = setInterval(() => {
    const at = new Date().toISOString()
    channels.date.publish('date', JSON.stringify(at))
    ticks += 1
    channels.tick.publish('tick', { n: ticks, at })
  }, intervalMs)
  clock.unref()

  function files(req: IncomingMessage, res: ServerResponse, urlPath: string): void {
    root ??= findPackageRoot(path.dirname(fileURLToPath(import.meta.url)))
    serveStatic(req, res, root, urlPath)
  }

  function handle(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void {
    // Whatever the route: nothing is served behind a stream on the same socket (see socket.ts).
    if (refuseOnClaimedSocket(req)) return
    const target = req.url ?? '/'
    if (Buffer.byteLength(target) > MAX_URL_BYTES) {
      text(res, 414, `URL longer than ${MAX_URL_BYTES} bytes`)
      return
    }
    const query = target.indexOf('?')
    const pathname = query === -1 ? target : target.slice(0, query)
    const route = Object.prototype.hasOwnProperty.call(routes, pathname) ? routes[pathname] : undefined
    if (route !== undefined) return route(req, res)
    if (pathname === '/stream/date') return channels.date.handle(req, res)
    if (pathname === '/stream/tick') return channels.tick.handle(req, res)
    if (pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) return text(res, 200, 'ok')
    if (pathname === '/') return files(req, res, '/examples/dashboard/index.html')
    if (pathname === '/legacy.html') return files(req, res, '/examples/dashboard/legacy.html')
    if (pathname.startsWith('/examples/') || pathname.startsWith('/dist/')) return files(req, res, pathname)
    if (next !== undefined) return next()
    text(res, 404, 'Not found')
  }

  const server = http.createServer((req, res) => handle(req, res))

  function listen(port = options.port ?? 3000, host = options.host ?? '127.0.0.1'): Promise<string> {
    return new Promise((resolve, reject) => {
      if (server.listening) {
        reject(new Error(`listen: already listening at ${url ?? ''}`))
        return
      }
      const onError = (error: Error): void => {
        server.off('listening', onListening)
        reject(error)
      }
      const onListening = (): void => {
        server.off('error', onError)
        const { port: actual } = server.address() as AddressInfo
        url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`
        resolve(url)
      }
      server.once('error', onError)
      server.once('listening', onListening)
      server.listen(port, host)
    })
  }

  function close(): Promise<void> {
    url = undefined
    channels.date.close()
    channels.tick.close()
    if (!server.listening) return Promise.resolve()
    return new Promise((resolve, reject) => {
      // Open streams never end on their own: without this, close() would wait for every client to leave.
      server.closeAllConnections()
      server.close((error) => (error ? reject(error) : resolve()))
    })
  }

  async function dispose(): Promise<void> {
    clearInterval(clock)
    await close()
  }

  return {
    listen,
    close,
    dispose,
    handle,
    server,
    limiter,
    channels,
    get url() {
      return url
    },
  }
}
