/** @jest-environment node */
// The test client of `ssekit/testing`: the real client over a transport answered by hand, in Node, under jest's
// fake timers. What the server side sends arrives as the real client would deliver it, and each misuse says why.
import { DEV } from '../../src/dev'
import { isSsekitError, type SsekitError } from '../../src/index'
import { createRecorder, createTestClient } from '../../src/testing/index'

const URL = 'https://example.test/stream'
type Events = { price: { value: number }; notice: string }

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())

function setup() {
  const errors: SsekitError[] = []
  const kit = createTestClient<Events>(URL, {
    decode: 'json',
    retry: { initialDelayMs: 100, jitter: 0 },
    onError: (error) => errors.push(error),
  })
  return { ...kit, errors, recorder: createRecorder(kit.client, ['price', 'notice', 'ssekit-lost']) }
}

describe('a session', () => {
  test('connect, open, typed events with ids, a drop and the resume: one ordered log', () => {
    const { client, server, recorder } = setup()
    client.connect()
    expect(server.isWaiting).toBe(true)
    server.open()
    server.emit('price', { value: 1 }, { id: '1' })
    server.emit('notice', 'a string, sent as JSON under decode: json')
    server.drop()
    jest.advanceTimersByTime(100)
    server.open()
    expect(recorder.log).toEqual([
      { kind: 'state', status: 'idle', attempt: 0 },
      { kind: 'state', status: 'connecting', attempt: 0 },
      { kind: 'state', status: 'open', attempt: 0 },
      { kind: 'event', type: 'price', data: { value: 1 }, lastEventId: '1' },
      { kind: 'event', type: 'notice', data: 'a string, sent as JSON under decode: json', lastEventId: '1' },
      { kind: 'state', status: 'reconnecting', attempt: 1, delayMs: 100, code: 'network' },
      { kind: 'state', status: 'open', attempt: 0 },
    ])
    expect(server.requests).toEqual([
      {
        url: URL,
        method: 'GET',
        headers: {},
        body: undefined,
        lastEventId: '',
        attempt: 0,
        transport: 'fetch',
        withCredentials: false,
      },
      expect.objectContaining({ lastEventId: '1', attempt: 1 }),
    ])
    expect(client.state.transport).toBe('fetch')
  })

  test('an event replayed after a resume is dropped, as the real client drops it', () => {
    const { client, server, recorder } = setup()
    client.connect()
    server.open()
    server.emit('price', { value: 1 }, { id: '1' })
    server.emit('price', { value: 2 }, { id: '2' })
    server.drop()
    jest.advanceTimersByTime(100)
    server.open()
    server.emit('price', { value: 2 }, { id: '2' })
    server.emit('price', { value: 3 }, { id: '3' })
    expect(recorder.events().map((entry) => entry.data)).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }])
  })

  test('ids: left out, the last one is carried; empty, it resets what the client resumes from', () => {
    const { client, server, recorder } = setup()
    client.connect()
    server.open()
    server.emit('price', { value: 1 }, { id: '7' })
    server.emit('price', { value: 2 })
    expect(client.lastEventId).toBe('7')
    server.emit('price', { value: 3 }, { id: '' })
    expect(client.lastEventId).toBe('')
    expect(recorder.events().map((entry) => entry.lastEventId)).toEqual(['7', '7', ''])
  })

  test('emitRaw sends the wire text: data that does not decode is reported, and the stream goes on', () => {
    const { client, server, recorder, errors } = setup()
    client.connect()
    server.open()
    server.emitRaw('price', '{broken')
    server.emitRaw('price', '{\r\n"value": 4}')
    server.emitRaw('unknown', 'nobody listens')
    expect(errors.map((error) => error.code)).toEqual(['decode'])
    // The development build quotes the data; the production build says the code.
    expect(errors[0].message).toMatch(DEV ? /"\{broken"/ : /^decode: GET /)
    expect(recorder.events().map((entry) => entry.data)).toEqual([{ value: 4 }])
    expect(client.state.status).toBe('open')
  })

  test('ssekit-lost is always JSON, and sets state.lost', () => {
    const { client, server, recorder } = setup()
    client.connect()
    server.open()
    const notice = { lastEventId: '3', reason: 'expired' as const, oldestId: '10' }
    server.emit('ssekit-lost', notice)
    expect(client.state.lost).toEqual(notice)
    expect(recorder.events()).toEqual([{ kind: 'event', type: 'ssekit-lost', data: notice, lastEventId: '' }])
  })

  test('under decode: text, strings go as they are and other data is refused with a pointer to emitRaw', () => {
    const { client, server } = createTestClient<{ line: string }>(URL)
    const got: string[] = []
    client.on('line', (line) => got.push(line))
    client.connect()
    server.open()
    server.emit('line', 'a "quoted" line')
    expect(got).toEqual(['a "quoted" line'])
    const untyped = server as unknown as { emit(type: string, data: unknown): void }
    expect(() => untyped.emit('line', { n: 1 })).toThrow(/emitRaw\(\)/)
  })
})

