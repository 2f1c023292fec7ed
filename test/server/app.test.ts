/** @jest-environment node */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer, type SseServer } from '../../src/server'

interface Event {
  event?: string
  id?: string
  data?: string
  comments: string[]
}

interface Stream {
  res: http.IncomingMessage
  frames(): Event[]
  events(): Event[]
  waitFor(check: (stream: Stream) => boolean, timeoutMs?: number): Promise<void>
  close(): void
}

/** Reads a stream this server writes (LF line ends, one field per line). */
function openStream(url: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let raw = ''
      const waiters = new Set<() => void>()
      res.setEncoding('utf8')
      res.on('error', () => undefined)
      res.on('data', (chunk: string) => {
        raw += chunk
        for (const waiter of [...waiters]) waiter()
      })
      const frames = (): Event[] =>
        raw
          .split('\n\n')
          .slice(0, -1)
          .map((block) => {
            const frame: Event = { comments: [] }
            for (const line of block.split('\n')) {
              const colon = line.indexOf(':')
              const [field, value] = [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')]
              if (field === '') frame.comments.push(value)
              else if (field === 'event' || field === 'id' || field === 'data') frame[field] = value
            }
            return frame
          })
      const stream: Stream = {
        res,
        frames,
        events: () => frames().filter((frame) => frame.data !== undefined),
        waitFor: (check, timeoutMs = 3000) =>
          new Promise((done, fail) => {
            const timer = setTimeout(() => {
              waiters.delete(test)
              fail(new Error(`timed out after ${timeoutMs} ms; stream so far: ${JSON.stringify(raw)}`))
            }, timeoutMs)
            const test = (): void => {
              if (!check(stream)) return
              clearTimeout(timer)
              waiters.delete(test)
              done()
            }
            waiters.add(test)
            test()
          }),
        close: () => req.destroy(),
      }
      resolve(stream)
    })
    req.on('error', reject)
  })
}

/** Sends one request with a raw (unnormalized) path and reads the whole answer. */
function request(base: string, rawPath: string, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${base}/`, { method, path: rawPath }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

let tmp: string
let site: string
let sse: SseServer
let base: string
const streams: Stream[] = []

async function connect(url: string, headers: Record<string, string> = {}): Promise<Stream> {
  const stream = await openStream(url, headers)
  streams.push(stream)
  return stream
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ssekit-server-'))
  site = path.join(tmp, 'site')
  mkdirSync(path.join(site, 'examples', 'dashboard'), { recursive: true })
  mkdirSync(path.join(site, 'dist'))
  writeFileSync(path.join(site, 'examples', 'dashboard', 'index.html'), '<h1>dashboard</h1>')
  writeFileSync(path.join(site, 'examples', 'dashboard', 'legacy.html'), '<h1>legacy</h1>')
  writeFileSync(path.join(site, 'dist', 'index.js'), 'export {}')
  writeFileSync(path.join(site, 'dist', 'index.d.ts'), 'export {}')
  writeFileSync(path.join(site, 'package.json'), '{"name": "site"}')
  writeFileSync(path.join(tmp, 'secret.json'), '{"secret": true}')
  symlinkSync(path.join(tmp, 'secret.json'), path.join(site, 'dist', 'link.json'))
  sse = createServer({
    intervalMs: 20,
    heartbeatMs: 50,
    root: site,
    routes: { '/custom': (req, res) => res.end('custom') },
  })
  base = await sse.listen(0)
})

afterEach(() => {
  for (const stream of streams.splice(0)) stream.close()
})

afterAll(async () => {
  await sse.dispose()
  rmSync(tmp, { recursive: true, force: true })
})

describe('createServer', () => {
  it('resolves listen() with the base URL', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(sse.url).toBe(base)
    expect(base.endsWith(`:${(sse.server.address() as AddressInfo).port}`)).toBe(true)
  })

  it('publishes the date as a JSON string on /stream/date, with a heartbeat', async () => {
    const stream = await connect(`${base}/stream/date`)
    expect(stream.res.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    // Only the clock's events: a heartbeat (an `ssekit-ping` event, empty data) may come between them.
    const dates = (s: Stream): Event[] => s.events().filter((event) => event.event === 'date')
    await stream.waitFor((s) => dates(s).length >= 2 && s.frames().some((f) => f.comments.includes('ping')))
    const [first, second] = dates(stream)
    expect(new Date(JSON.parse(first.data ?? '') as string).toISOString()).toBe(JSON.parse(first.data ?? ''))
    expect(Number(second.id)).toBeGreaterThan(Number(first.id))
  })

  it('publishes a counter on /stream/tick', async () => {
    const stream = await connect(`${base}/stream/tick`)
    const ticks = (s: Stream): Event[] => s.events().filter((event) => event.event === 'tick')
    await stream.waitFor((s) => ticks(s).length >= 2)
    const [first, second] = ticks(stream).map((event) => JSON.parse(event.data ?? '') as { n: number; at: string })
    expect(second.n).toBe(first.n + 1)
    expect(typeof first.at).toBe('string')
  })

  it('answers /healthz, extra routes, 404, 405 and 414', async () => {
    expect(await request(base, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' })
    expect(await request(base, '/custom?x=1')).toMatchObject({ status: 200, body: 'custom' })
    expect((await request(base, '/nothing')).status).toBe(404)
    expect((await request(base, '/stream/date', 'POST')).status).toBe(405)
    expect((await request(base, `/stream/date?${'x'.repeat(9000)}`)).status).toBe(414)
  })

  it('hands unknown paths to next() when used as middleware', async () => {
    const outer = http.createServer((req, res) => sse.handle(req, res, () => res.end('next')))
    await new Promise<void>((resolve) => outer.listen(0, '127.0.0.1', resolve))
    const answer = await request(`http://127.0.0.1:${(outer.address() as AddressInfo).port}`, '/elsewhere')
    await new Promise((resolve) => outer.close(resolve))
    expect(answer.body).toBe('next')
  })
})

