/** @jest-environment node */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createChannel, type Channel, type CorsOptions } from '../../src/server'

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
}

/** Sends one request and resolves with the status and headers, dropping the (possibly endless) body. */
function request(url: string, method: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers })
      req.destroy()
    })
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)))
    req.end()
  })
}

let server: http.Server | undefined
let channel: Channel

async function start(cors: CorsOptions): Promise<string> {
  channel = createChannel({ cors, heartbeatMs: 0 })
  const created = http.createServer((req, res) => channel.handle(req, res))
  server = created
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}/`
}

afterEach(async () => {
  const current = server
  server = undefined
  if (current === undefined) return
  channel.close()
  current.closeAllConnections()
  await new Promise((resolve) => current.close(resolve))
})

const ALLOWED = 'https://app.example.com'

describe('CORS on streams', () => {
  it('reflects a listed origin, with Vary and credentials', async () => {
    const url = await start({ origin: [ALLOWED, 'http://localhost:5173'], credentials: true })
    const answer = await request(url, 'GET', { Origin: ALLOWED })
    expect(answer.status).toBe(200)
    expect(answer.headers['access-control-allow-origin']).toBe(ALLOWED)
    expect(answer.headers['access-control-allow-credentials']).toBe('true')
    expect(answer.headers.vary).toBe('Origin')
  })

  it('does not send credentials unless asked to', async () => {
    const url = await start({ origin: ALLOWED })
    const answer = await request(url, 'GET', { Origin: ALLOWED })
    expect(answer.headers['access-control-allow-origin']).toBe(ALLOWED)
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined()
  })

  it.each([['https://evil.example.com'], ['null'], [`${ALLOWED}.evil.com`]])(
    'never reflects an origin that is not listed: %s',
    async (origin) => {
      const url = await start({ origin: [ALLOWED], credentials: true })
      const answer = await request(url, 'GET', { Origin: origin })
      expect(answer.status).toBe(200)
      expect(answer.headers['access-control-allow-origin']).toBeUndefined()
      expect(answer.headers['access-control-allow-credentials']).toBeUndefined()
      expect(answer.headers.vary).toBe('Origin')
    },
  )

  it('sends * for origin "*", without credentials', async () => {
    const url = await start({ origin: '*' })
    const answer = await request(url, 'GET', { Origin: 'https://any.example.com' })
    expect(answer.headers['access-control-allow-origin']).toBe('*')
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined()
  })

  it('also adds CORS headers to error answers, so fetch clients can read the status', async () => {
    const url = await start({ origin: ALLOWED })
    const answer = await request(url, 'GET', { Origin: ALLOWED, 'Last-Event-ID': 'nope' })
    expect(answer.status).toBe(400)
    expect(answer.headers['access-control-allow-origin']).toBe(ALLOWED)
  })

  it('exposes Retry-After to allowed origins only', async () => {
    const url = await start({ origin: ALLOWED })
    const allowed = await request(url, 'GET', { Origin: ALLOWED })
    expect(allowed.headers['access-control-expose-headers']).toBe('Retry-After')
    const other = await request(url, 'GET', { Origin: 'https://evil.example.com' })
    expect(other.headers['access-control-expose-headers']).toBeUndefined()
  })
})

describe('CORS preflight', () => {
  it('answers 204 with methods, allowed headers and max age for a listed origin', async () => {
    const url = await start({ origin: ALLOWED, credentials: true, maxAgeMs: 60_000 })
    const answer = await request(url, 'OPTIONS', {
      Origin: ALLOWED,
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'last-event-id, x-evil, authorization',
    })
    expect(answer.status).toBe(204)
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'Last-Event-ID, Authorization',
      'access-control-max-age': '60',
      vary: 'Origin, Access-Control-Request-Headers',
    })
  })

  it('lists every allowed header when none are requested', async () => {
    const url = await start({ origin: '*' })
    const answer = await request(url, 'OPTIONS', { Origin: ALLOWED, 'Access-Control-Request-Method': 'GET' })
    expect(answer.headers['access-control-allow-headers']).toBe(
      'Last-Event-ID, Authorization, Accept, Cache-Control, Content-Type',
    )
    expect(answer.headers['access-control-max-age']).toBe('600')
  })

  it('answers 204 without CORS headers for an origin that is not listed', async () => {
    const url = await start({ origin: ALLOWED })
    const answer = await request(url, 'OPTIONS', {
      Origin: 'https://evil.example.com',
      'Access-Control-Request-Method': 'GET',
    })
    expect(answer.status).toBe(204)
    expect(answer.headers['access-control-allow-origin']).toBeUndefined()
    expect(answer.headers['access-control-allow-methods']).toBeUndefined()
  })
})

describe('CORS options', () => {
  it('refuses "*" with credentials', () => {
    expect(() => createChannel({ cors: { origin: '*', credentials: true } })).toThrow(
      /cannot be combined with credentials/,
    )
  })

  it('refuses "*" inside a list', () => {
    expect(() => createChannel({ cors: { origin: ['*', ALLOWED] } })).toThrow(/alone/)
  })

  it('refuses an origin with a path and says which origin was meant', () => {
    expect(() => createChannel({ cors: { origin: 'https://app.example.com/' } })).toThrow(
      'did you mean "https://app.example.com"?',
    )
    expect(() => createChannel({ cors: { origin: 'app.example.com' } })).toThrow(/cors.origin/)
    for (const bad of [false, null, 'https://app.example.com', {}, { origin: 7 }, { origin: [7] }]) {
      expect(() => createChannel({ cors: bad as never })).toThrow(/^cors must be like \{origin: /)
    }
    expect(() => createChannel({ cors: { origin: 'null' } })).toThrow(/cors.origin/)
  })
})
