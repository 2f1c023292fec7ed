/** @jest-environment node */
// The fetch transport against a real server on port 0 (127.0.0.1), in Node, where there is no EventSource: what it
// sends (method, body and headers per attempt, Last-Event-ID), how it reads each response (status, content type,
// Retry-After), how `disconnect()` aborts it, and how it behaves as an EventSource under `retry: 'transport'`.
// faults.test.ts runs the fault routes (drops mid-event, stalls, a 10,000,000-character line, broken UTF-8) on it too.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ClientOptions } from '../../src/index'
import { createFaults, rawPath } from '../helpers/faults'
import { connectRecorded } from '../helpers/record'
import { startTestServer, type TestServer } from '../helpers/test-server'
import { waitFor } from '../helpers/wait-for'

/** What /echo saw of one request. */
interface Seen {
  method: string
  body: string
  authorization?: string
  lastEventId?: string
}

let server: TestServer
const seen: Seen[] = []
let openEchoes = 0
const started: Array<{ disconnect(): void }> = []

/** Streams one event whose data is what the request carried (id: the request's number), then ends the stream. */
function echo(req: IncomingMessage, res: ServerResponse): void {
  let body = ''
  req.setEncoding('utf8')
  req.on('data', (chunk: string) => (body += chunk))
  req.on('end', () => {
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined)
    const entry: Seen = {
      method: req.method ?? '',
      body,
      authorization: header('authorization'),
      lastEventId: header('last-event-id'),
    }
    seen.push(entry)
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '')
    res.write(`retry: 30\nid: ${seen.length}\ndata: ${JSON.stringify(entry)}\n\n`)
    if (query.get('hold') === '1') {
      openEchoes++
      res.on('close', () => openEchoes--)
    } else res.end()
  })
}

/** 2,000 data lines of 1,000 characters, with no blank line: one event of 2 MB that never ends. */
function manyLines(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
  res.write(('data: ' + 'x'.repeat(1000) + '\n').repeat(2000))
}

/** The first request gets an event with `id: 5` and the stream ends; every later one an event with no `id`. */
let idThenNoneRequests = 0
function idThenNone(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
  if (++idThenNoneRequests === 1) res.end('id: 5\ndata: first\n\n')
  else res.write('data: second\n\n')
}

beforeAll(async () => {
  const routes = { ...createFaults().routes, '/echo': echo, '/many-lines': manyLines, '/id-then-none': idThenNone }
  server = await startTestServer({ routes }, { needsBuild: false })
})
afterEach(() => started.splice(0).forEach((client) => client.disconnect()))
afterAll(() => server.dispose())

// Every wait below is bounded (at most 5 s); a test passes in well under a second.
jest.setTimeout(15_000)

const fast = { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 }

function start(path: string, options: ClientOptions = {}, types = ['message']) {
  return connectRecorded(server.url + path, { retry: fast, ...options }, types, started)
}

const requestsWith = (key: string) => server.requests.filter((request) => request.query.key === key)

test('auto picks fetch where there is no EventSource, and names it from the first state on', async () => {
  const run = start(rawPath('data: a\n\n'))
  expect(run.client.state).toMatchObject({ status: 'connecting', transport: 'fetch' })
  await waitFor(() => run.events().length === 1, 5000, 'one event')
  expect(run.client.state).toMatchObject({ status: 'open', transport: 'fetch' })
})

test('POST with a body computed before every attempt, fresh headers per attempt, resume by the Last-Event-ID header', async () => {
  let attempt = 0
  const from = seen.length
  const run = start('/echo', {
    method: 'POST',
    body: () => JSON.stringify({ attempt: ++attempt }),
    headers: () => ({ Authorization: 'Bearer token-' + attempt }),
    decode: 'json',
  })
  await waitFor(() => seen.length - from >= 3, 5000, 'three requests')
  run.client.disconnect()
  const requests = seen.slice(from, from + 3)
  // The headers function runs first (client), then the body function (transport): both see the same attempt.
  expect(requests).toEqual([
    { method: 'POST', body: '{"attempt":1}', authorization: 'Bearer token-0', lastEventId: undefined },
    { method: 'POST', body: '{"attempt":2}', authorization: 'Bearer token-1', lastEventId: String(from + 1) },
    { method: 'POST', body: '{"attempt":3}', authorization: 'Bearer token-2', lastEventId: String(from + 2) },
  ])
  expect(server.requestsTo('/echo').every((request) => request.query.lastEventId === undefined)).toBe(true)
})

