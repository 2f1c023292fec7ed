/** @jest-environment node */
// Faults against the client in Node (no EventSource here), on the fetch transport (what `auto` picks) and on the
// polyfill: bad bytes, odd line endings, slow and silent sockets, a 10 MB line and throwing app code: each gets a
// clear outcome, and nothing else breaks. The server is the scriptable one of `ssekit/testing/server`: each test
// scripts how its requests are answered.
import { DEV } from '../../src/dev'
import { createClient, type ClientOptions } from '../../src/index'
import { createTestServer, type TestScript, type TestServer, type TestStream } from '../../src/testing/server'
import { connectRecorded } from '../helpers/record'
import { waitFor } from '../helpers/wait-for'

let server: TestServer
const started: Array<{ disconnect(): void }> = []

// The polyfill logs refused responses and dropped connections with console.error (our too-large error among them,
// in the words of the development build or as its code in production): expected here, nothing else is.
const NOISE = /^(EventSource's response has |TypeError: terminated|SsekitError: (An event longer than|too-large: ))/
const logged: string[] = []

beforeAll(async () => {
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => logged.push(args.map(String).join(' ')))
  server = await createTestServer()
})
afterEach(() => started.splice(0).forEach((client) => client.disconnect()))
afterAll(async () => {
  await server.close()
  expect(logged.filter((message) => !NOISE.test(message))).toEqual([])
})

// Every wait below is bounded (at most 10 s); a test passes in well under 2 s.
jest.setTimeout(15_000)

const fast = { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 }
/** The transport of the running `describe.each` block. */
let current: 'fetch' | 'polyfill' = 'fetch'

/**
 * Answers the requests of the next client with `script`, and connects that client, recorded, to `/<transport><path>`
 * of the test server; errors given to `onError` are collected.
 */
function start(path: string, script: TestScript, options: ClientOptions = {}, types = ['message']) {
  server.serve(script)
  return connectRecorded(
    server.url + '/' + current + path,
    { transport: current, retry: fast, ...options },
    types,
    started,
  )
}

/** The requests to `path` of the running transport. */
const requestsTo = (path: string) => server.requests.filter((request) => request.path === '/' + current + path)
const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))))
/** A script that writes `body` at once, and ends the response after it if asked. */
const raw =
  (body: string | Uint8Array, end = false) =>
  async (stream: TestStream) => {
    await stream.write(body)
    if (end) stream.end()
  }
/** Event `n` of the numbered sequence: `id: n` and `data: {"n":n}`. */
const numbered = (n: number) => ({ id: String(n), data: { n } })

