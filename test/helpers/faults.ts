/**
 * Fault routes for the test server: `startTestServer({ routes: faults.routes })`. One route per fault, each
 * steered by its query string, each bounded: timers stop when the response closes, loops stop at a count.
 *
 * - `/fault/numbered`: event k of one fixed sequence (`id: k`, `data: {"n":k}`) from the resume id on, dropping
 *   the TCP connection in the middle of an event every `dropEvery` events; `replay` makes it misbehave and resend
 *   that many already delivered events first.
 * - `/fault/status`: a storm: `code` for the first `count` requests of a `key` (with `Retry-After` if given), then
 *   a stream.
 * - `/fault/raw`: any bytes (`rawPath(body)`), at once or one byte at a time (`dripMs`), with any content type,
 *   ending the response or not.
 * - `/fault/silent`: headers and `retry:`, then nothing. `/fault/heartbeat`: one event, then only heartbeats.
 * - `/fault/huge-line`: a `data:` line of `length` characters (10,000,000 by default) with no line break.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RouteHandler } from '../../src/server/index'

/** What the fault routes did, for the counts a test prints. */
export interface FaultStats {
  /** Connections that /fault/numbered dropped in the middle of an event. */
  drops: number
  /** Complete events that /fault/numbered wrote, replays included. */
  frames: number
}

/** Options of one raw body. */
export interface RawOptions {
  /** End the response after the body (the default keeps it open). */
  end?: boolean
  /** Write one byte every `dripMs` milliseconds. */
  dripMs?: number
  /** The `Content-Type` (default `text/event-stream`). */
  type?: string
  /** Any tag, so that a test can tell its requests apart in the server's log. */
  key?: string
}

/** A seeded source of numbers in [0, 1) (mulberry32), for jitter that is the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Event `n` of the numbered sequence: always the same bytes, so a replay is exact. */
export const numberedEvent = (n: number): string => `id: ${n}\ndata: {"n":${n}}\n\n`

/** The path of /fault/raw for a body; a string is sent as UTF-8, bytes as they are. */
export function rawPath(body: string | Uint8Array, options: RawOptions = {}): string {
  const params = new URLSearchParams({ body: Buffer.from(body).toString('base64url') })
  if (options.end) params.set('end', '1')
  if (options.dripMs !== undefined) params.set('dripMs', String(options.dripMs))
  if (options.type !== undefined) params.set('type', options.type)
  if (options.key !== undefined) params.set('key', options.key)
  return '/fault/raw?' + params.toString()
}

const queryOf = (req: IncomingMessage) => new URLSearchParams((req.url ?? '').split('?')[1] ?? '')

function numberParam(query: URLSearchParams, name: string, fallback: number): number {
  const value = query.get(name)
  return value === null ? fallback : Number(value)
}

/** The id to resume after: the `Last-Event-ID` header, else the `lastEventId` query parameter; 0 for none. */
function resumeId(req: IncomingMessage): number {
  const header = req.headers['last-event-id']
  const id = Number(typeof header === 'string' && header !== '' ? header : (queryOf(req).get('lastEventId') ?? 0))
  return Number.isSafeInteger(id) && id > 0 ? id : 0
}

function openStream(res: ServerResponse, type = 'text/event-stream'): void {
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' })
  res.socket?.setNoDelay(true)
  res.flushHeaders()
}

/** Calls `tick` every `ms` until it returns false, `maxTicks` have run, or the response closes. */
function every(res: ServerResponse, ms: number, tick: () => boolean, maxTicks = 100_000): void {
  let ticks = 0
  const timer = setInterval(() => {
    if (!tick() || ++ticks >= maxTicks) clearInterval(timer)
  }, ms)
  res.once('close', () => clearInterval(timer))
}

function numbered(stats: FaultStats): RouteHandler {
  return (req, res) => {
    const query = queryOf(req)
    const total = numberParam(query, 'total', 100)
    const dropEvery = numberParam(query, 'dropEvery', 0)
    const perTick = numberParam(query, 'perTick', 1)
    let next = Math.max(1, resumeId(req) + 1 - numberParam(query, 'replay', 0))
    let sent = 0
    openStream(res)
    every(res, numberParam(query, 'intervalMs', 1), () => {
      for (let i = 0; i < perTick && next <= total; i++) {
        if (dropEvery > 0 && sent === dropEvery) {
          // The event's fields without the blank line that would dispatch it, then the TCP connection goes.
          stats.drops++
          res.write(numberedEvent(next).slice(0, -1), () => res.socket?.destroy())
          return false
        }
        res.write(numberedEvent(next++))
        sent++
        stats.frames++
      }
      return next <= total
    })
  }
}

function storm(): RouteHandler {
  const counts = new Map<string, number>()
  return (req, res) => {
    const query = queryOf(req)
    const key = query.get('key') ?? ''
    const count = (counts.get(key) ?? 0) + 1
    counts.set(key, count)
    if (count <= numberParam(query, 'count', Infinity)) {
      const code = numberParam(query, 'code', 500)
      const headers: Record<string, string> = { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }
      const retryAfter = query.get('retryAfter')
      if (retryAfter !== null) headers['Retry-After'] = retryAfter
      res.writeHead(code, headers)
      res.end(code === 204 ? undefined : `status ${code}`)
      return
    }
    openStream(res)
    res.write(`id: ${count}\ndata: ok\n\n`)
  }
}

function raw(req: IncomingMessage, res: ServerResponse): void {
  const query = queryOf(req)
  const body = Buffer.from(query.get('body') ?? '', 'base64url')
  const end = query.get('end') === '1'
  openStream(res, query.get('type') ?? undefined)
  const dripMs = query.get('dripMs')
  if (dripMs === null) {
    res.write(body)
    if (end) res.end()
    return
  }
  let at = 0
  every(
    res,
    Number(dripMs),
    () => {
      res.write(body.subarray(at, ++at))
      if (at < body.length) return true
      if (end) res.end()
      return false
    },
    body.length,
  )
}

function hugeLine(): RouteHandler {
  return (req, res) => {
    let left = numberParam(queryOf(req), 'length', 10_000_000)
    const chunk = 'x'.repeat(64 * 1024)
    openStream(res)
    res.write('data: ')
    // Written as fast as the client reads (`drain`), and no further once it has gone.
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        const size = Math.min(left, chunk.length)
        left -= size
        if (!res.write(size === chunk.length ? chunk : chunk.slice(0, size))) {
          res.once('drain', pump)
          return
        }
      }
    }
    pump()
  }
}

/** Creates the fault routes and the counters they keep. */
export function createFaults(): { routes: Record<string, RouteHandler>; stats: FaultStats } {
  const stats: FaultStats = { drops: 0, frames: 0 }
  const routes: Record<string, RouteHandler> = {
    '/fault/numbered': numbered(stats),
    '/fault/status': storm(),
    '/fault/raw': raw,
    '/fault/silent': (_req, res) => {
      openStream(res)
      res.write('retry: 50\n\n')
    },
    '/fault/heartbeat': (req, res) => {
      const query = queryOf(req)
      const frame = query.get('kind') === 'event' ? 'event: ssekit-ping\ndata:\n\n' : ': ping\n\n'
      openStream(res)
      res.write('data: hello\n\n')
      every(res, numberParam(query, 'everyMs', 100), () => (res.write(frame), true), 1000)
    },
    '/fault/huge-line': hugeLine(),
  }
  return { routes, stats }
}