test('a body function that throws closes with bad-option, before any request', async () => {
  const from = seen.length
  const run = start('/echo', {
    method: 'POST',
    body: () => {
      throw new Error('no token')
    },
  })
  await waitFor(() => run.client.state.status === 'closed', 5000, 'closed')
  expect(run.client.state.error).toMatchObject({ code: 'bad-option' })
  expect(seen.length).toBe(from)
})

test.each([
  ['401', '/fault/status?code=401&key=f401', 'http-status', 401],
  ['403', '/fault/status?code=403&key=f403', 'http-status', 403],
  ['204', '/fault/status?code=204&key=f204', 'no-content', 204],
  ['a wrong content type', rawPath('data: x\n\n', { type: 'text/plain', key: 'ftype' }), 'content-type', 200],
])('%s stops after one request, with status and url', async (_, path, code, status) => {
  const run = start(path)
  await waitFor(() => run.client.state.status === 'closed', 5000, 'closed')
  expect(run.client.state.error).toMatchObject({ code, status, url: server.url + path })
  expect(requestsWith(new URLSearchParams(path.split('?')[1]).get('key') ?? '')).toHaveLength(1)
  expect(run.states()).toEqual(['idle', 'connecting', 'closed:' + code])
})

test('503 with Retry-After is retried no sooner than it says, then the stream opens', async () => {
  const run = start('/fault/status?code=503&count=1&retryAfter=1&key=f503')
  await waitFor(() => run.client.state.status === 'open', 5000, 'open')
  const [first, second] = requestsWith('f503')
  expect(run.client.state.attempt).toBe(0)
  expect(second.time - first.time).toBeGreaterThanOrEqual(990)
  expect(run.states()).toEqual(['idle', 'connecting', 'reconnecting:http-status', 'open'])
})

test('disconnect() aborts the request at once: the server sees it close, and no event arrives after it', async () => {
  const run = start('/echo?hold=1')
  await waitFor(() => openEchoes === 1 && run.events().length === 1, 5000, 'an open stream')
  run.client.disconnect()
  await waitFor(() => openEchoes === 0, 1000, 'the server to see the request aborted')
  expect(run.states()).toEqual(['idle', 'connecting', 'open', 'closed'])
})

test('many data lines with no blank line fail with too-large instead of growing the event', async () => {
  const run = start('/many-lines', { maxEventLength: 20_000 })
  await waitFor(() => run.client.state.status === 'closed', 5000, 'closed')
  expect(run.client.state.error).toMatchObject({ code: 'too-large' })
})

test('event names that are Object.prototype keys are delivered like any other', async () => {
  const types = ['constructor', 'toString', '__proto__', 'hasOwnProperty']
  const body = types.map((type) => `event: ${type}\ndata: ${type}\n\n`).join('') + 'event: valueOf\ndata: no\n\n'
  const run = start(rawPath(body), {}, types)
  await waitFor(() => run.events().length === 4, 5000, 'four events')
  expect(run.events().map((event) => event && [event.type, event.data])).toEqual(types.map((type) => [type, type]))
})

describe("retry: 'transport'", () => {
  test("reconnects by itself after the server's retry: delay, with the Last-Event-ID header", async () => {
    const from = seen.length
    const run = start('/echo', { retry: 'transport', decode: 'json' })
    await waitFor(() => seen.length - from >= 3, 5000, 'three requests')
    run.client.disconnect()
    expect(seen.slice(from, from + 3).map((request) => request.lastEventId)).toEqual([
      undefined,
      String(from + 1),
      String(from + 2),
    ])
    const times = server.requestsTo('/echo').slice(-3)
    // `retry: 30` from the first event, not the 3 s default.
    expect(times[2].time - times[1].time).toBeLessThan(1000)
    expect(run.states().slice(0, 5)).toEqual(['idle', 'connecting', 'open', 'reconnecting:network', 'open'])
  })

  test('fails the connection for good on a 503', async () => {
    const run = start('/fault/status?code=503&key=fspec', { retry: 'transport' })
    await waitFor(() => run.client.state.status === 'closed', 5000, 'closed')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(requestsWith('fspec')).toHaveLength(1)
    expect(run.client.state.error).toMatchObject({ code: 'http-status', status: 503 })
  })
})

test('after a reconnection, an event with no id of its own is delivered, not taken for a replay of the last one', async () => {
  const run = start('/id-then-none')
  await waitFor(() => run.events().length >= 2, 5000, 'both events')
  // [spec] A new connection starts with an empty last event ID buffer: the event carries the id resumed from.
  expect(run.events()).toEqual([
    { type: 'message', data: 'first', id: '5' },
    { type: 'message', data: 'second', id: '5' },
  ])
})
