/** @jest-environment node */
// The scriptable server of `ssekit/testing/server`, against the real client in Node (the fetch transport): the
// default script replays its history from Last-Event-ID across restarts on the same port; scripts answer statuses,
// stall, drip, cut in the middle of an event; every request is logged; close() leaves nothing open.
import { request as httpRequest } from 'node:http'
import { createClient, type ClientOptions } from '../../src/index'
import { createRecorder } from '../../src/testing/index'
import { createTestServer, type TestServer } from '../../src/testing/server'

let server: TestServer
const clients: Array<{ disconnect(): void }> = []

beforeAll(async () => {
  server = await createTestServer()
})
afterEach(() => {
  clients.splice(0).forEach((client) => client.disconnect())
  server.serve()
})
afterAll(() => server.close())

jest.setTimeout(15_000)

const fast = { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 }

function start(path: string, options: ClientOptions = {}, types = ['message']) {
  const client = createClient(server.url + path, { retry: fast, ...options })
  const recorder = createRecorder(client, types)
  clients.push(client)
  client.connect()
  const data = () => recorder.events().map((entry) => entry.data)
  const statuses = () => recorder.states().map((entry) => entry.status + (entry.code ? ':' + entry.code : ''))
  return { client, recorder, data, statuses }
}

const requestsTo = (path: string) => server.requests.filter((request) => request.path === path)

test('the default script replays the history after Last-Event-ID, across a restart on the same port', async () => {
  const run = start('/default?key=a', { headers: { Authorization: 'Bearer t' } })
  const url = server.url
  await run.recorder.waitFor(() => run.client.state.status === 'open')
  server.send({ id: '1', data: 'one' })
  server.send({ id: '2', data: 'two' })
  await run.recorder.waitFor(() => run.data().length === 2)
  await server.stop()
  // Sent while the server is down: kept in the history for the resume.
  server.send({ id: '3', data: 'three' })
  await run.recorder.waitFor(() => run.client.state.status === 'reconnecting')
  await server.start()
  expect(server.url).toBe(url)
  await run.recorder.waitFor(() => run.data().length === 3)
  expect(run.data()).toEqual(['one', 'two', 'three'])
  const [first, second] = requestsTo('/default').slice(-2)
  expect(first).toMatchObject({ method: 'GET', query: { key: 'a' }, lastEventId: undefined, body: '' })
  expect(first.headers).toMatchObject({ authorization: 'Bearer t', accept: 'text/event-stream' })
  expect(second.lastEventId).toBe('2')
})

test('a send right after waitForRequests reaches the new stream', async () => {
  const count = server.requests.length + 1
  const run = start('/right-after')
  await server.waitForRequests(count)
  server.send({ id: 'right-after', data: 'at once' })
  await run.recorder.waitFor(() => run.data().length === 1)
  expect(run.data()).toEqual(['at once'])
})

test('a status with Retry-After: the client waits what the server said', async () => {
  let count = 0
  server.serve((stream) => (++count === 1 ? stream.respond(503, { headers: { 'Retry-After': '0.2' } }) : stream.open()))
  const run = start('/busy')
  await run.recorder.waitFor(() => run.client.state.status === 'open')
  expect(run.recorder.states()).toContainEqual({
    kind: 'state',
    status: 'reconnecting',
    attempt: 1,
    delayMs: 200,
    code: 'http-status',
  })
  const [refused, accepted] = requestsTo('/busy')
  expect(accepted.time - refused.time).toBeGreaterThanOrEqual(195)
})

test('a stalled stream: opened, then silent, until the client gives up on it', async () => {
  server.serve((stream) => stream.open())
  const run = start('/stalled', { heartbeatTimeoutMs: 150 })
  await run.recorder.waitFor(() => run.client.state.error?.code === 'stalled')
  expect(run.statuses().slice(0, 4)).toEqual(['idle', 'connecting', 'open', 'reconnecting:stalled'])
})

