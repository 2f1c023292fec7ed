/** @jest-environment node */
import { createClientWith } from '../src/client'
import { DEV } from '../src/dev'
import { load } from '../src/transports/fetch-chunk'
import type { SsekitError } from '../src/errors'
import type { ClientOptions, EventMap, TransportKind } from '../src/types'
import { createFakeTransport } from './helpers/fake-transport'
import { record } from './helpers/record'

type Events = { date: string; tick: { n: number }; error: string; open: string; message: string }

function setup(options: ClientOptions = {}, kind: TransportKind = 'native') {
  const fake = createFakeTransport(kind)
  const errors: SsekitError[] = []
  const client = createClientWith<Events>(fake.source, 'http://test/stream', {
    retry: { jitter: 0 },
    onError: (error) => errors.push(error),
    ...options,
  })
  return { fake, client, errors, rec: record<Events>(client, ['date', 'tick', 'error', 'open', 'message']) }
}

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())

describe('lifecycle', () => {
  test('connect, open, events, disconnect: one ordered log', () => {
    const { fake, client, rec } = setup()
    client.connect()
    fake.last.open()
    fake.last.message('date', '2026', '1')
    fake.last.message('message', 'plain', '2')
    client.disconnect()
    expect(rec.log).toEqual([
      { kind: 'state', status: 'idle', attempt: 0 },
      { kind: 'state', status: 'connecting', attempt: 0 },
      { kind: 'state', status: 'open', attempt: 0 },
      { kind: 'event', type: 'date', data: '2026', lastEventId: '1' },
      { kind: 'event', type: 'message', data: 'plain', lastEventId: '2' },
      { kind: 'state', status: 'closed', attempt: 0 },
    ])
    expect(fake.last.closed).toBe(true)
    expect(client.state.transport).toBe('native')
  })

  test('connect and disconnect are idempotent; a closed client connects again', () => {
    const { fake, client } = setup()
    client.connect()
    client.connect()
    expect(fake.connections).toHaveLength(1)
    client.disconnect()
    client.disconnect()
    client.connect()
    expect(fake.connections).toHaveLength(2)
    expect(client.state.status).toBe('connecting')
  })

  test('state is the same object until it changes', () => {
    const { fake, client } = setup()
    client.connect()
    const connecting = client.state
    expect(client.state).toBe(connecting)
    fake.last.message('date', 'x')
    expect(client.state).toBe(connecting)
    fake.last.open()
    expect(client.state).not.toBe(connecting)
  })

  test('a sharing transport sets the state as it is; one of an older attempt is ignored', () => {
    const { fake, client, rec } = setup()
    client.connect()
    const first = fake.last
    const shared = { status: 'reconnecting', attempt: 3, delayMs: 250, transport: 'fetch', role: 'follower' } as const
    first.handlers.onOpen({ type: 'share', state: shared })
    expect(client.state).toBe(shared)
    client.disconnect()
    first.handlers.onOpen({ type: 'share', state: { status: 'open', attempt: 0, role: 'follower' } })
    expect(client.state.status).toBe('closed')
    expect(rec.states().map((entry) => entry.status)).toEqual(['idle', 'connecting', 'reconnecting', 'closed'])
  })

  test('subscribe calls back at once and unsubscribe stops it', () => {
    const { fake, client } = setup()
    const seen: string[] = []
    const off = client.subscribe((state) => seen.push(state.status))
    client.connect()
    off()
    fake.last.open()
    expect(seen).toEqual(['idle', 'connecting'])
  })
})

