/** @jest-environment node */
// Issue 11, finding 1: clients that pipeline and flood, against the real server on 127.0.0.1 (in this process
// on port 0, and the built CLI in a child process for the memory figure). Every loop is bounded in count and time.
import type { AddressInfo } from 'node:net'
import { createServer, type ServerOptions, type SseServer } from '../../src/server'
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