describe('static files', () => {
  it.each([
    ['/', 'text/html; charset=utf-8', '<h1>dashboard</h1>'],
    ['/legacy.html', 'text/html; charset=utf-8', '<h1>legacy</h1>'],
    ['/dist/index.js', 'text/javascript; charset=utf-8', 'export {}'],
    ['/examples/dashboard/index.html?v=1', 'text/html; charset=utf-8', '<h1>dashboard</h1>'],
  ])('serves %s', async (rawPath, type, body) => {
    const answer = await request(base, rawPath)
    expect(answer).toMatchObject({ status: 200, body })
    expect(answer.headers['content-type']).toBe(type)
    expect(answer.headers['cache-control']).toBe('no-cache')
  })

  it('serves from the ssekit package folder when no root is given', async () => {
    const page = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/dashboard/index.html')
    const own = createServer({ intervalMs: 1000 })
    try {
      const answer = await request(await own.listen(0), '/')
      expect(answer.status).toBe(existsSync(page) ? 200 : 404)
      if (answer.status === 200) expect(answer.body).toBe(readFileSync(page, 'utf8'))
    } finally {
      await own.dispose()
    }
  })

  it('answers HEAD without a body', async () => {
    const answer = await request(base, '/dist/index.js', 'HEAD')
    expect(answer).toMatchObject({ status: 200, body: '' })
    expect(answer.headers['content-length']).toBe('9')
  })

  it.each([
    ['/../package.json', 404],
    ['/%2e%2e/package.json', 404],
    ['/dist/..%2fpackage.json', 400],
    ['/dist/../package.json', 400],
    ['/dist/%2E%2E%2F..%2Fsecret.json', 400],
    ['/dist/..%5c..%5csecret.json', 400],
    ['/dist/index.js%00.html', 400],
    ['/dist/%E0%A4%A', 400],
    ['/dist/link.json', 404],
    ['/dist/index.d.ts', 404],
    ['/dist/', 404],
    ['/dist/missing.js', 404],
  ])('refuses %s with %i', async (rawPath, status) => {
    const answer = await request(base, rawPath)
    expect(answer.status).toBe(status)
    expect(answer.body).not.toContain('secret')
    expect(answer.body).not.toContain('site')
  })
})

describe('restart', () => {
  it('replays, after listening again on the same port, what was published while closed', async () => {
    const port = (sse.server.address() as AddressInfo).port
    const before = await connect(`${base}/stream/tick`)
    await before.waitFor((s) => s.events().length >= 1)
    const last = before.events()[before.events().length - 1]
    const ended = new Promise((resolve) => before.res.on('close', resolve))
    await sse.close()
    await ended
    expect(sse.url).toBeUndefined()
    expect(sse.channels.tick.clients).toBe(0)
    await until(() => Number(sse.channels.tick.lastId) > Number(last.id) + 2)
    expect(await sse.listen(port)).toBe(base)
    const after = await connect(`${base}/stream/tick`, { 'Last-Event-ID': last.id ?? '' })
    await after.waitFor((s) => s.events().length >= 3)
    const counters = after.events().map((event) => (JSON.parse(event.data ?? '') as { n: number }).n)
    const firstN = (JSON.parse(last.data ?? '') as { n: number }).n
    expect(counters.slice(0, 3)).toEqual([firstN + 1, firstN + 2, firstN + 3])
    expect(after.events().every((event) => event.event === 'tick')).toBe(true)
  })
})