describe('events', () => {
  test('server events named error and open are ordinary events', () => {
    const { fake, client, rec } = setup()
    client.connect()
    fake.last.open()
    fake.last.message('error', 'not a connection error')
    fake.last.message('open', 'not a lifecycle open')
    expect(client.state.status).toBe('open')
    expect(rec.events()).toEqual([
      { kind: 'event', type: 'error', data: 'not a connection error', lastEventId: '' },
      { kind: 'event', type: 'open', data: 'not a lifecycle open', lastEventId: '' },
    ])
  })

  test('handlers added after connect are listened to; unbind stops delivery', () => {
    const { fake, client } = setup()
    client.connect()
    const got: unknown[] = []
    const off = client.on('tick', (data) => got.push(data))
    fake.last.message('tick', 'a')
    off()
    fake.last.message('tick', 'b')
    expect(got).toEqual(['a'])
  })

  test('json decoding, meta, and decode errors reported while the stream goes on', () => {
    const { fake, client, errors } = setup({ decode: 'json' })
    const got: unknown[] = []
    client.on('tick', (data, meta) => got.push([data, meta]))
    client.connect()
    fake.last.message('tick', '{"n":1}', '7')
    fake.last.message('tick', '{broken', '8')
    fake.last.message('tick', '{"n":3}', '9')
    expect(got).toEqual([
      [{ n: 1 }, { type: 'tick', lastEventId: '7', origin: 'http://test', raw: '{"n":1}' }],
      [{ n: 3 }, { type: 'tick', lastEventId: '9', origin: 'http://test', raw: '{"n":3}' }],
    ])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'decode', url: 'http://test/stream' })
    // The development build quotes the event type and data; the production build says the code.
    expect(errors[0].message).toMatch(DEV ? /"tick" event data "\{broken"/ : /^decode: GET http:\/\/test\/stream$/)
    expect(errors[0].cause).toBeInstanceOf(SyntaxError)
  })

  test('a handler that throws is reported and the other handlers still run', () => {
    const { fake, client, errors } = setup()
    const got: string[] = []
    client.on('date', () => {
      throw new Error('boom')
    })
    client.on('date', (data) => got.push(data))
    client.connect()
    fake.last.message('date', 'x')
    expect(got).toEqual(['x'])
    expect(errors.map((error) => error.code)).toEqual(['handler'])
    expect((errors[0].cause as Error).message).toBe('boom')
  })

  test('lastEventId follows events and survives events without an id', () => {
    const { fake, client } = setup({ lastEventId: 'start' })
    expect(client.lastEventId).toBe('start')
    client.connect()
    expect(fake.last.request.lastEventId).toBe('start')
    fake.last.message('date', 'a', '5')
    fake.last.message('date', 'b', '5')
    expect(client.lastEventId).toBe('5')
    // [spec] An `id` field with an empty value resets the last event ID buffer.
    fake.last.message('date', 'c', '')
    expect(client.lastEventId).toBe('')
  })
})

