/** @jest-environment node */
// The client against the real companion server on port 0, in Node (no EventSource here: `auto` picks the fetch
// transport). Restarts keep the server's channels, so a resuming client must get every event exactly once.
import { createClient } from '../../src/index'
import { createServer, type SseServer } from '../../src/server/index'
import { record } from '../helpers/record'
import { waitFor } from '../helpers/wait-for'

type Events = { date: string; tick: { n: number; at: string }; 'ssekit-lost': { lastEventId: string; reason: string } }

let server: SseServer
let base: string

beforeAll(async () => {
  server = createServer({ intervalMs: 20, heartbeatMs: 100, retryMs: 50, bufferSize: 500 })
  base = await server.listen(0, '127.0.0.1')
})
afterAll(() => server.dispose())

const fast = { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 }

test('date events arrive decoded with increasing integer ids', async () => {
  const client = createClient<Events>(base + '/stream/date', { decode: 'json', retry: fast })
  const rec = record(client, ['date'])
  client.connect()
  await waitFor(() => rec.events().length >= 3, 5000, 'three dates')
  client.disconnect()
  const events = rec.events().slice(0, 3)
  const ids = events.map((entry) => (entry.kind === 'event' ? Number(entry.lastEventId) : NaN))
  expect(ids[1]).toBeGreaterThan(ids[0])
  expect(ids[2]).toBeGreaterThan(ids[1])
  events.forEach((entry) => entry.kind === 'event' && expect(Date.parse(entry.data as string)).toBeGreaterThan(0))
  expect(client.state).toMatchObject({ status: 'closed', transport: 'fetch' })
})

test('across server restarts every tick arrives exactly once, in order', async () => {
  const client = createClient<Events>(base + '/stream/tick', { decode: 'json', retry: fast })
  const ticks: number[] = []
  const lost: unknown[] = []
  client.on('tick', (data) => ticks.push(data.n))
  client.on('ssekit-lost', (data) => lost.push(data))
  client.connect()
  const port = Number(new URL(base).port)
  for (let restart = 0; restart < 3; restart++) {
    await waitFor(() => client.state.status === 'open' && ticks.length > restart * 5 + 3, 5000, 'ticks')
    await server.close()
    await waitFor(() => client.state.status === 'reconnecting', 5000, 'reconnecting')
    await server.listen(port, '127.0.0.1')
  }
  await waitFor(() => client.state.status === 'open', 5000, 'open again')
  const target = ticks[ticks.length - 1] + 3
  await waitFor(() => ticks[ticks.length - 1] >= target, 5000, 'more ticks')
  client.disconnect()
  expect(lost).toEqual([])
  const first = ticks[0]
  expect(ticks).toEqual(ticks.map((_, index) => first + index))
})

test('a resume from an id older than the buffer is announced by ssekit-lost', async () => {
  const client = createClient<Events>(base + '/stream/tick', { decode: 'json', lastEventId: '1', retry: fast })
  const lost: Array<Events['ssekit-lost']> = []
  client.on('ssekit-lost', (data) => lost.push(data))
  client.connect()
  await waitFor(() => lost.length === 1, 5000, 'lost notice')
  client.disconnect()
  expect(lost[0]).toMatchObject({ lastEventId: '1', reason: 'expired' })
})

test('disconnect stops traffic: the server sees the stream end', async () => {
  const client = createClient<Events>(base + '/stream/date', { retry: fast, decode: 'json' })
  client.connect()
  await waitFor(() => client.state.status === 'open', 5000, 'open')
  const clients = server.channels.date.clients
  client.disconnect()
  await waitFor(() => server.channels.date.clients === clients - 1, 5000, 'server-side close')
})
