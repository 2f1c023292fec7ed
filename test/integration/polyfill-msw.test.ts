/** @jest-environment jest-fixed-jsdom */
// The polyfill transport in jsdom, against msw: what a real server adds nothing to (status codes, headers,
// chunking). event-source-polyfill is imported lazily by the client, after msw listens, so msw sees its fetches.
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createClient, type SsekitError } from '../../src/index'
import { record } from '../helpers/record'
import { randomChunks, sseResponse } from '../helpers/sse-response'
import { waitFor } from '../helpers/wait-for'

const BASE = 'http://localhost/api'
const requests: Array<{ path: string; lastEventId: string | null; authorization: string | null; query: string }> = []
const server = setupServer()

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => (requests.length = 0))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

function stream(path: string, respond: (attempt: number) => Response) {
  let attempt = 0
  server.use(
    http.get(BASE + path, ({ request }) => {
      const url = new URL(request.url)
      requests.push({
        path: url.pathname,
        query: url.search,
        lastEventId: request.headers.get('last-event-id'),
        authorization: request.headers.get('authorization'),
      })
      return respond(++attempt)
    }),
  )
}

const fast = { initialDelayMs: 5, maxDelayMs: 20, jitter: 0 }

test('events arrive decoded, in order, through random chunking, CRLF and multibyte text', async () => {
  const wire =
    'retry: 50\r\nid: 1\r\nevent: tick\r\ndata: {"n":1,"s":"héllo 😀"}\r\n\r\n: comment\n\nid: 2\nevent: tick\ndata: {"n":2,\ndata: "s":"a"}\n\n'
  stream('/chunks', () => sseResponse(randomChunks(wire, 7), { keepOpen: true }))
  const client = createClient<{ tick: { n: number; s: string } }>(BASE + '/chunks', {
    transport: 'polyfill',
    decode: 'json',
  })
  const rec = record(client, ['tick'])
  client.connect()
  await waitFor(() => rec.events().length === 2, 5000, 'two events')
  expect(rec.events()).toEqual([
    { kind: 'event', type: 'tick', data: { n: 1, s: 'héllo 😀' }, lastEventId: '1' },
    { kind: 'event', type: 'tick', data: { n: 2, s: 'a' }, lastEventId: '2' },
  ])
  expect(client.state).toMatchObject({ status: 'open', transport: 'polyfill' })
  client.disconnect()
})

test('a headers function is called per attempt and Last-Event-ID is sent on reconnect', async () => {
  stream('/auth', (attempt) =>
    attempt === 1
      ? sseResponse(['id: 41\ndata: first\n\n'])
      : sseResponse(['id: 42\ndata: second\n\n'], { keepOpen: true }),
  )
  let token = 0
  const client = createClient(BASE + '/auth', { headers: () => ({ Authorization: 'Bearer t' + ++token }), retry: fast })
  const rec = record(client, ['message'])
  client.connect()
  await waitFor(() => rec.events().length === 2, 5000, 'two messages')
  client.disconnect()
  expect(requests.map((r) => [r.authorization, r.lastEventId])).toEqual([
    ['Bearer t1', null],
    ['Bearer t2', '41'],
  ])
  expect(requests[1].query).toBe('')
  expect(rec.states().map((entry) => entry.kind === 'state' && entry.status)).toEqual([
    'idle',
    'connecting',
    'open',
    'reconnecting',
    'open',
    'closed',
  ])
})

test.each([
  [401, 'http-status'],
  [403, 'http-status'],
  [204, 'no-content'],
])('status %s stops with code %s, status and url', async (status, code) => {
  stream('/status', () => new HttpResponse(null, { status }))
  const client = createClient(BASE + '/status', { transport: 'polyfill', retry: fast })
  client.connect()
  const error = await waitFor(() => client.state.status === 'closed' && client.state.error, 5000, 'closed')
  expect(error).toMatchObject({ code, status, url: BASE + '/status' })
  expect(requests).toHaveLength(1)
})

test('a 503 storm is retried with backoff, honouring Retry-After, until maxAttempts', async () => {
  stream('/busy', () => new HttpResponse('busy', { status: 503, headers: { 'Retry-After': '0' } }))
  const client = createClient(BASE + '/busy', { transport: 'polyfill', retry: { ...fast, maxAttempts: 3 } })
  const rec = record(client)
  client.connect()
  await waitFor(() => client.state.status === 'closed', 5000, 'closed')
  expect(requests).toHaveLength(4)
  expect(
    rec.states().map((entry) => entry.kind === 'state' && [entry.status, entry.attempt, entry.delayMs, entry.code]),
  ).toEqual([
    ['idle', 0, undefined, undefined],
    ['connecting', 0, undefined, undefined],
    ['reconnecting', 1, 5, 'http-status'],
    ['reconnecting', 2, 10, 'http-status'],
    ['reconnecting', 3, 20, 'http-status'],
    ['closed', 3, undefined, 'http-status'],
  ])
  expect((client.state.error as SsekitError).status).toBe(503)
})

test('Retry-After in seconds sets the delay', async () => {
  stream('/later', () => new HttpResponse(null, { status: 429, headers: { 'Retry-After': '7' } }))
  const client = createClient(BASE + '/later', { transport: 'polyfill', retry: fast })
  client.connect()
  await waitFor(() => client.state.status === 'reconnecting', 5000, 'reconnecting')
  expect(client.state).toMatchObject({ attempt: 1, delayMs: 7000 })
  client.disconnect()
})

test('a wrong content type stops with code content-type', async () => {
  stream('/html', () => new HttpResponse('<html></html>', { headers: { 'Content-Type': 'text/html' } }))
  const client = createClient(BASE + '/html', { transport: 'polyfill', retry: fast })
  client.connect()
  const error = await waitFor(() => client.state.status === 'closed' && client.state.error, 5000, 'closed')
  expect(error).toMatchObject({ code: 'content-type', status: 200 })
  expect(error.message).toContain('text/html')
})

test('server events named error and open are ordinary events', async () => {
  stream('/named', () =>
    sseResponse(['event: error\ndata: app error\n\nevent: open\ndata: app open\n\ndata: after\n\n'], {
      keepOpen: true,
    }),
  )
  const client = createClient(BASE + '/named', { transport: 'polyfill' })
  const rec = record(client, ['error', 'open', 'message'])
  client.connect()
  await waitFor(() => rec.events().length === 3, 5000, 'three events')
  expect(rec.events().map((entry) => entry.kind === 'event' && [entry.type, entry.data])).toEqual([
    ['error', 'app error'],
    ['open', 'app open'],
    ['message', 'after'],
  ])
  expect(client.state.status).toBe('open')
  expect(client.state.error).toBeUndefined()
  client.disconnect()
})