describe('retry', () => {
  test('backoff is reported in the state and the next attempt resumes from the last id', () => {
    const { fake, client, rec } = setup({ retry: { jitter: 0, initialDelayMs: 100 } })
    client.connect()
    fake.last.open()
    fake.last.message('date', 'a', '41')
    fake.last.drop()
    expect(fake.last.closed).toBe(true)
    fake.connections[0].drop()
    jest.advanceTimersByTime(99)
    expect(fake.connections).toHaveLength(1)
    jest.advanceTimersByTime(1)
    expect(fake.connections).toHaveLength(2)
    expect(fake.last.request.lastEventId).toBe('41')
    fake.last.drop()
    jest.advanceTimersByTime(200)
    fake.last.open()
    expect(rec.states()).toEqual([
      { kind: 'state', status: 'idle', attempt: 0 },
      { kind: 'state', status: 'connecting', attempt: 0 },
      { kind: 'state', status: 'open', attempt: 0 },
      { kind: 'state', status: 'reconnecting', attempt: 1, delayMs: 100, code: 'network' },
      { kind: 'state', status: 'reconnecting', attempt: 2, delayMs: 200, code: 'network' },
      { kind: 'state', status: 'open', attempt: 0 },
    ])
  })

  test('maxAttempts ends in closed with the error that ended it', () => {
    const { fake, client } = setup({ retry: { jitter: 0, initialDelayMs: 10, maxAttempts: 2 } })
    client.connect()
    fake.last.refuse(503)
    jest.advanceTimersByTime(10)
    fake.last.refuse(503)
    jest.advanceTimersByTime(20)
    fake.last.refuse(502)
    expect(fake.connections).toHaveLength(3)
    expect(client.state).toMatchObject({ status: 'closed', attempt: 2 })
    expect(client.state.error).toMatchObject({ code: 'http-status', status: 502 })
    jest.advanceTimersByTime(60000)
    expect(fake.connections).toHaveLength(3)
  })

  test.each([204, 401, 403])('status %s stops at once', (status) => {
    const { fake, client } = setup()
    client.connect()
    fake.last.refuse(status)
    expect(client.state).toMatchObject({ status: 'closed', attempt: 0 })
    expect(client.state.error?.status).toBe(status)
    jest.advanceTimersByTime(60000)
    expect(fake.connections).toHaveLength(1)
  })

  test('Retry-After is honoured', () => {
    const { fake, client } = setup()
    client.connect()
    fake.last.refuse(429, 5000)
    expect(client.state).toMatchObject({ status: 'reconnecting', delayMs: 5000 })
  })

  test('disconnect cancels a pending retry: nothing is opened afterwards', () => {
    const { fake, client } = setup()
    client.connect()
    fake.last.drop()
    client.disconnect()
    jest.advanceTimersByTime(120000)
    expect(fake.connections).toHaveLength(1)
    expect(client.state).toMatchObject({ status: 'closed', attempt: 0 })
  })

  test('callbacks from a closed transport are ignored', () => {
    const { fake, client, rec } = setup()
    client.connect()
    const first = fake.last
    first.drop()
    jest.advanceTimersByTime(1000)
    first.open()
    first.message('date', 'stale', '99')
    expect(client.state.status).toBe('reconnecting')
    expect(rec.events()).toEqual([])
    expect(client.lastEventId).toBe('')
  })

  test('retry: false closes on the first failure', () => {
    const { fake, client } = setup({ retry: false })
    client.connect()
    fake.last.drop()
    expect(client.state).toMatchObject({ status: 'closed' })
    expect(client.state.error?.code).toBe('network')
  })

  test("retry: 'transport' leaves reconnection to the EventSource and reports it", () => {
    const { fake, client, rec } = setup({ retry: 'transport' })
    client.connect()
    fake.last.open()
    fake.last.drop(true)
    expect(fake.last.closed).toBe(false)
    fake.last.open()
    fake.last.drop(false)
    expect(fake.connections).toHaveLength(1)
    expect(rec.states().map((entry) => entry.kind === 'state' && [entry.status, entry.attempt, entry.delayMs])).toEqual(
      [
        ['idle', 0, undefined],
        ['connecting', 0, undefined],
        ['open', 0, undefined],
        ['reconnecting', 1, undefined],
        ['open', 0, undefined],
        ['closed', 0, undefined],
      ],
    )
  })
})

