// The companion server (`ssekit/server`) under many clients: a child process runs it with a 1 s clock; this
// process opens `clients` concurrent loopback streams to /stream/date, holds them for `holdMs`, and measures the
// server's memory per client and the delivery delay of each `date` event (receive time − the ISO date in its data,
// so whole milliseconds). Everything is bounded in time and closed at the end.
import { spawn } from 'node:child_process'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { latencySummary } from './stats.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const BATCH = 100 // connections opened at once: well under the server's listen backlog (511)

function getJson(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 10_000 }, (res) => {
      let body = ''
      res
        .setEncoding('utf8')
        .on('data', (chunk) => (body += chunk))
        .on('end', () => resolve(JSON.parse(body)))
    })
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`))).on('error', reject)
  })
}

/** Starts the child and resolves with its URL; rejects if it says nothing within 10 s. */
function startChild(distDir, intervalMs) {
  const child = spawn(
    process.execPath,
    ['--expose-gc', path.join(here, 'companion-child.mjs'), distDir, String(intervalMs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('companion server did not start within 10 s')), 10_000)
    child.stdout.setEncoding('utf8').once('data', (line) => {
      clearTimeout(timer)
      resolve(JSON.parse(line).url)
    })
    exited.then((code) => reject(new Error(`companion server exited (${code})`)))
  })
  return { child, exited, ready }
}

/**
 * Opens one stream over a bare TCP socket (a plain GET, no HTTP client on this side: the fewer microseconds each of
 * the clients sharing this process spends per chunk, the less this process adds to the delays it measures) and
 * logs each chunk with its receive time; parsing waits until the end (see `delays`).
 * Resolves with the socket and its log once the status line is in.
 */
function openClient(base, state) {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const log = []
    const socket = net.connect({ host: hostname, port: Number(port), noDelay: true })
    const timer = setTimeout(() => socket.destroy(new Error('no response within 10 s')), 10_000)
    socket.setEncoding('latin1') // the stream is ASCII; latin1 decodes without a stateful UTF-8 decoder
    socket.once('connect', () =>
      socket.write(`GET /stream/date HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`),
    )
    socket.on('data', (chunk) => {
      log.push(Date.now(), chunk)
      if (log.length !== 2) return
      clearTimeout(timer)
      if (!chunk.startsWith('HTTP/1.1 200')) return reject(new Error(`unexpected response: ${chunk.split('\r\n')[0]}`))
      resolve({ socket, log })
    })
    socket.on('error', (error) => (clearTimeout(timer), state.errors++, reject(error)))
    socket.on('close', () => state.closed++)
  })
}

/**
 * Delivery delays (ms) of the `date` events in a client's log that arrived at or after `since`. The response is
 * chunked; each event is one write, hence one chunk, so chunk framing only ever sits between events.
 */
function delays(log, since) {
  const found = []
  let buffer = ''
  for (let i = 0; i < log.length; i += 2) {
    buffer += log[i + 1]
    let end
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n')
      buffer = buffer.slice(end + 2)
      const data = lines.find((line) => line.startsWith('data: '))
      if (log[i] >= since && data && lines.includes('event: date'))
        found.push(log[i] - Date.parse(JSON.parse(data.slice(6))))
    }
  }
  return found
}

export async function benchCompanion(log, distDir, { clients, holdMs, intervalMs = 1000 }) {
  const { child, exited, ready } = startChild(distDir, intervalMs)
  const requests = []
  const state = { errors: 0, closed: 0 }
  try {
    const base = await ready
    const idle = await getJson(`${base}/bench/memory`)
    const started = performance.now()
    // Batches, so that the listen backlog never overflows; each batch waits for its response headers.
    for (let at = 0; at < clients; at += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, clients - at) }, () => openClient(base, state))
      requests.push(...(await Promise.all(batch)))
    }
    const connectMs = performance.now() - started
    const since = Date.now() // only events delivered while all clients are connected count
    log(`companion: ${clients} clients connected in ${Math.round(connectMs)} ms, holding ${holdMs} ms`)
    await getJson(`${base}/bench/memory`) // resets the server's event-loop delay histogram
    const clientLoop = monitorEventLoopDelay({ resolution: 1 })
    clientLoop.enable()
    await new Promise((resolve) => setTimeout(resolve, holdMs))
    clientLoop.disable()
    const held = await getJson(`${base}/bench/memory`)
    const delivered = requests.flatMap((client) => delays(client.log, since))
    const perClient = (field) => (held[field] - idle[field]) / clients
    return {
      clients,
      holdMs,
      intervalMs,
      connectMs,
      serverSawClients: held.clients,
      events: delivered.length,
      expectedEvents: Math.floor(holdMs / intervalMs) * clients,
      closedEarly: state.closed,
      errors: state.errors,
      delivery: latencySummary(delivered),
      publishMs: latencySummary(held.publishMs),
      // Event-loop delay while holding, ms: how late each process could run its callbacks at all.
      loopDelay: {
        server: held.loop,
        clients: {
          p50: clientLoop.percentile(50) / 1e6,
          p99: clientLoop.percentile(99) / 1e6,
          max: clientLoop.max / 1e6,
        },
      },
      memory: {
        idle,
        held,
        perClient: {
          rss: perClient('rss'),
          uss: perClient('uss'),
          pss: perClient('pss'),
          heapUsed: perClient('heapUsed'),
          external: perClient('external'),
        },
      },
    }
  } finally {
    for (const client of requests) client.socket.destroy()
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
}
