/** @jest-environment node */
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { createChannel, createClientLimiter, type Channel, type ChannelOptions } from '../../src/server'
import { createHostileKit, streamRequest } from '../helpers/hostile-client'

interface Frame {
  event?: string
  id?: string
  data?: string
  retry?: string
  comments: string[]
}

/** Parses the complete frames of a stream this server wrote (LF line ends only). */
function parseFrames(raw: string): Frame[] {
  const blocks = raw.split('\n\n').slice(0, -1)
  return blocks.map((block) => {
    const frame: Frame = { comments: [] }
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) frame.comments.push(line.slice(1).trim())
      else {
        const [field, ...rest] = line.split(':')
        const value = rest.join(':').replace(/^ /, '')
        if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`
        else if (field === 'event' || field === 'id' || field === 'retry') frame[field] = value
      }
    }
    return frame
  })
}

interface Stream {
  res: http.IncomingMessage
  frames(): Frame[]
  events(): Frame[]
  waitFor(check: (stream: Stream) => boolean, timeoutMs?: number): Promise<void>
  close(): void
}

function openStream(url: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let raw = ''
      const waiters = new Set<() => void>()
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        raw += chunk
        for (const waiter of [...waiters]) waiter()
      })
      const stream: Stream = {
        res,
        frames: () => parseFrames(raw),
        events: () => parseFrames(raw).filter((frame) => frame.data !== undefined),
        waitFor: (check, timeoutMs = 2000) =>
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

/** Sends one request with a raw path and reads the whole answer. */
function request(base: string, path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${base}/`, { method: init.method ?? 'GET', headers: init.headers, path }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Waits until `check()` holds, polling; fails after `timeoutMs`. */
async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

let server: http.Server
let base: string
let channel: Channel
const open: Stream[] = []

async function start(options: ChannelOptions = {}): Promise<void> {
  channel = createChannel({ heartbeatMs: 0, ...options })
  server = http.createServer((req, res) => channel.handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function connect(path = '/', headers: Record<string, string> = {}): Promise<Stream> {
  const stream = await openStream(`${base}${path}`, headers)
  open.push(stream)
  return stream
}

const hostile = createHostileKit()

afterEach(async () => {
  hostile.destroyAll()
  for (const stream of open.splice(0)) stream.close()
  channel.close()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('a stream', () => {
  it('sends the SSE headers, the retry hint and a comment, then live events with increasing integer ids', async () => {
    await start({ retryMs: 1234 })
    const stream = await connect()
    expect(stream.res.statusCode).toBe(200)
    expect(stream.res.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'close',
      'x-accel-buffering': 'no',
    })
    await stream.waitFor((s) => s.frames().length >= 2)
    expect(stream.frames().slice(0, 2)).toEqual([{ retry: '1234', comments: [] }, { comments: ['ok'] }])
    const published = [channel.publish('n', 1), channel.publish('n', { two: 2 }), channel.publish('n', 'three')]
    await stream.waitFor((s) => s.events().length === 3)
    expect(stream.events()).toEqual(
      published.map((id, index) => ({ event: 'n', id, data: ['1', '{"two":2}', 'three'][index], comments: [] })),
    )
    const numbers = published.map(Number)
    expect(numbers.every((n, index) => /^\d+$/.test(published[index]) && (index === 0 || n > numbers[index - 1]))).toBe(
      true,
    )
    expect(channel.lastId).toBe(published[2])
    expect(numbers[0]).toBeGreaterThanOrEqual(Date.now() - 5000)
  })

  it('sends a heartbeat comment', async () => {
    await start({ heartbeatMs: 20 })
    const stream = await connect()
    await stream.waitFor((s) => s.frames().some((frame) => frame.comments.includes('ping')))
  })

  it('refuses a bad event name without using up an id', async () => {
    await start()
    const before = channel.publish('ok', 1)
    expect(() => channel.publish('bad\nname', 1)).toThrow(TypeError)
    expect(channel.lastId).toBe(before)
  })

  it('counts clients and forgets them when they disconnect', async () => {
    await start()
    const first = await connect()
    await connect()
    await until(() => channel.clients === 2)
    first.close()
    await until(() => channel.clients === 1)
  })

  it('ends every stream on close() and still serves new ones', async () => {
    await start()
    const stream = await connect()
    const ended = new Promise((resolve) => stream.res.on('end', resolve))
    channel.close()
    await ended
    expect(channel.clients).toBe(0)
    const next = await connect()
    const id = channel.publish('after', 'x')
    await next.waitFor((s) => s.events().some((frame) => frame.id === id))
  })
})

describe('resume', () => {
  async function publishSome(count: number): Promise<string[]> {
    return Array.from({ length: count }, (_, index) => channel.publish('n', index))
  }

  it.each([
    ['the Last-Event-ID header', (id: string) => ['/', { 'Last-Event-ID': id }] as const],
    ['the lastEventId query parameter', (id: string) => [`/?lastEventId=${id}`, {}] as const],
  ])('replays exactly the missed events, in order, via %s', async (_, how) => {
    await start()
    const ids = await publishSome(5)
    const [path, headers] = how(ids[1])
    const stream = await connect(path, headers)
    const live = channel.publish('n', 'live')
    await stream.waitFor((s) => s.events().some((frame) => frame.id === live))
    expect(stream.events().map((frame) => frame.id)).toEqual([...ids.slice(2), live])
    expect(stream.events().some((frame) => frame.event === 'ssekit-lost')).toBe(false)
  })

  it('reads a custom query parameter name, and prefers the header', async () => {
    await start({ lastEventIdParam: 'since' })
    const ids = await publishSome(3)
    const stream = await connect(`/?since=${ids[0]}&lastEventId=${ids[2]}`, { 'Last-Event-ID': ids[1] })
    await stream.waitFor((s) => s.events().length === 1)
    expect(stream.events()[0].id).toBe(ids[2])
    const other = await connect(`/?since=${ids[0]}`)
    await other.waitFor((s) => s.events().length === 2)
    expect(other.events().map((frame) => frame.id)).toEqual(ids.slice(1))
  })

  it('sends ssekit-lost (expired) and then every kept event when the id fell out of the buffer', async () => {
    await start({ bufferSize: 3 })
    const ids = await publishSome(6)
    const stream = await connect('/', { 'Last-Event-ID': ids[0] })
    await stream.waitFor((s) => s.events().length === 4)
    const [lost, ...replayed] = stream.events()
    expect(lost).toEqual({ event: 'ssekit-lost', data: expect.any(String), comments: [] })
    expect(JSON.parse(lost.data ?? '')).toEqual({ lastEventId: ids[0], reason: 'expired', oldestId: ids[3] })
    expect(replayed.map((frame) => frame.id)).toEqual(ids.slice(3))
  })

  it('sends ssekit-lost (unknown) and no replay for an id newer than any event', async () => {
    await start()
    const ids = await publishSome(2)
    const stream = await connect('/', { 'Last-Event-ID': '9999999999999999' })
    const live = channel.publish('n', 'live')
    await stream.waitFor((s) => s.events().length === 2)
    const [lost, next] = stream.events()
    expect(JSON.parse(lost.data ?? '')).toEqual({
      lastEventId: '9999999999999999',
      reason: 'unknown',
      oldestId: ids[0],
    })
    expect(lost.id).toBeUndefined()
    expect(next.id).toBe(live)
  })
})

describe('request checks', () => {
  it.each([
    ['letters', { 'Last-Event-ID': 'abc' }, '/'],
    ['17 digits', { 'Last-Event-ID': '1'.repeat(17) }, '/'],
    ['a header over 64 characters', { 'Last-Event-ID': '1'.repeat(65) }, '/'],
    ['a bad query parameter', {}, '/?lastEventId=12a'],
  ])('answers 400 to an invalid last event id: %s', async (_, headers, path) => {
    await start()
    const answer = await request(base, path, { headers })
    expect(answer.status).toBe(400)
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(answer.body).toMatch(/Last-Event-ID|lastEventId/)
    expect(channel.clients).toBe(0)
  })

  it('answers 414 to a URL over 8192 bytes', async () => {
    await start()
    expect((await request(base, `/?pad=${'x'.repeat(8200)}`)).status).toBe(414)
  })

  it('answers 405 with Allow to other methods', async () => {
    await start()
    const answer = await request(base, '/', { method: 'POST' })
    expect(answer.status).toBe(405)
    expect(answer.headers.allow).toBe('GET, OPTIONS')
  })

  it('refuses bad options at once', () => {
    expect(() => createChannel({ bufferSize: -1 })).toThrow(/bufferSize/)
    expect(() => createChannel({ heartbeatMs: 1.5 })).toThrow(/heartbeatMs/)
    expect(() => createChannel({ maxLagMs: -1 })).toThrow(
      'createChannel: maxLagMs must be a non-negative integer, got -1',
    )
    expect(() => createChannel({ maxStreamAgeMs: 0.5 })).toThrow(/maxStreamAgeMs/)
    expect(() => createChannel({ maxClients: -1 })).toThrow(/maxClients/)
    expect(() => createChannel({ limiter: createClientLimiter(), maxClients: 5 })).toThrow(/createClientLimiter/)
  })
})

describe('a slow client', () => {
  it('is disconnected once its unsent output passes maxBufferedBytes, and is counted', async () => {
    const reasons: string[] = []
    await start({ maxBufferedBytes: 64 * 1024, bufferSize: 1, onClientError: ({ reason }) => reasons.push(reason) })
    // A raw socket that never reads: the kernel buffers fill, then the response's own buffer grows.
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1')
    const closed = new Promise((resolve) => socket.on('close', resolve))
    socket.on('error', () => undefined)
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    socket.pause()
    const reader = await connect()
    await until(() => channel.clients === 2)
    const chunk = 'x'.repeat(16 * 1024)
    let sent = 0
    for (; channel.clients > 1 && sent < 4000; sent += 1) {
      channel.publish('big', chunk)
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(channel.clients).toBe(1)
    expect(reader.res.destroyed).toBe(false)
    expect(channel.droppedClients).toBe(1)
    expect(reasons).toEqual(['slow'])
    socket.resume()
    await closed
  })
})

// Issue 11, finding 2: a client that never reads used to stay for as long as its unsent bytes stayed under
// maxBufferedBytes, which at a low rate is hours, since the kernel absorbs megabytes first.
describe('a client that stays behind', () => {
  it('is disconnected once its oldest unsent output waited maxLagMs, far under maxBufferedBytes, and is counted', async () => {
    const errors: string[] = []
    await start({
      maxBufferedBytes: 256 * 1024 * 1024,
      maxLagMs: 300,
      bufferSize: 1,
      onClientError: ({ reason, error }) => errors.push(`${reason}: ${error.message}`),
    })
    const stalled = hostile.open((server.address() as AddressInfo).port, { send: streamRequest('/'), read: false })
    const reader = await connect()
    await until(() => channel.clients === 2)
    // 16 MB in 64 KB events: past what the kernel takes for a socket (about 4 MB here), far under the byte bound.
    const chunk = 'x'.repeat(64 * 1024)
    for (let sent = 0; sent < 256 && channel.clients === 2; sent += 1) {
      channel.publish('big', chunk)
      await new Promise((resolve) => setImmediate(resolve))
    }
    await until(() => channel.clients === 1, 5000)
    expect(channel.droppedClients).toBe(1)
    expect(errors).toEqual([
      expect.stringMatching(/^slow: Client too slow: output unsent for \d+ ms, over maxLagMs 300 /),
    ])
    expect(reader.res.destroyed).toBe(false)
    stalled.resume()
    await stalled.waitForClose()
  }, 15_000)

  it('is gone after maxStreamAgeMs at any rate, while a reader resumes with Last-Event-ID and misses nothing', async () => {
    await start({ maxStreamAgeMs: 400 })
    const stalled = hostile.open((server.address() as AddressInfo).port, { send: streamRequest('/'), read: false })
    const first = await connect()
    await until(() => channel.clients === 2)
    const opened = Date.now()
    let endedAt = 0
    first.res.on('end', () => (endedAt = Date.now()))
    const before = channel.publish('n', 'before')
    await first.waitFor((s) => s.events().some((frame) => frame.id === before))
    await until(() => endedAt > 0, 3000)
    // Up to a tenth sooner, never later (the slack is for timers under load).
    expect(endedAt - opened).toBeGreaterThanOrEqual(300)
    expect(endedAt - opened).toBeLessThan(2000)
    await until(() => channel.clients === 0)
    const missed = channel.publish('n', 'while away')
    const next = await connect('/', { 'Last-Event-ID': before })
    const live = channel.publish('n', 'live')
    await next.waitFor((s) => s.events().some((frame) => frame.id === live))
    expect(next.events().map((frame) => frame.id)).toEqual([missed, live])
    expect(channel.droppedClients).toBe(0)
    stalled.resume()
    await stalled.waitForClose()
  }, 15_000)
})