describe.each(['fetch', 'polyfill'] as const)('the %s transport', (transport) => {
  beforeEach(() => (current = transport))

  test('a slow drip, one byte every 2 ms, arrives intact: multibyte characters and CRLF split across chunks', async () => {
    const body = 'id: 1\r\ndata: héllo wörld 😀\r\n\r\nid: 2\ndata: {"a":[1,2]}\n\n'
    const run = start('/drip', (stream) => stream.drip(body, { intervalMs: 2 }))
    await waitFor(() => run.events().length === 2, 5000, 'two events')
    expect(run.events()).toEqual([
      { type: 'message', data: 'héllo wörld 😀', id: '1' },
      { type: 'message', data: '{"a":[1,2]}', id: '2' },
    ])
    expect(run.errors).toEqual([])
  })

  test('broken UTF-8 becomes U+FFFD and the stream goes on', async () => {
    const run = start('/utf8', raw(bytes('data: a', [0xff, 0xfe], 'b\n\ndata: c', [0xe2, 0x82], '\n\ndata: d\n\n')))
    await waitFor(() => run.events().length === 3, 5000, 'three events')
    expect(run.events().map((event) => event && event.data)).toEqual(['a\uFFFD\uFFFDb', 'c\uFFFD', 'd'])
  })

  test('one leading BOM is stripped; a second one makes an unknown field', async () => {
    const run = start('/bom', raw(bytes([0xef, 0xbb, 0xbf], 'data: first\n\n\uFEFFdata: second\n\ndata: third\n\n')))
    await waitFor(() => run.events().length === 2, 5000, 'two events')
    expect(run.events().map((event) => event && event.data)).toEqual(['first', 'third'])
  })

  test.each([
    ['at once', undefined],
    ['one byte at a time', 1],
  ])('CR, LF and CRLF line endings mixed in one stream (%s)', async (_, dripMs) => {
    const body =
      'data: one\r\rdata: two\n\ndata: three\r\n\r\nevent: x\rdata: four\r\n\ndata: a\r\ndata: b\rdata: c\n\r\n'
    const script = (stream: TestStream) => (dripMs ? stream.drip(body, { intervalMs: dripMs }) : stream.write(body))
    const run = start('/line-endings', script, {}, ['message', 'x'])
    await waitFor(() => run.events().length === 5, 5000, 'five events')
    expect(run.events().map((event) => event && [event.type, event.data])).toEqual([
      ['message', 'one'],
      ['message', 'two'],
      ['message', 'three'],
      ['x', 'four'],
      ['message', 'a\nb\nc'],
    ])
  })

  test('data with no blank line before the end of the stream is not dispatched', async () => {
    const run = start('/eof', raw('data: a\n\ndata: b', true))
    // The second `a` comes over a second connection, so the first stream has ended by then.
    await waitFor(() => run.events().length >= 2, 5000, 'a reconnect')
    run.client.disconnect()
    expect(run.events().every((event) => event && event.data === 'a')).toBe(true)
    expect(requestsTo('/eof').length).toBeGreaterThanOrEqual(2)
  })

  test('a retry field that is not only digits is ignored, and nothing else happens', async () => {
    const run = start('/retry', raw('retry: abc\ndata: a\n\nretry: 12x\ndata: b\n\nretry:\ndata: c\n\n'))
    await waitFor(() => run.events().length === 3, 5000, 'three events')
    expect(run.events().map((event) => event && event.data)).toEqual(['a', 'b', 'c'])
    expect(run.states()).toEqual(['idle', 'connecting', 'open'])
  })

  test('an id containing NUL is ignored: the previous id stays', async () => {
    const run = start('/nul', raw('id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n'))
    await waitFor(() => run.events().length === 2, 5000, 'two events')
    expect(run.events()).toEqual([
      { type: 'message', data: 'a', id: '1' },
      { type: 'message', data: 'b', id: '1' },
    ])
    expect(run.client.lastEventId).toBe('1')
  })

  test('a decoder that throws is reported with the event type and raw data; the stream goes on', async () => {
    const decode = (raw: string) => {
      if (raw === 'not {json') throw new SyntaxError('bad input')
      return raw.toUpperCase()
    }
    const run = start('/decode', raw('data: one\n\nevent: tick\ndata: not {json\n\ndata: two\n\n'), { decode }, [
      'message',
      'tick',
    ])
    await waitFor(() => run.events().length === 2 && run.errors.length === 1, 5000, 'two events and one error')
    expect(run.events().map((event) => event && event.data)).toEqual(['ONE', 'TWO'])
    const [error] = run.errors
    expect(error).toMatchObject({ code: 'decode', url: server.url + '/' + transport + '/decode' })
    // The development build quotes the event type and data; the production build says the code.
    expect(error.message).toMatch(DEV ? /"tick" event data "not \{json"/ : /^decode: GET /)
    expect((error.cause as Error).message).toBe('bad input')
    expect(run.client.state.status).toBe('open')
  })

  test('a handler that throws is reported; the other handlers still run', async () => {
    const run = start('/handler', raw('data: a\n\ndata: b\n\ndata: c\n\n'))
    const seen: string[] = []
    run.client.on('message', (data) => {
      if (data === 'b') throw new Error('handler bug')
    })
    run.client.on('message', (data) => seen.push(data))
    await waitFor(() => seen.length === 3, 5000, 'three events')
    expect(seen).toEqual(['a', 'b', 'c'])
    expect(run.errors.map((error) => [error.code, (error.cause as Error).message])).toEqual([
      ['handler', 'handler bug'],
    ])
  })

  test('a 10 MB line fails the connection with too-large, quickly, without growing memory', async () => {
    const baseline = process.memoryUsage().heapUsed
    let peak = baseline
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5)
    const startedAt = Date.now()
    // Written as fast as the client reads: each chunk once the one before has gone out.
    const run = start('/huge', async (stream) => {
      const chunk = 'x'.repeat(64 * 1024)
      await stream.write('data: ')
      for (let left = 10_000_000; left > 0 && !stream.isClosed; left -= chunk.length) {
        await stream.write(left >= chunk.length ? chunk : chunk.slice(0, left))
      }
    })
    try {
      await waitFor(() => run.client.state.status === 'closed', 10_000, 'closed')
    } finally {
      clearInterval(sampler)
    }
    const elapsedMs = Date.now() - startedAt
    expect(run.client.state.error).toMatchObject({ code: 'too-large' })
    expect(run.states()).toEqual(['idle', 'connecting', 'open', 'closed:too-large'])
    expect(elapsedMs).toBeLessThan(5000)
    // Held whole, the line would take 10 MB as one-byte text and 20 MB as UTF-16; the default cap is 4 MiB.
    expect(peak - baseline).toBeLessThan(16 * 1024 * 1024)
    expect(requestsTo('/huge')).toHaveLength(1)
  })

  test('a silent socket is stalled after heartbeatTimeoutMs, then retried', async () => {
    const run = start('/silent', (stream) => stream.send({ retry: 50 }), { heartbeatTimeoutMs: 300 })
    const at: Record<string, number> = {}
    run.client.subscribe((state) => (at[state.status] ??= Date.now()))
    await waitFor(() => run.client.state.error?.code === 'stalled', 5000, 'stalled')
    // The `retry:` line is the last thing that arrived, right after the headers that opened the connection.
    expect(at.reconnecting - at.open).toBeGreaterThanOrEqual(295)
    await waitFor(
      () => requestsTo('/silent').length === 2 && run.client.state.status === 'open',
      2000,
      'a second connection',
    )
    run.client.disconnect()
    expect(run.states()).toEqual(['idle', 'connecting', 'open', 'reconnecting:stalled', 'open', 'closed'])
  })

  test.each(['comment', 'event'])('%s heartbeats keep a quiet stream alive', async (kind) => {
    const beat = (stream: TestStream) =>
      kind === 'event' ? stream.send({ event: 'ssekit-ping', data: '' }) : stream.comment('ping')
    const script = (stream: TestStream) => {
      stream.send({ data: 'hello' })
      const timer = setInterval(() => beat(stream), 100)
      stream.onClose(() => clearInterval(timer))
    }
    const run = start('/heartbeat', script, { heartbeatTimeoutMs: 300 }, ['message', 'ssekit-ping'])
    await waitFor(() => run.events().length === 1, 5000, 'the first event')
    const until = Date.now() + 1000
    await waitFor(() => Date.now() > until || run.client.state.status !== 'open', 2000, 'a quiet second')
    expect(run.states()).toEqual(['idle', 'connecting', 'open'])
    expect(run.events()).toEqual([{ type: 'message', data: 'hello', id: '' }])
  })

  test('mid-event TCP drops: every numbered event arrives once, in order', async () => {
    // Events 1 to 100 from the resume id on; after every 7, the TCP connection goes in the middle of the next one.
    let drops = 0
    const script = (stream: TestStream) => {
      let next = Number(stream.request.lastEventId ?? 0) + 1
      for (let sent = 0; sent < 7 && next <= 100; sent++) stream.send(numbered(next++))
      if (next > 100) return
      drops++
      stream.cut(numbered(next))
    }
    const run = start('/numbered', script, { decode: 'json', retry: { initialDelayMs: 5, maxDelayMs: 50 } })
    await waitFor(() => run.events().length >= 100, 10_000, 'a hundred events')
    run.client.disconnect()
    expect(run.events().map((event) => event && (event.data as { n: number }).n)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    )
    expect(drops).toBe(14)
  })

  test.each<[string, TestScript, string, number]>([
    ['204', (stream) => stream.respond(204), 'no-content', 204],
    ['401', (stream) => stream.respond(401, { body: 'status 401' }), 'http-status', 401],
    [
      'a wrong content type',
      (stream) => (stream.open({ 'Content-Type': 'text/html' }), stream.write('data: x\n\n')),
      'content-type',
      200,
    ],
  ])('%s closes with its code, after one request', async (name, script, code, status) => {
    const path = '/refused-' + name.replace(/ /g, '-')
    const run = start(path, script)
    await waitFor(() => run.client.state.status === 'closed', 5000, 'closed')
    expect(run.client.state.error).toMatchObject({ code, status })
    expect(run.events()).toEqual([])
    expect(requestsTo(path)).toHaveLength(1)
  })

  describe('header values with CR or LF', () => {
    test.each([[{ 'X-Token': 'a\r\nInjected: 1' }], [{ 'X-Token': 'a\nb' }], [{ 'X-Bad\r\nName': 'a' }]])(
      'are refused at createClient: %j',
      (headers) => {
        expect(() => createClient(server.url + '/silent', { headers })).toThrow(
          expect.objectContaining({ code: 'bad-option' }),
        )
      },
    )

    test('from a headers function, close the client before any request', async () => {
      const run = start('/headers-fn', (stream) => stream.open(), { headers: () => ({ 'X-Token': 'a\r\nb' }) })
      await waitFor(() => run.client.state.status === 'closed', 5000, 'closed')
      expect(run.client.state.error).toMatchObject({ code: 'bad-option' })
      expect(requestsTo('/headers-fn')).toEqual([])
    })
  })
})