describe('answers', () => {
  test('503 with Retry-After: the delay is the server’s', () => {
    const { client, server } = setup()
    client.connect()
    server.fail(503, { headers: { 'retry-after': '5' }, statusText: 'Service Unavailable' })
    expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 5000 })
    expect(client.state.error).toMatchObject({ code: 'http-status', status: 503, retryAfterMs: 5000 })
    expect(client.state.error?.message).toBe(
      `${DEV ? 'Connection failed with status' : 'http-status'} 503 Service Unavailable: GET ${URL}`,
    )
    jest.advanceTimersByTime(4999)
    expect(server.requests).toHaveLength(1)
    jest.advanceTimersByTime(1)
    expect(server.requests).toHaveLength(2)
  })

  test.each([
    [401, {}, 'http-status'],
    [204, {}, 'no-content'],
    [200, { 'Content-Type': 'text/html' }, 'content-type'],
  ])('%s %j closes with %s and no further request', (status, headers, code) => {
    const { client, server } = setup()
    client.connect()
    server.fail(status, { headers })
    expect(client.state).toMatchObject({ status: 'closed', error: { code, status } })
    expect(isSsekitError(client.state.error)).toBe(true)
    jest.advanceTimersByTime(60_000)
    expect(server.requests).toHaveLength(1)
  })

  test('200 with text/event-stream is no failure: fail() says to open()', () => {
    const { client, server } = setup()
    client.connect()
    expect(() => server.fail(200, { headers: { 'Content-Type': 'text/event-stream' } })).toThrow(/server\.open\(\)/)
    expect(server.isWaiting).toBe(true)
  })

  test('close() on a waiting request answers 204; on an open stream, the reconnection is answered 204', () => {
    const first = setup()
    first.client.connect()
    first.server.close()
    expect(first.client.state).toMatchObject({ status: 'closed', error: { code: 'no-content' } })

    const { client, server, recorder } = setup()
    client.connect()
    server.open()
    server.close()
    expect(server.isOpen).toBe(false)
    jest.advanceTimersByTime(100)
    expect(server.requests).toHaveLength(2)
    expect(client.state).toMatchObject({ status: 'closed', attempt: 1, error: { code: 'no-content' } })
    expect(recorder.states().map((entry) => entry.status)).toEqual([
      'idle',
      'connecting',
      'open',
      'reconnecting',
      'closed',
    ])
    jest.advanceTimersByTime(60_000)
    expect(server.requests).toHaveLength(2)
  })

  test('maxAttempts: the last failure closes with its error', () => {
    const { client, server } = createTestClient(URL, { retry: { initialDelayMs: 10, jitter: 0, maxAttempts: 2 } })
    client.connect()
    server.fail(502)
    jest.advanceTimersByTime(10)
    server.drop()
    jest.advanceTimersByTime(20)
    server.fail(503)
    expect(client.state).toMatchObject({ status: 'closed', attempt: 2, error: { code: 'http-status', status: 503 } })
    expect(server.requests.map((request) => request.attempt)).toEqual([0, 1, 2])
  })
})

describe('requests', () => {
  test('headers and body functions are called for each attempt, and logged as sent', () => {
    let n = 0
    const { client, server } = createTestClient(URL, {
      method: 'POST',
      headers: () => ({ Authorization: 'Bearer t' + ++n }),
      body: () => JSON.stringify({ attempt: n }),
      withCredentials: true,
      retry: { initialDelayMs: 10, jitter: 0 },
    })
    client.connect()
    server.fail(500)
    jest.advanceTimersByTime(10)
    expect(
      server.requests.map(({ method, headers, body, withCredentials }) => [method, headers, body, withCredentials]),
    ).toEqual([
      ['POST', { Authorization: 'Bearer t1' }, '{"attempt":1}', true],
      ['POST', { Authorization: 'Bearer t2' }, '{"attempt":2}', true],
    ])
  })

  test('a body function that throws closes with bad-option, as on the fetch transport', () => {
    const { client } = createTestClient(URL, {
      method: 'POST',
      body: () => {
        throw new Error('no body today')
      },
    })
    client.connect()
    expect(client.state).toMatchObject({ status: 'closed', error: { code: 'bad-option' } })
    expect((client.state.error?.cause as Error).message).toBe('no body today')
  })

  test('state.transport names the transport option, fetch for auto; native cannot POST', () => {
    const kinds = (['auto', 'fetch', 'polyfill', 'native'] as const).map((transport) => {
      const { client, server } = createTestClient(URL, { transport })
      client.connect()
      return [client.state.transport, server.requests[0]?.transport]
    })
    expect(kinds).toEqual([
      ['fetch', 'fetch'],
      ['fetch', 'fetch'],
      ['polyfill', 'polyfill'],
      ['native', 'native'],
    ])
    const { client, server } = createTestClient(URL, { transport: 'native', method: 'POST', body: 'x' })
    client.connect()
    expect(client.state.error).toMatchObject({ code: 'unavailable' })
    expect(server.requests).toEqual([])
  })

  test('the options are checked as createClient checks them, with the same words in each build', () => {
    expect(() => createTestClient(URL, { retyr: {} } as never)).toThrow(
      expect.objectContaining({
        code: 'bad-option',
        message: DEV
          ? 'Invalid option retyr: unknown option; did you mean "retry"?'
          : 'Invalid option retyr: unknown option',
      }),
    )
    const { client } = createTestClient('/relative')
    expect(() => client.connect()).toThrow(DEV ? /pass an absolute URL/ : /^Invalid option url: relative$/)
  })
})

