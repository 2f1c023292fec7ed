/** @jest-environment node */
// Exactly-once delivery, the lost notice, the stall watchdog and the size cap, on the fake transport.
import { createClientWith } from '../src/client'
import type { SsekitError } from '../src/errors'
import type { ClientOptions, LostNotice } from '../src/types'
import { createFakeTransport } from './helpers/fake-transport'
import { record } from './helpers/record'

type Events = { tick: string }

function setup(options: ClientOptions = {}) {
  const fake = createFakeTransport('native')
  const errors: SsekitError[] = []
  const client = createClientWith<Events>(fake.source, 'http://test/stream', {
    retry: { jitter: 0, initialDelayMs: 100 },
    onError: (error) => errors.push(error),
    ...options,
  })
  return { fake, client, errors, rec: record<Events>(client, ['tick']) }
}

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())

const ticks = (rec: ReturnType<typeof setup>['rec']) =>
  rec.events().map((entry) => entry.kind === 'event' && entry.data)

describe('exactly once', () => {
  test('a server that replays from an older id causes no duplicate', () => {
    const { fake, client, rec } = setup()
    client.connect()
    fake.last.open()
    ;['1', '2', '3'].forEach((id) => fake.last.message('tick', 't' + id, id))
    fake.last.drop()
    jest.advanceTimersByTime(100)
    expect(fake.last.request.lastEventId).toBe('3')
    fake.last.open()
    ;['2', '3', '4'].forEach((id) => fake.last.message('tick', 't' + id, id))
    expect(ticks(rec)).toEqual(['t1', 't2', 't3', 't4'])
    expect(client.lastEventId).toBe('4')
  })

  test('events without an id of their own are not mistaken for replays', () => {
    const { fake, client, rec } = setup()
    client.connect()
    fake.last.message('tick', 'a', '7')
    fake.last.message('tick', 'b', '7')
    fake.last.message('tick', 'c', '7')
    expect(ticks(rec)).toEqual(['a', 'b', 'c'])
  })

  test('ids are opaque strings: Nchan-style ids, no numeric comparison', () => {
    const { fake, client, rec } = setup()
    client.connect()
    fake.last.message('tick', 'a', '1795514888:0')
    fake.last.message('tick', 'b', '1795514888:1')
    fake.last.message('tick', 'c', '10')
    fake.last.message('tick', 'd', '9')
    expect(ticks(rec)).toEqual(['a', 'b', 'c', 'd'])
  })

  test('the window is bounded: an id older than 1000 deliveries is delivered again', () => {
    const { fake, client, rec } = setup()
    client.connect()
    for (let n = 0; n <= 1000; n++) fake.last.message('tick', String(n), 'id' + n)
    fake.last.message('tick', 'again', 'id0')
    fake.last.message('tick', 'dropped', 'id1000')
    expect(rec.events()).toHaveLength(1002)
  })

  test('an id containing NUL is ignored, as the spec says', () => {
    const { fake, client, rec } = setup()
    client.connect()
    fake.last.message('tick', 'a', '5')
    fake.last.message('tick', 'b', '6\0x')
    expect(client.lastEventId).toBe('5')
    expect(rec.events().map((entry) => entry.kind === 'event' && entry.lastEventId)).toEqual(['5', '5'])
  })
})

test('the lost notice is a typed event and lands in the state until the next connect', () => {
  const { fake, client } = setup({ decode: 'text' })
  const notices: LostNotice[] = []
  client.on('ssekit-lost', (notice) => notices.push(notice))
  client.connect()
  fake.last.open()
  fake.last.message('ssekit-lost', '{"lastEventId":"3","reason":"expired","oldestId":"90"}')
  expect(notices).toEqual([{ lastEventId: '3', reason: 'expired', oldestId: '90' }])
  expect(client.state).toMatchObject({ status: 'open', lost: notices[0] })
  fake.last.drop()
  expect(client.state).toMatchObject({ status: 'reconnecting', lost: notices[0] })
  client.disconnect()
  client.connect()
  expect(client.state.lost).toBeUndefined()
})

describe('stall watchdog', () => {
  test('nothing for heartbeatTimeoutMs closes and retries with a stalled error', () => {
    const { fake, client, rec } = setup({ heartbeatTimeoutMs: 900 })
    client.connect()
    fake.last.open()
    jest.advanceTimersByTime(600)
    fake.last.message('ssekit-ping', '')
    // The watchdog looks every 300 ms. The look at 600 runs just before the ping, so the ping is seen at 900;
    // 1200, 1500 and 1800 are quiet: closed 1200 ms after the ping, within heartbeatTimeoutMs plus a third.
    jest.advanceTimersByTime(1199)
    expect(client.state.status).toBe('open')
    jest.advanceTimersByTime(1)
    expect(fake.connections[0].closed).toBe(true)
    expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 100 })
    expect(client.state.error).toMatchObject({ code: 'stalled', url: 'http://test/stream' })
    expect(rec.events()).toEqual([])
  })

  test('raw activity from the transport (comments) keeps the stream alive', () => {
    const { fake, client } = setup({ heartbeatTimeoutMs: 900 })
    client.connect()
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(850)
      fake.last.request.onActivity()
    }
    expect(client.state.status).toBe('connecting')
    expect(fake.connections).toHaveLength(1)
  })

  test("with retry: 'transport' a stall restarts the EventSource at once", () => {
    const { fake, client } = setup({ heartbeatTimeoutMs: 600, retry: 'transport' })
    client.connect()
    fake.last.open()
    jest.advanceTimersByTime(799)
    expect(fake.connections).toHaveLength(1)
    jest.advanceTimersByTime(1)
    expect(fake.connections).toHaveLength(2)
    expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1 })
  })

  test('0 disables it; disconnect clears it', () => {
    const { fake, client } = setup({ heartbeatTimeoutMs: 0 })
    client.connect()
    jest.advanceTimersByTime(10 * 60 * 1000)
    expect(client.state.status).toBe('connecting')
    expect(jest.getTimerCount()).toBe(0)
    client.disconnect()
    const other = setup()
    other.client.connect()
    other.client.disconnect()
    expect(jest.getTimerCount()).toBe(0)
    expect(fake.connections).toHaveLength(1)
  })
})

test('an event longer than maxEventLength closes with too-large and is not retried', () => {
  const { fake, client, rec } = setup({ maxEventLength: 10 })
  client.connect()
  fake.last.message('tick', '0123456789')
  fake.last.message('tick', '0123456789A')
  expect(ticks(rec)).toEqual(['0123456789'])
  expect(client.state).toMatchObject({ status: 'closed' })
  expect(client.state.error).toMatchObject({ code: 'too-large' })
  jest.advanceTimersByTime(60000)
  expect(fake.connections).toHaveLength(1)
})