describe('transports and headers', () => {
  test('headers select the lazy transport under auto, even where native exists; a function is called before each attempt', () => {
    let token = 0
    const { fake, client } = setup({ headers: () => ({ Authorization: 'Bearer ' + ++token }) }, 'fetch')
    client.connect()
    expect(client.state.transport).toBe('fetch')
    expect(fake.wanted).toEqual(['auto'])
    expect(fake.last.request.headers).toEqual({ Authorization: 'Bearer 1' })
    fake.last.drop()
    jest.advanceTimersByTime(1000)
    expect(fake.last.request.headers).toEqual({ Authorization: 'Bearer 2' })
  })

  test('method and body go to the lazy transport; a body function is called before each attempt', () => {
    let n = 0
    const { fake, client } = setup({ method: 'POST', body: () => 'attempt ' + ++n }, 'fetch')
    client.connect()
    expect(client.state.transport).toBe('fetch')
    // The transport calls a body function itself, before each request it sends (its own reconnections too).
    const body = fake.last.request.body as () => string
    expect(fake.last.request).toMatchObject({ method: 'POST', spec: false })
    expect(body()).toBe('attempt 1')
    fake.last.drop()
    jest.advanceTimersByTime(1000)
    expect(fake.last.request.body).toBe(body)
  })

  test.each<[ClientOptions, boolean]>([
    [{}, true],
    [{ method: 'GET' }, true],
    [{ transport: 'native', method: 'POST', body: 'x' }, false],
    [{ method: 'POST', body: 'x' }, false],
    [{ headers: {} }, false],
    [{ transport: 'fetch' }, false],
  ])('auto with %j picks native: %s', (options, isNative) => {
    const { fake, client } = setup(options, 'native')
    client.connect()
    expect(fake.wanted).toEqual(isNative ? [] : [options.transport || 'auto'])
    if (!isNative) expect(fake.last.request.method).toBe(options.method || 'GET')
  })

  test("retry: 'transport' tells the transport that it reconnects by itself", () => {
    const { fake, client } = setup({ retry: 'transport' })
    client.connect()
    expect(fake.last.request).toMatchObject({ method: 'GET', body: undefined, spec: true })
  })

  test('a headers function returning CR/LF closes with bad-option', () => {
    const { client } = setup({ headers: () => ({ 'X-A': 'a\r\nInjected: 1' }) }, 'fetch')
    client.connect()
    expect(client.state).toMatchObject({ status: 'closed' })
    expect(client.state.error?.code).toBe('bad-option')
  })

  test('a headers function returning a name that is no token closes with bad-option, not retried', () => {
    const { fake, client } = setup({ headers: () => ({ 'X Bad': 'a' }) }, 'polyfill')
    client.connect()
    expect(client.state).toMatchObject({ status: 'closed', error: { code: 'bad-option' } })
    expect(fake.connections).toHaveLength(0)
  })

  test('transport native where there is none closes with unavailable, from the lazy loader', () => {
    const client = createClientWith<EventMap>({ native: () => undefined, lazy: load }, 'http://test/s', {
      transport: 'native',
    })
    client.connect()
    expect(client.state.transport).toBe('native')
    expect(client.state.error).toMatchObject({ code: 'unavailable' })
    expect(client.state.error?.message).toMatch(
      DEV ? /transport "native" cannot send this request here: use "auto"/ : /^unavailable: GET http:\/\/test\/s$/,
    )
  })

  test('auto names fetch where there is no native EventSource, until the lazy loader hands over another', () => {
    const fetch = setup({}, 'fetch')
    fetch.client.connect()
    expect(fetch.client.state.transport).toBe('fetch')
    const polyfill = setup({}, 'polyfill')
    polyfill.client.connect()
    expect(polyfill.client.state.transport).toBe('polyfill')
    expect(polyfill.rec.states().map((entry) => entry.status)).toEqual(['idle', 'connecting', 'connecting'])
  })

  test('a polyfill that cannot load closes with unavailable; disconnect during loading wins', () => {
    let pending: ((cause: unknown) => void) | undefined
    const source = {
      native: () => undefined,
      lazy: (_wanted: string, _done: unknown, failed: (cause: unknown) => void) => (pending = failed),
    }
    const client = createClientWith<EventMap>(source, 'http://test/s')
    client.connect()
    pending?.(new Error('chunk load failed'))
    expect(client.state.error).toMatchObject({ code: 'unavailable' })
    client.connect()
    client.disconnect()
    pending?.(new Error('late'))
    expect(client.state).toMatchObject({ status: 'closed', attempt: 0 })
    expect(client.state.error).toBeUndefined()
  })
})

describe('handler registry', () => {
  beforeEach(() => jest.useFakeTimers())

  test('the same handler added twice runs twice; each unbind removes one, once', () => {
    const { fake, client } = setup()
    const got: string[] = []
    const handler = (data: string) => got.push(data)
    const first = client.on('date', handler)
    const second = client.on('date', handler)
    client.connect()
    fake.last.message('date', 'a')
    first()
    first()
    fake.last.message('date', 'b')
    second()
    fake.last.message('date', 'c')
    expect(got).toEqual(['a', 'a', 'b'])
  })

  test('a handler that unbinds another during dispatch does not disturb this event', () => {
    const { fake, client } = setup()
    const got: string[] = []
    let offSecond = () => {}
    client.on('date', (data) => {
      got.push('first:' + data)
      offSecond()
    })
    offSecond = client.on('date', (data) => got.push('second:' + data))
    client.connect()
    fake.last.message('date', 'a')
    fake.last.message('date', 'b')
    expect(got).toEqual(['first:a', 'second:a', 'first:b'])
  })
})
