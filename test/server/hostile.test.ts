/** @jest-environment node */
// Issue 11, finding 1: clients that pipeline, flood and hoard, against the real server on 127.0.0.1 (in this process
// on port 0, and the built CLI in a child process for the memory figure). Every loop is bounded in count and time.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createChannel, createServer, type Channel, type ServerOptions, type SseServer } from '../../src/server'
import { createHostileKit, pipelined, rawRequest, streamRequest } from '../helpers/hostile-client'
import { spawnServer, type ServerProcess } from '../helpers/server-process'
import { waitFor } from '../helpers/wait-for'

const MB = 1024 * 1024
/** The CLI idles at about 50 MB; before the fix, 10 flooding sockets took it past 1.5 GB within 8 s. */
const FLOOD_RSS_BOUND = 400 * MB

const hostile = createHostileKit()
let servers: SseServer[] = []
// Started first, so that its replay buffer fills (1000 events at 10 ms) while the other tests run.
let cli: Promise<ServerProcess>

beforeAll(() => {
  cli = spawnServer({ INTERVAL_MS: '10' })
  // Awaited by the flood test; a start failure must not surface earlier as an unhandled rejection.
  cli.catch(() => undefined)
})

afterAll(async () => {
  await (await cli.catch(() => undefined))?.stop()
})

afterEach(async () => {
  hostile.destroyAll()
  await Promise.all(servers.map((server) => server.dispose()))
  servers = []
})

async function start(options: ServerOptions = {}): Promise<{ sse: SseServer; port: number }> {
  const sse = createServer({ intervalMs: 1000, heartbeatMs: 0, ...options })
  servers.push(sse)
  await sse.listen(0, '127.0.0.1')
  return { sse, port: (sse.server.address() as AddressInfo).port }
}

/** Streams open on both clocks. */
const streams = (sse: SseServer): number => sse.channels.date.clients + sse.channels.tick.clients

/** A raw answer's header, or undefined. */
const header = (raw: string, name: string): string | undefined =>
  new RegExp(`\\r\\n${name}: ([^\\r]*)\\r\\n`, 'i').exec(raw.slice(0, raw.indexOf('\r\n\r\n') + 2))?.[1]

describe('a stream owns its socket', () => {
  test.each([
    ['2000 resuming stream requests on one socket', pipelined(streamRequest('/stream/date', '1'), 2000)],
    ['a stream, then a stream of the other clock', streamRequest('/stream/date') + streamRequest('/stream/tick')],
    ['a stream, then a health check', streamRequest('/stream/tick') + rawRequest('/healthz')],
    ['a health check, then two streams', rawRequest('/healthz') + pipelined(streamRequest('/stream/date'), 2)],
  ])('%s: the server closes the connection and keeps no stream', async (_, send) => {
    const { sse, port } = await start()
    sse.channels.date.publish('date', '"replayed"')
    const client = hostile.open(port, { send })
    await client.waitForClose()
    await waitFor(() => streams(sse) === 0, 2000, 'no open stream')
  })

  test('a stream alone says Connection: close and stays open with live events', async () => {
    const { sse, port } = await start()
    const client = hostile.open(port, { send: streamRequest('/stream/date') })
    expect(await client.waitForStatus()).toBe(200)
    expect(header(client.received, 'Connection')).toBe('close')
    await waitFor(() => sse.channels.date.clients === 1, 2000, 'the stream to be counted')
    const id = sse.channels.date.publish('date', '"live"')
    await waitFor(() => client.received.includes(`id: ${id}\n`), 2000, 'the live event')
    expect(client.isClosed).toBe(false)
  })
})