test('comments keep a quiet stream alive; send({ retry }) writes a retry field', async () => {
  server.serve(async (stream) => {
    stream.send({ retry: 50 })
    for (let i = 0; i < 8 && !stream.isClosed; i++) {
      stream.comment('ping')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    stream.send({ data: 'still here' })
  })
  const run = start('/quiet', { heartbeatTimeoutMs: 150 })
  await run.recorder.waitFor(() => run.data().length === 1)
  expect(run.statuses()).toEqual(['idle', 'connecting', 'open'])
})

test('bytes dripped one at a time arrive intact, multibyte characters and CRLF split between writes', async () => {
  server.serve((stream) => stream.drip('id: 1\r\ndata: héllo 😀\r\n\r\n', { intervalMs: 1 }))
  const run = start('/drip')
  await run.recorder.waitFor(() => run.data().length === 1)
  expect(run.recorder.events()).toEqual([{ kind: 'event', type: 'message', data: 'héllo 😀', lastEventId: '1' }])
})

test('a cut in the middle of an event: it never arrives, and the client resumes from the one before', async () => {
  let count = 0
  server.serve((stream) => {
    if (++count > 1) return stream.send({ id: '2', data: 'two, sent again' })
    stream.send({ id: '1', data: 'one' })
    stream.cut({ id: '2', data: 'two' })
  })
  const run = start('/cut')
  await run.recorder.waitFor(() => run.data().length === 2)
  expect(run.data()).toEqual(['one', 'two, sent again'])
  expect(requestsTo('/cut').map((request) => request.lastEventId)).toEqual([undefined, '1'])
  expect(run.statuses()).toEqual(['idle', 'connecting', 'open', 'reconnecting:network', 'open'])
})

test('a POST: method, headers and body in the log; write() sends bytes as they are', async () => {
  server.serve(async (stream) => {
    await stream.write('data: a\r\rdata: b\n\n')
    stream.end()
  })
  const run = start('/post', { method: 'POST', body: '{"q":1}', headers: { 'X-Trace': 't1' }, retry: false })
  await run.recorder.waitFor(() => run.data().length === 2)
  expect(requestsTo('/post')[0]).toMatchObject({ method: 'POST', body: '{"q":1}', headers: { 'x-trace': 't1' } })
})

test('a CORS preflight is answered by the server and is not in the log', async () => {
  const before = server.requests.length
  const response = await fetch(server.url + '/cors', {
    method: 'OPTIONS',
    headers: {
      Origin: 'http://localhost',
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'authorization,last-event-id',
    },
  })
  expect(response.status).toBe(204)
  expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost')
  expect(response.headers.get('access-control-allow-headers')).toBe('authorization,last-event-id')
  expect(server.requests).toHaveLength(before)
})

test('a script that throws is reported, and its request answered 500', async () => {
  const error = jest.spyOn(console, 'error').mockImplementation(() => {})
  server.serve(() => {
    throw new Error('a bug in the script')
  })
  const run = start('/broken', { retry: false })
  await run.recorder.waitFor(() => run.client.state.status === 'closed')
  expect(run.client.state.error).toMatchObject({ code: 'http-status', status: 500 })
  expect(error).toHaveBeenCalledWith(
    expect.stringContaining('the test server script threw for GET /broken'),
    expect.objectContaining({ message: 'a bug in the script' }),
  )
  error.mockRestore()
})

test('waitForRequests says how many came when it times out', async () => {
  await expect(server.waitForRequests(server.requests.length + 1, { timeoutMs: 50 })).rejects.toThrow(
    /request\(s\) awaited for 50 ms/,
  )
})

test('close() closes every connection it opened, and a waiting waitForRequests fails at once', async () => {
  const own = await createTestServer((stream) => stream.open())
  // Each resolves once the stream is open, with a promise of its end (wrapped: a promise would be adopted).
  const open = (): Promise<{ ended: Promise<void> }> =>
    new Promise((opened, failed) => {
      const req = httpRequest(own.url + '/hold', (res) => {
        res.resume()
        opened({ ended: new Promise((ended) => res.on('close', () => ended())) })
      })
      req.on('error', failed)
      req.end()
    })
  const streams = await Promise.all([open(), open(), open()])
  expect(own.streams.filter((stream) => stream.isOpen)).toHaveLength(3)
  const waiting = own.waitForRequests(10, { timeoutMs: 60_000 })
  await own.close()
  await expect(waiting).rejects.toThrow(/the test server closed/)
  await Promise.all(streams.map((stream) => stream.ended))
  expect(own.streams).toEqual([])
  await expect(own.start()).rejects.toThrow(/closed/)
})