describe('timers', () => {
  test('the stall watchdog: a quiet open stream is stalled; comments keep it alive', () => {
    const { client, server } = createTestClient(URL, { heartbeatTimeoutMs: 300, retry: { jitter: 0 } })
    client.connect()
    server.open()
    for (let i = 0; i < 10; i++) {
      jest.advanceTimersByTime(100)
      server.comment()
    }
    expect(client.state.status).toBe('open')
    jest.advanceTimersByTime(400)
    expect(client.state).toMatchObject({ status: 'reconnecting', error: { code: 'stalled' } })
  })

  test("retry: 'transport': the transport reconnects by itself after 3 s, from the stream's last id", () => {
    const { client, server, recorder } = (() => {
      const kit = createTestClient(URL, { retry: 'transport' })
      return { ...kit, recorder: createRecorder(kit.client) }
    })()
    client.connect()
    server.open()
    server.emitRaw('message', 'a', { id: '5' })
    server.drop()
    expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1 })
    expect(() => server.open()).toThrow(/advance the timers by 3000 ms/)
    jest.advanceTimersByTime(3000)
    expect(server.requests.map((request) => request.lastEventId)).toEqual(['', '5'])
    server.open()
    expect(client.state.status).toBe('open')
    expect(recorder.states().map((entry) => [entry.status, entry.delayMs])).toEqual([
      ['idle', undefined],
      ['connecting', undefined],
      ['open', undefined],
      ['reconnecting', undefined],
      ['open', undefined],
    ])
  })

  test('disconnect cancels the pending retry', () => {
    const { client, server } = setup()
    client.connect()
    server.drop()
    client.disconnect()
    jest.advanceTimersByTime(60_000)
    expect(server.requests).toHaveLength(1)
  })
})

describe('misuse says what to do', () => {
  test.each<[string, (kit: ReturnType<typeof setup>) => void, RegExp]>([
    [
      'open() before connect()',
      ({ server }) => server.open(),
      /open\(\) needs a request waiting .* call client\.connect\(\) first/,
    ],
    [
      'emit() before open()',
      ({ client, server }) => (client.connect(), server.emit('notice', 'x')),
      /call server\.open\(\) or server\.fail\(\) first/,
    ],
    ['open() twice', ({ client, server }) => (client.connect(), server.open(), server.open()), /the stream is open/],
    [
      'open() while the client waits to retry',
      ({ client, server }) => (client.connect(), server.drop(), server.open()),
      /the client retries in 100 ms: advance the timers first/,
    ],
    [
      'drop() after disconnect()',
      ({ client, server }) => (client.connect(), client.disconnect(), server.drop()),
      /the client is closed/,
    ],
    [
      'an id with a line break',
      ({ client, server }) => (client.connect(), server.open(), server.emit('notice', 'x', { id: 'a\nb' })),
      /without line breaks/,
    ],
  ])('%s', (_, misuse, message) => {
    expect(() => misuse(setup())).toThrow(message)
  })
})

test('in Node with no EventSource and no fetch', () => {
  const { fetch } = globalThis
  Reflect.deleteProperty(globalThis, 'fetch')
  try {
    expect([typeof globalThis.fetch, typeof (globalThis as { EventSource?: unknown }).EventSource]).toEqual([
      'undefined',
      'undefined',
    ])
    const { client, server, recorder } = setup()
    client.connect()
    server.open()
    server.emit('price', { value: 9 }, { id: '9' })
    expect(recorder.events()).toEqual([{ kind: 'event', type: 'price', data: { value: 9 }, lastEventId: '9' }])
    expect(client.state).toMatchObject({ status: 'open', transport: 'fetch' })
  } finally {
    globalThis.fetch = fetch
  }
})
