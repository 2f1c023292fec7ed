/**
 * A hostile server in one route: `/hostile?spec=…` answers exactly what a {@link HostileSpec} says (any status,
 * any headers, any bytes, repeated as fast as the client reads), so that a new misbehaving-server case is one line:
 *
 * ```ts
 * page.goto(...); startClient(page, hostilePath({ status: 503, headers: { 'Retry-After': '3000000' } }), ...)
 * ```
 *
 * Every response is bounded: a repeated chunk stops after `times` writes or when the client goes away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RouteHandler } from '../../src/server/index'

/** What the hostile route answers. */
export interface HostileSpec {
  /** The status code. @defaultValue 200 */
  status?: number
  /** Response headers; `Content-Type` defaults to `text/event-stream` (set it to '' to send none). */
  headers?: Record<string, string>
  /** Written first, as UTF-8. */
  body?: string
  /** Then `chunk` written `times` times, as fast as the client reads (waits for `drain`). */
  repeat?: { chunk: string; times: number }
  /** Then `count` events `id: <n, padded with dots to idLength>` / `data: <n>`, n from 1, as fast as the client reads. */
  numbered?: { count: number; idLength: number }
  /** End the response after what it wrote (the default keeps it open). */
  end?: boolean
  /** Any tag, so that a test can tell its requests apart. */
  key?: string
}

/** The path of the hostile route for one spec. */
export function hostilePath(spec: HostileSpec): string {
  return '/hostile?spec=' + Buffer.from(JSON.stringify(spec)).toString('base64url')
}

/** Reads the spec back from a request. */
function specOf(req: IncomingMessage): HostileSpec {
  const value = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('spec') ?? ''
  return JSON.parse(Buffer.from(value, 'base64url').toString('utf8') || '{}') as HostileSpec
}

function hostile(req: IncomingMessage, res: ServerResponse): void {
  const spec = specOf(req)
  const headers: Record<string, string> = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' }
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    if (value === '') delete headers[name]
    else headers[name] = value
  }
  res.writeHead(spec.status ?? 200, headers)
  res.socket?.setNoDelay(true)
  if (spec.body) res.write(spec.body)
  const finish = (): void => {
    if (spec.end) res.end()
  }
  const { repeat, numbered } = spec
  if (!repeat && !numbered) return finish()
  const total = repeat ? repeat.times : (numbered?.count ?? 0)
  const chunk = (n: number): string =>
    repeat ? repeat.chunk : `id: ${String(n).padEnd(numbered?.idLength ?? 0, '.')}\ndata: ${n}\n\n`
  let left = total
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      left--
      if (!res.write(chunk(total - left))) {
        res.once('drain', pump)
        return
      }
    }
    if (left === 0) finish()
  }
  pump()
}

/** The route, to add to a test server: `startTestServer({ routes: hostileRoutes })`. */
export const hostileRoutes: Record<string, RouteHandler> = { '/hostile': hostile }
