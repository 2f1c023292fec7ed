/**
 * Serves the demo's files (the dashboard page and the built bundles) from one root folder, and nothing outside it.
 *
 * @packageDocumentation
 */
import { createReadStream, promises as fs } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { pipeline } from 'node:stream'

/** The file types served, by extension. Any other file is answered with 404. @internal */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
}

/** Answers with a short plain-text status. */
function plain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(`${message}\n`)
}

/** Whether `file` is `dir` itself or inside it. Both must be absolute and normalized. */
function isInside(dir: string, file: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)
}

/**
 * Decodes a URL path and refuses anything that could step out of the root: a `..` segment (also when written
 * `%2e%2e` or with `%2f`/`%5c` separators), a NUL byte, or bad percent-encoding.
 *
 * @param urlPath - The path as it came in the request, still percent-encoded, without the query.
 * @returns The decoded path, or `undefined` when it must be refused.
 * @internal
 */
export function safeDecodePath(urlPath: string): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  if (decoded.includes('\0')) return undefined
  if (decoded.split(/[\\/]/).some((segment) => segment === '..')) return undefined
  return decoded
}

/**
 * Serves the file at `urlPath` under `root` with `Cache-Control: no-cache`.
 *
 * Answers 400 for a path that tries to leave the root, 404 for a missing file, a folder, a file type not in the
 * list (`.html .js .mjs .css .map .json .png .svg .ico`) or a symbolic link that points outside the root, and
 * 405 for methods other than GET and HEAD. The file is streamed, never read whole.
 *
 * @param req - The request.
 * @param res - The response.
 * @param root - The folder to serve from.
 * @param urlPath - The path to look up under `root`, still percent-encoded, e.g. `/examples/dashboard/app.js`.
 *
 * @example
 * ```ts
 * http.createServer((req, res) => serveStatic(req, res, '/srv/site', (req.url ?? '/').split('?')[0]))
 * ```
 * @internal
 */
export function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, urlPath: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD')
    plain(res, 405, `Method ${req.method ?? ''} not allowed`)
    return
  }
  const decoded = safeDecodePath(urlPath)
  if (decoded === undefined) {
    plain(res, 400, 'Bad path')
    return
  }
  const type = CONTENT_TYPES[path.extname(decoded).toLowerCase()]
  const base = path.resolve(root)
  const file = path.resolve(base, `.${path.sep}${decoded}`)
  if (type === undefined || !isInside(base, file)) {
    plain(res, 404, 'Not found')
    return
  }
  void send(req, res, base, file, type)
}

/** Checks the file's real location and kind, then streams it. */
async function send(
  req: IncomingMessage,
  res: ServerResponse,
  base: string,
  file: string,
  type: string,
): Promise<void> {
  let real: string
  let size: number
  try {
    real = await fs.realpath(file)
    const stats = await fs.stat(real)
    if (!stats.isFile() || !isInside(await fs.realpath(base), real)) throw new Error('not a file inside the root')
    size = stats.size
  } catch {
    if (!res.headersSent) plain(res, 404, 'Not found')
    return
  }
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': String(size),
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  pipeline(createReadStream(real), res, (error) => {
    if (error) res.destroy()
  })
}
