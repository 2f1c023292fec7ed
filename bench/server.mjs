// The bench HTTP server (node:http on 127.0.0.1, port 0, optionally more ports): serves the bench pages, the
// built `dist/`, event-source-polyfill's UMD file and eventsource-client as one module, produces the streams, and
// collects what pages post back.
import { createReadStream, existsSync, statSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import { rollup } from 'rollup'
import { streamOf } from './workloads.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const POLYFILL_FILE = path.join(root, 'node_modules/event-source-polyfill/src/eventsource.js')
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
}

/** Wall clock in ms with a sub-millisecond fraction, on the same scale as the page's `timeOrigin + now()`. */
export const wallClock = () => performance.timeOrigin + performance.now()

/** Cross-origin isolation, so that the page's `performance.now()` has 5 µs resolution instead of 100 µs. */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-store',
  'Access-Control-Allow-Origin': '*',
  'Cross-Origin-Resource-Policy': 'cross-origin',
}

/**
 * eventsource-client for the pages: its ESM build imports eventsource-parser by its bare name, which a page cannot
 * resolve, so rollup bundles the two into one module, as an app's bundler would; not minified, like the polyfill's
 * file that is served as published.
 */
async function bundleEventSourceClient() {
  const build = await rollup({ input: 'eventsource-client', plugins: [nodeResolve({ browser: true, rootDir: root })] })
  const { output } = await build.generate({ format: 'es' })
  await build.close()
  return output[0].code
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function sendJson(res, value) {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...ISOLATION })
  res.end(JSON.stringify(value))
}

function serveCode(res, code) {
  res.writeHead(200, { 'Content-Type': TYPES['.js'], 'Cache-Control': 'no-store', ...ISOLATION })
  res.end(code)
}

function serveFile(res, file) {
  if (!existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end('not found')
    return
  }
  const type = TYPES[path.extname(file)] || 'application/octet-stream'
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', ...ISOLATION })
  createReadStream(file).pipe(res)
}

/** Opens an event stream; the response ends when the client leaves or after `maxMs` at the latest. */
function openStream(req, res, maxMs = 120_000) {
  res.socket.setNoDelay(true)
  res.writeHead(200, STREAM_HEADERS)
  const limit = setTimeout(() => res.end(), maxMs)
  req.on('close', () => clearTimeout(limit))
}

/**
 * Latency streams come in groups: one stream per contender, all open at once, so that a busy moment of a shared
 * machine hits every contender alike. Once all `members` of a group are connected, a 1 ms timer sends `rate`
 * events per second for `ms` milliseconds to each; when a tick comes late, the events that are due go out back to
 * back. Every write is stamped with the wall clock at that write, and the order of the members rotates with
 * every event, so that no contender is always written first.
 */
function latencyGroup(members, rate, ms) {
  const total = Math.round((rate * ms) / 1000)
  const start = performance.now()
  let sent = 0
  const tick = () => {
    const open = members.filter((member) => !member.closed)
    if (!open.length) return
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1)
    for (; sent < due; sent++) {
      for (let i = 0; i < open.length; i++)
        open[(sent + i) % open.length].res.write(`data: ${wallClock().toFixed(3)}\n\n`)
    }
    if (sent < total) setTimeout(tick, 1)
    else for (const member of open) member.res.write(`event: done\ndata: ${total}\n\n`)
  }
  tick()
}

/** Adds a stream to its latency group; the group starts when full, or is ended if it is not full within 10 s. */
function joinLatencyGroup(groups, req, res, query) {
  const id = query.get('group')
  const size = Number(query.get('members'))
  openStream(req, res)
  res.write(': waiting for the group\n\n')
  let group = groups.get(id)
  if (!group) {
    group = {
      members: [],
      timer: setTimeout(() => (groups.delete(id), group.members.forEach((member) => member.res.end())), 10_000),
    }
    groups.set(id, group)
  }
  const member = { res, closed: false }
  req.on('close', () => (member.closed = true))
  group.members.push(member)
  if (group.members.length === size) {
    clearTimeout(group.timer)
    groups.delete(id)
    latencyGroup(group.members, Number(query.get('rate')), Number(query.get('ms')))
  }
}