describe('limits on stream clients', () => {
  test('over maxClients, counted across both clocks: 503, Retry-After, a plain-text reason; a freed slot serves again', async () => {
    const { sse, port } = await start({ maxClients: 3, maxClientsPerAddress: 0 })
    const open = ['/stream/date', '/stream/date', '/stream/tick'].map((path) =>
      hostile.open(port, { send: streamRequest(path) }),
    )
    for (const client of open) expect(await client.waitForStatus()).toBe(200)
    const refused = hostile.open(port, { send: streamRequest('/stream/tick') })
    expect(await refused.waitForStatus()).toBe(503)
    expect(header(refused.received, 'Retry-After')).toBe('10')
    expect(header(refused.received, 'Content-Type')).toBe('text/plain; charset=utf-8')
    expect(header(refused.received, 'Connection')).toBe('close')
    expect(refused.received).toMatch(/Too many streams: 3 open, .*\(maxClients 3\); retry in 10 s\n/)
    await refused.waitForClose()
    expect(streams(sse)).toBe(3)
    open[0].socket.destroy()
    await waitFor(() => streams(sse) === 2, 2000, 'the closed stream to free its slot')
    expect(await hostile.open(port, { send: streamRequest('/stream/tick') }).waitForStatus()).toBe(200)
  })

  test('over maxClientsPerAddress: 503 for that address, another address is still served', async () => {
    const { port } = await start({ maxClientsPerAddress: 2 })
    const first = [hostile.open(port, { send: streamRequest('/stream/date') })]
    first.push(hostile.open(port, { send: streamRequest('/stream/tick') }))
    for (const client of first) expect(await client.waitForStatus()).toBe(200)
    const refused = hostile.open(port, { send: streamRequest('/stream/date') })
    expect(await refused.waitForStatus()).toBe(503)
    expect(refused.received).toMatch(/2 open from 127\.0\.0\.1, .*\(maxClientsPerAddress 2\)/)
    const other = hostile.open(port, { send: streamRequest('/stream/date'), localAddress: '127.0.0.2' })
    expect(await other.waitForStatus()).toBe(200)
  })

  test('by default one address gets 50 streams, the 51st gets 503', async () => {
    const { sse, port } = await start()
    const open = Array.from({ length: 50 }, () => hostile.open(port, { send: streamRequest('/stream/date') }))
    await waitFor(() => sse.channels.date.clients === 50, 5000, '50 open streams')
    expect(await hostile.open(port, { send: streamRequest('/stream/tick') }).waitForStatus()).toBe(503)
    expect(open.every((client) => client.status === 200)).toBe(true)
  })

  test("a custom channel given the server's limiter counts with the clocks", async () => {
    const limited = { maxClients: 2, maxClientsPerAddress: 0 }
    // The channel needs the server's limiter, so the route finds it once the server exists.
    const custom: { news?: Channel } = {}
    const route = { '/stream/news': (req: IncomingMessage, res: ServerResponse) => custom.news?.handle(req, res) }
    const { sse, port } = await start({ ...limited, routes: route })
    const news = (custom.news = createChannel({ limiter: sse.limiter, heartbeatMs: 0 }))
    expect(await hostile.open(port, { send: streamRequest('/stream/date') }).waitForStatus()).toBe(200)
    expect(await hostile.open(port, { send: streamRequest('/stream/news') }).waitForStatus()).toBe(200)
    expect(await hostile.open(port, { send: streamRequest('/stream/news') }).waitForStatus()).toBe(503)
    expect(sse.limiter.clients).toBe(2)
    expect(sse.limiter.refusedClients).toBe(1)
    news.close()
  })
})

describe('the CLI under a pipelining flood', () => {
  test(`INTERVAL_MS=10, full replay buffer, 60 sockets × 2000 pipelined resumes that never read: RSS stays under ${
    FLOOD_RSS_BOUND / MB
  } MB, every flood socket is closed, the server still answers`, async () => {
    const server = await cli
    // One resuming stream sees every event since it connected on top of its replay: 1000 means the buffer is full.
    const probe = hostile.open(server.port, { send: streamRequest('/stream/date', '1') })
    await waitFor(() => (probe.received.match(/\nid: /g) ?? []).length >= 1000, 30_000, 'a full replay buffer')
    probe.socket.destroy()
    const before = server.rssBytes()
    const send = pipelined(streamRequest('/stream/date', '1'), 2000)
    const flood = Array.from({ length: 60 }, () => hostile.open(server.port, { send, read: false }))
    // Sample for 5 s, or until the bound is passed (the old server grows by gigabytes: stop it early).
    let peak = before
    for (const until = Date.now() + 5000; Date.now() < until && server.isRunning && peak < FLOOD_RSS_BOUND;) {
      peak = Math.max(peak, server.rssBytes())
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    console.log(
      `flood: server RSS ${Math.round(before / MB)} MB before, peak ${Math.round(peak / MB)} MB` +
        ` (60 sockets, ${((60 * send.length) / MB).toFixed(1)} MB sent)`,
    )
    expect(server.isRunning).toBe(true)
    expect(peak).toBeLessThan(FLOOD_RSS_BOUND)
    for (const client of flood) client.resume()
    await waitFor(() => flood.every((client) => client.isClosed), 5000, 'every flood socket to be closed')
    expect(await hostile.open(server.port, { send: rawRequest('/healthz') }).waitForStatus()).toBe(200)
  }, 60_000)
})
