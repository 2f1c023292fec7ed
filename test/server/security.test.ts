/** @jest-environment node */
// Hostile requests against the companion server as users run it (`createServer`, port 0). What channel.test.ts and
// cors.test.ts already prove (letters, 17 digits and 65 characters in Last-Event-ID, a URL over 8192 bytes, unlisted
// origins on a channel) is not repeated: these are the other forms of a bad id, the exact caps, raw requests that
// a browser would never send, and CORS where the origin only looks allowed.
import http from 'node:http'
import net from 'node:net'
import { createServer, type SseServer } from '../../src/server'

const ALLOWED = 'https://app.example.com'

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** One request; an event stream is cut after its headers (body ''), anything else is read whole. */
function request(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      const answer = { status: res.statusCode ?? 0, headers: res.headers, body: '' }
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        req.destroy()
        return resolve(answer)
      }
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (answer.body += chunk))
      res.on('end', () => resolve(answer))
    })
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)))
    req.end()
  })
}

/** Writes raw bytes on a socket and resolves with the status line of the answer. */
function rawRequest(base: string, bytes: string): Promise<string> {
  const { port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1')
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      answer += chunk
      if (answer.includes('\r\n')) {
        socket.destroy()
        resolve(answer.slice(0, answer.indexOf('\r\n')))
      }
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(answer))
    socket.write(bytes)
  })
}

let servers: SseServer[] = []

async function start(options: Parameters<typeof createServer>[0] = {}): Promise<string> {
  const server = createServer({ intervalMs: 1000, heartbeatMs: 0, ...options })
  servers.push(server)
  return server.listen(0, '127.0.0.1')
}

afterEach(async () => {
  await Promise.all(servers.map((server) => server.dispose()))
  servers = []
})

describe('Last-Event-ID', () => {
  test.each(['-1', '1.5', '1e3', '0x1f', '12 34', '١٢', '+7', '٣'])(
    'refuses %j in the header and in the query with 400, on both streams',
    async (id) => {
      const base = await start()
      for (const path of ['/stream/date', '/stream/tick']) {
        // The id's UTF-8 bytes, as a header carries them.
        expect((await request(base, path, { 'Last-Event-ID': Buffer.from(id).toString('latin1') })).status).toBe(400)
        expect((await request(base, `${path}?lastEventId=${encodeURIComponent(id)}`)).status).toBe(400)
      }
    },
  )

  test('accepts 1 to 16 digits, and an empty header means "no id"', async () => {
    const base = await start()
    for (const id of ['1', '1234567890123456', '']) {
      expect((await request(base, '/stream/date', { 'Last-Event-ID': id })).status).toBe(200)
    }
  })

  test('a 5000-digit id gets 400 with a short plain-text answer that does not echo it', async () => {
    const base = await start()
    const long = '9'.repeat(5000)
    for (const answer of [
      await request(base, '/stream/date', { 'Last-Event-ID': long }),
      await request(base, `/stream/date?lastEventId=${long}`),
    ]) {
      expect(answer.status).toBe(400)
      expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8')
      expect(answer.body.length).toBeLessThan(200)
    }
  })

  test('an id with markup is refused as plain text, never as HTML', async () => {
    const base = await start()
    const answer = await request(base, `/stream/date?lastEventId=${encodeURIComponent('<img src=x onerror=alert(1)>')}`)
    expect(answer.status).toBe(400)
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8')
  })

  test.each([
    ['NUL', 'Last-Event-ID: 1\0 2'],
    ['a bare CR', 'Last-Event-ID: 1\r2'],
  ])('a header value with %s never reaches the stream', async (_, line) => {
    const base = await start()
    const status = await rawRequest(base, `GET /stream/date HTTP/1.1\r\nHost: x\r\n${line}\r\n\r\n`)
    expect(status).toMatch(/^HTTP\/1\.1 400 /)
  })
})

describe('size caps', () => {
  test('a URL of 8192 bytes is served, one of 8193 gets 414', async () => {
    const base = await start()
    const pad = (length: number) => '/healthz?p=' + 'x'.repeat(length - '/healthz?p='.length)
    expect((await request(base, pad(8192))).status).toBe(200)
    expect((await request(base, pad(8193))).status).toBe(414)
  })

  test('request headers over 16 KiB in total get 431, and the server stays up', async () => {
    const base = await start()
    const status = await rawRequest(base, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${'x'.repeat(20_000)}\r\n\r\n`)
    expect(status).toMatch(/^HTTP\/1\.1 431 /)
    expect((await request(base, '/healthz')).status).toBe(200)
  })
})

describe('CORS', () => {
  test('without a cors option no origin is ever allowed, with or without cookies', async () => {
    const base = await start()
    const requests: Array<Record<string, string>> = [
      { Origin: ALLOWED },
      { Origin: ALLOWED, Cookie: 's=1' },
      { Origin: 'null' },
    ]
    for (const headers of requests) {
      const answer = await request(base, '/stream/date', headers)
      expect(answer.headers['access-control-allow-origin']).toBeUndefined()
      expect(answer.headers['access-control-allow-credentials']).toBeUndefined()
    }
  })

  test.each([
    'HTTPS://APP.EXAMPLE.COM',
    'https://app.example.com:443',
    'https://app.example.com/',
    'http://app.example.com',
    'https://app.example.com.evil.com',
    'https://evil.com/https://app.example.com',
    'https://app.example.com, https://evil.com',
  ])('an origin that only looks allowed is not reflected: %s', async (origin) => {
    const base = await start({ cors: { origin: ALLOWED, credentials: true } })
    for (const [path, method, extra] of [
      ['/stream/date', 'GET', {}],
      ['/stream/tick', 'OPTIONS', { 'Access-Control-Request-Method': 'GET' }],
    ] as const) {
      const answer = await request(base, path, { Origin: origin, Cookie: 'session=1', ...extra }, method)
      expect(answer.headers['access-control-allow-origin']).toBeUndefined()
      expect(answer.headers['access-control-allow-credentials']).toBeUndefined()
    }
  })

  test('origin "*" answers * and never credentials, even to a request with cookies', async () => {
    const base = await start({ cors: { origin: '*' } })
    const origin = 'https://anyone.example.net'
    const stream = await request(base, '/stream/date', { Origin: origin, Cookie: 'session=1' })
    const preflight = await request(
      base,
      '/stream/date',
      { Origin: origin, 'Access-Control-Request-Method': 'GET' },
      'OPTIONS',
    )
    for (const answer of [stream, preflight]) {
      expect(answer.headers['access-control-allow-origin']).toBe('*')
      expect(answer.headers['access-control-allow-credentials']).toBeUndefined()
    }
  })

  test('createServer refuses "*" with credentials at once', () => {
    expect(() => createServer({ cors: { origin: '*', credentials: true } })).toThrow(/credentials/)
  })
})
