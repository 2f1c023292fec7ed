/** @jest-environment jest-fixed-jsdom */
// The msw stream of `ssekit/testing/msw` against the real client, in jsdom with Node's fetch (jest-fixed-jsdom):
// with no global EventSource its stream handler is a plain `http.get` one; with one, msw's own `sse()`. Both
// deliver typed events, replay after Last-Event-ID, answer failures with their status and log every request.
import { setupServer } from 'msw/node'
import { createClient, type ClientOptions } from '../../src/index'
import { createRecorder } from '../../src/testing/index'
import { createMswStream, type MswStream } from '../../src/testing/msw'

type Events = { price: { value: number }; notice: string }

const server = setupServer()
const clients: Array<{ disconnect(): void }> = []
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  clients.splice(0).forEach((client) => client.disconnect())
  server.resetHandlers()
})
afterAll(() => server.close())

const fast = { initialDelayMs: 10, maxDelayMs: 50, jitter: 0 }

function start(stream: MswStream<Events>, path: string, options: Omit<ClientOptions, 'decode'> = {}) {
  server.use(...stream.handlers)
  const client = createClient<Events>(path, { decode: 'json', retry: fast, ...options })
  const recorder = createRecorder(client, ['price', 'notice'])
  clients.push(client)
  client.connect()
  return { client, recorder, data: () => recorder.events().map((entry) => [entry.type, entry.data, entry.lastEventId]) }
}

/** Builds a stream as if the environment had an EventSource: msw's `sse()` only looks for one when it is built. */
function withEventSource(build: () => MswStream<Events>): MswStream<Events> {
  Object.assign(globalThis, { EventSource: class {} })
  try {
    return build()
  } finally {
    Reflect.deleteProperty(globalThis, 'EventSource')
  }
}

const variants: Array<[string, (path: string) => MswStream<Events>]> = [
  ['http', (path) => createMswStream<Events>(path, { decode: 'json' })],
  ['sse', (path) => withEventSource(() => createMswStream<Events>(path, { decode: 'json' }))],
]

describe.each(variants)('over %s', (via, create) => {
  // The sse() handler needs the request's Accept to be exactly text/event-stream, as the fetch transport sends it.
  const options: ClientOptions = { transport: 'fetch' }

  test('typed events with ids, then a drop: the client resumes and gets what it missed', async () => {
    const prices = create('/api/prices-' + via)
    expect(prices.via).toBe(via)
    const run = start(prices, '/api/prices-' + via, options)
    await prices.waitForRequests(1)
    await run.recorder.waitFor(() => run.client.state.status === 'open')
    prices.send('price', { value: 1 }, { id: '1' })
    prices.send('notice', 'a string, as JSON under decode: json', { id: '2' })
    await run.recorder.waitFor(() => run.data().length === 2)
    prices.drop()
    prices.send('price', { value: 2 }, { id: '3' })
    await run.recorder.waitFor(() => run.data().length === 3)
    expect(run.data()).toEqual([
      ['price', { value: 1 }, '1'],
      ['notice', 'a string, as JSON under decode: json', '2'],
      ['price', { value: 2 }, '3'],
    ])
    expect(prices.requests.map((request) => request.lastEventId)).toEqual([undefined, '2'])
    expect(prices.requests[0]).toMatchObject({
      url: `http://localhost/api/prices-${via}`,
      headers: { accept: 'text/event-stream' },
    })
    expect(prices.openStreams).toBe(1)
  })

  test('failures: a 503 with Retry-After, then the stream; close() and a 204 stop the client', async () => {
    const feed = create('/api/feed-' + via)
    feed.fail(503, { headers: { 'Retry-After': '0.05' }, times: 2 })
    const run = start(feed, '/api/feed-' + via, options)
    await run.recorder.waitFor(() => run.client.state.status === 'open')
    expect(run.recorder.states().filter((entry) => entry.status === 'reconnecting')).toEqual([
      { kind: 'state', status: 'reconnecting', attempt: 1, delayMs: 50, code: 'http-status' },
      { kind: 'state', status: 'reconnecting', attempt: 2, delayMs: 50, code: 'http-status' },
    ])
    feed.fail(204)
    feed.close()
    await run.recorder.waitFor(() => run.client.state.status === 'closed')
    expect(run.client.state.error).toMatchObject({ code: 'no-content', status: 204 })
    expect(feed.requests).toHaveLength(4)
    expect(feed.openStreams).toBe(0)
  })
})

test('with no global EventSource, the stream handler is http.get, where sse() would throw', () => {
  expect(typeof EventSource).toBe('undefined')
  expect(createMswStream('/api/any').via).toBe('http')
})