/**
 * Starts the server, serving `/dist/` from `distDir`. `extraPorts` more listeners share the same routes (distinct
 * origins for the memory page).
 * `onMark(label)` answers `POST /mark` (the harness reads process memory there), `onCpu()` answers `POST /cpu`
 * (Chromium's CPU time so far, `{ms}`).
 */
export async function startBenchServer({
  distDir = path.join(root, 'dist'),
  extraPorts = 0,
  onMark = async () => ({}),
  onCpu = () => ({}),
  log = () => {},
} = {}) {
  const files = { '/bench/pages/': path.join(root, 'bench/pages'), '/dist/': distDir }
  const eventSourceClient = await bundleEventSourceClient()
  const waiting = new Map()
  const plans = new Map()
  const groups = new Map()

  async function handle(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1')
    const query = url.searchParams
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Headers': '*',
        'Access-Control-Max-Age': '600',
      })
      return res.end()
    }
    if (url.pathname === '/stream/throughput') {
      const body = streamOf(query.get('scenario'))
      if (!body) return res.writeHead(404).end('unknown scenario')
      openStream(req, res)
      return res.write(body)
    }
    if (url.pathname === '/stream/latency') return joinLatencyGroup(groups, req, res, query)
    if (url.pathname === '/stream/first' || url.pathname === '/stream/idle') {
      openStream(req, res)
      return res.write(`data: ${wallClock().toFixed(3)}\n\n`)
    }
    if (url.pathname === '/clock') return sendJson(res, { now: wallClock() })
    if (url.pathname === '/plan') {
      const plan = plans.get(query.get('session'))
      return plan ? sendJson(res, plan) : res.writeHead(404).end('unknown session')
    }
    if (req.method === 'POST' && url.pathname === '/log') return (log(await readBody(req)), sendJson(res, {}))
    if (req.method === 'POST' && url.pathname === '/mark')
      return sendJson(res, await onMark(JSON.parse(await readBody(req)).label))
    if (req.method === 'POST' && url.pathname === '/cpu') return sendJson(res, onCpu())
    if (req.method === 'POST' && url.pathname === '/result') {
      const result = JSON.parse(await readBody(req))
      sendJson(res, {})
      const pending = waiting.get(result.session)
      if (pending) pending(result)
      return
    }
    if (url.pathname === '/polyfill.js') return serveFile(res, POLYFILL_FILE)
    if (url.pathname === '/eventsource-client.js') return serveCode(res, eventSourceClient)
    for (const [prefix, dir] of Object.entries(files)) {
      const file = path.join(dir, url.pathname.slice(prefix.length))
      if (url.pathname.startsWith(prefix) && file.startsWith(dir)) return serveFile(res, file)
    }
    res.writeHead(404).end('not found')
  }

  const servers = []
  for (let i = 0; i <= extraPorts; i++) {
    const server = http.createServer({ noDelay: true, keepAliveTimeout: 1000 }, (req, res) => {
      handle(req, res).catch((error) => {
        log(`server error: ${error.stack || error}`)
        if (!res.headersSent) res.writeHead(500)
        res.end()
      })
    })
    await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
    servers.push(server)
  }
  const ports = servers.map((server) => server.address().port)

  return {
    url: `http://127.0.0.1:${ports[0]}`,
    /** The extra ports (not the main one). */
    ports: ports.slice(1),
    /**
     * Holds the plan of `session` for its page (`GET /plan?session=…`) until the page posts its result, with which
     * the returned promise resolves. The plan is served rather than put in the page's URL: a long plan (many rounds)
     * would pass the 16 KB that Node allows for a request's head.
     */
    result(session, plan) {
      plans.set(session, plan)
      return new Promise((resolve) => waiting.set(session, resolve)).finally(() => {
        waiting.delete(session)
        plans.delete(session)
      })
    },
    async close() {
      await Promise.all(
        servers.map((server) => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve)))),
      )
    },
  }
}
