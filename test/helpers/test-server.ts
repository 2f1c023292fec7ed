/**
 * The real demo server for browser tests: a fast clock on 127.0.0.1, one extra route per failure scenario, the
 * static test pages of test/browser/pages, a log of every request, and a log of every published `date` id.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { createServer, type RouteHandler, type ServerOptions, type SseServer } from '../../src/server/index'

/** One request as the server saw it. */
export interface RequestRecord {
  method: string
  path: string
  query: Record<string, string>
  /** The `Last-Event-ID` request header, if any. */
  lastEventId?: string
  /** `Date.now()` when the request arrived. */
  time: number
}

export interface TestServer {
  /** The base URL, e.g. `http://127.0.0.1:41234`; it stays the same across restarts. */
  url: string
  server: SseServer
  /** Every request so far, oldest first. */
  requests: RequestRecord[]
  /** Every id published on the `date` channel, oldest first (also while stopped). */
  publishedDateIds: string[]
  /** The requests to one path. */
  requestsTo(pathname: string): RequestRecord[]
  /** Stops listening and ends every stream; the clocks and replay buffers keep running. */
  stop(): Promise<void>
  /** Listens again on the same port. */
  start(): Promise<void>
  /** `stop()` then `start()`. */
  restart(): Promise<void>
  /** Stops everything, clocks included. */
  dispose(): Promise<void>
}

const ROOT = path.resolve(__dirname, '../..')
const PAGES = path.join(ROOT, 'test/browser/pages')
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }

function plain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(body)
}

function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
  res.socket?.setNoDelay(true)
}

/** Reads the resume id like the real channel: the header first, then the `lastEventId` query parameter. */
function resumeId(req: IncomingMessage): number {
  const header = req.headers['last-event-id']
  const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('lastEventId')
  const id = Number(typeof header === 'string' && header !== '' ? header : (query ?? 0))
  return Number.isSafeInteger(id) && id > 0 ? id : 0
}

/** The routes of the failure scenarios and of the test pages. */
function scenarioRoutes(): Record<string, RouteHandler> {
  const routes: Record<string, RouteHandler> = {
    // Chromium asks for it on every page; a 404 would show up as a console error.
    '/favicon.ico': (_req, res) => {
      res.writeHead(204)
      res.end()
    },
    '/scenario/status/500': (_req, res) => plain(res, 500, 'boom'),
    '/scenario/status/401': (_req, res) => plain(res, 401, 'who are you?'),
    '/scenario/no-content': (_req, res) => {
      res.writeHead(204)
      res.end()
    },
    '/scenario/wrong-type': (_req, res) => plain(res, 200, 'data: not a stream\n\n'),
    // Server events named `error` and `open` are ordinary events, then one unnamed message; the stream stays open.
    '/scenario/error-event': (_req, res) => {
      openStream(res)
      res.write('event: error\ndata: {"reason":"server error event"}\n\n')
      res.write('event: open\ndata: {"reason":"server open event"}\n\n')
      res.write('data: {"after":true}\n\n')
    },
    // `count` events (default 3) numbered on from the resume id, each with its number as id; then the stream ends.
    '/scenario/counter': (req, res) => {
      const count = Number(new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('count') ?? 3)
      const from = resumeId(req)
      openStream(res)
      let frames = 'retry: 100\n\n'
      for (let n = from + 1; n <= from + count; n++) frames += `event: count\nid: ${n}\ndata: ${n}\n\n`
      res.end(frames)
    },
  }
  for (const file of readdirSync(PAGES)) {
    const type = TYPES[path.extname(file)]
    if (!type) continue
    routes[`/pages/${file}`] = (_req, res) => {
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' })
      res.end(readFileSync(path.join(PAGES, file)))
    }
  }
  return routes
}

/**
 * Starts the server on a free port of 127.0.0.1.
 * @param options - overrides of the fast defaults (clock every 50 ms, heartbeat every 200 ms); `routes` are added to
 *   the scenario and page routes (and win over them)
 * @param needsBuild - false for tests in Node that serve no page and no bundle, so they run without `dist/`
 */
export async function startTestServer(options: ServerOptions = {}, { needsBuild = true } = {}): Promise<TestServer> {
  for (const file of needsBuild ? ['dist/index.js', 'dist/ssekit.legacy.min.js'] : []) {
    if (!existsSync(path.join(ROOT, file)))
      throw new Error(`${file} is missing: run \`npm run build\` before the browser tests`)
  }
  const { routes, ...rest } = options
  const server = createServer({
    intervalMs: 50,
    heartbeatMs: 200,
    retryMs: 100,
    root: ROOT,
    ...rest,
    routes: { ...scenarioRoutes(), ...routes },
  })
  const requests: RequestRecord[] = []
  const publishedDateIds: string[] = []
  server.server.on('request', (req: IncomingMessage) => {
    const [pathname, search = ''] = (req.url ?? '/').split('?')
    const header = req.headers['last-event-id']
    requests.push({
      method: req.method ?? 'GET',
      path: pathname,
      query: Object.fromEntries(new URLSearchParams(search)),
      lastEventId: typeof header === 'string' ? header : undefined,
      time: Date.now(),
    })
  })
  const { date } = server.channels
  const publish = date.publish
  date.publish = (event, data) => {
    const id = publish(event, data)
    publishedDateIds.push(id)
    return id
  }
  const url = await server.listen(0, '127.0.0.1')
  const port = (server.server.address() as AddressInfo).port
  const stop = () => server.close()
  const start = async () => {
    await server.listen(port, '127.0.0.1')
  }
  return {
    url,
    server,
    requests,
    publishedDateIds,
    requestsTo: (pathname) => requests.filter((request) => request.path === pathname),
    stop,
    start,
    restart: async () => {
      await stop()
      await start()
    },
    dispose: () => server.dispose(),
  }
}
