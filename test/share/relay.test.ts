/** @jest-environment node */
/**
 * The election and the relay protocol of sharing (src/share/relay.ts), on fakes of Web Locks and BroadcastChannel
 * (test/helpers/fake-share.ts) and of the real transport: each "tab" is a client over the sharing transport, with a
 * fake transport of its own that only a leader opens. Timers are jest's; every wait is `advanceTimersByTimeAsync`.
 */
import { createClientWith, type TransportSource } from '../../src/client'
import { groupName } from '../../src/share/protocol'
import { shareTransport } from '../../src/share/relay'
import type { ClientOptions, ConnectionState } from '../../src/types'
import { createFakePage, createSharePlatform, type FakeSharePlatform } from '../helpers/fake-share'
import { createFakeTransport } from '../helpers/fake-transport'
import { record } from '../helpers/record'

const URL = 'http://test/stream'
const NAME = groupName(JSON.stringify([URL, 'GET', false, 'lastEventId', 'auto']))
const BASE: ClientOptions = { share: true, heartbeatTimeoutMs: 4000, retry: { jitter: 0, initialDelayMs: 100 } }

let platform: FakeSharePlatform

beforeEach(() => {
  jest.useFakeTimers()
  platform = createSharePlatform()
})
afterEach(() => jest.useRealTimers())

/** Lets every promise, lock grant and message run: a few rounds of the timer queue. */
const settle = async (ms = 5) => {
  for (let round = 0; round < 5; round++) await jest.advanceTimersByTimeAsync(ms)
}

function openTab(options: ClientOptions = {}, types: string[] = ['date']) {
  const fake = createFakeTransport('native')
  const page = createFakePage()
  const real = fake.source.native()
  if (!real) throw new Error('no fake transport')
  const all = { ...BASE, ...options }
  const source: TransportSource = {
    native: () => undefined,
    lazy: (wanted, done) => done(shareTransport(real, createClientWith, all, wanted, { ...platform, document: page })),
  }
  const client = createClientWith(source, URL, all)
  const rec = record(client, types)
  client.connect()
  const ids = () => rec.events().map((entry) => (entry.kind === 'event' ? entry.lastEventId : ''))
  return { fake, page, client, rec, ids, role: () => client.state.role }
}

type Tab = ReturnType<typeof openTab>

/** The one tab whose fake transport has a live connection: the leader. */
function leaderOf(tabs: Tab[]): Tab {
  const leaders = tabs.filter((tab) => tab.fake.connections.some((connection) => !connection.closed))
  expect(leaders).toHaveLength(1)
  expect(leaders[0].role()).toBe('leader')
  return leaders[0]
}

describe('election', () => {
  test('three tabs: the first leads, alone opens a connection, and every tab shows its state', async () => {
    const tabs = [openTab(), openTab(), openTab()]
    await settle()
    const leader = leaderOf(tabs)
    expect(leader).toBe(tabs[0])
    expect(tabs.map((tab) => tab.fake.connections.length)).toEqual([1, 0, 0])
    leader.fake.last.open()
    await settle()
    for (const tab of tabs) expect(tab.client.state).toMatchObject({ status: 'open', attempt: 0, transport: 'native' })
    expect(tabs.map((tab) => tab.role())).toEqual(['leader', 'follower', 'follower'])
  })

  test('the leader relays every event, in order, with its id; each tab delivers the types it listens to', async () => {
    const tabs = [openTab(), openTab({}, ['date', 'tick']), openTab({}, ['tick'])]
    await settle()
    const connection = tabs[0].fake.last
    connection.open()
    // The follower's type reached the leader's connection.
    expect(connection.listening).toEqual(expect.arrayContaining(['date', 'tick']))
    connection.message('date', 'a', '1')
    connection.message('tick', 'b', '2')
    connection.message('date', 'c', '3')
    await settle()
    expect(tabs[0].rec.events()).toEqual([
      { kind: 'event', type: 'date', data: 'a', lastEventId: '1' },
      { kind: 'event', type: 'date', data: 'c', lastEventId: '3' },
    ])
    expect(tabs[1].ids()).toEqual(['1', '2', '3'])
    expect(tabs[2].rec.events()).toEqual([{ kind: 'event', type: 'tick', data: 'b', lastEventId: '2' }])
    // Each tab's own last id is that of the last event it delivered, as without sharing.
    expect(tabs.map((tab) => tab.client.lastEventId)).toEqual(['3', '3', '2'])
  })

  test("followers show the leader's reconnection exactly: attempt, delay and error", async () => {
    const tabs = [openTab(), openTab()]
    await settle()
    tabs[0].fake.last.open()
    await settle()
    tabs[0].fake.last.refuse(503, 250)
    await settle()
    const leaderState = tabs[0].client.state
    expect(leaderState).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 250, role: 'leader' })
    const followerState: ConnectionState = tabs[1].client.state
    expect(followerState).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 250, role: 'follower' })
    expect(followerState.error).toMatchObject({ name: 'SsekitError', code: 'http-status', status: 503, url: URL })
    expect(followerState.error?.message).toBe(leaderState.error?.message)
  })

  test("the leader's headers function is called before each of its attempts", async () => {
    const calls: string[] = []
    const headers = (tab: string) => () => (calls.push(tab), { Authorization: 'Bearer ' + calls.length })
    const tabs = [openTab({ headers: headers('leader') }), openTab({ headers: headers('follower') })]
    await settle()
    // Each tab's client asks once as it joins; the leader's own connection asks before each attempt.
    expect(calls).toEqual(['leader', 'follower', 'leader'])
    expect(tabs[0].fake.last.request.headers).toEqual({ Authorization: 'Bearer 3' })
    tabs[0].fake.last.refuse(503)
    await jest.advanceTimersByTimeAsync(100)
    await settle()
    expect(tabs[0].fake.connections).toHaveLength(2)
    expect(calls).toEqual(['leader', 'follower', 'leader', 'leader'])
    expect(tabs[0].fake.last.request.headers).toEqual({ Authorization: 'Bearer 4' })
    expect(tabs[1].fake.connections).toHaveLength(0)
  })

  test('a failure that ends the connection closes every tab with it', async () => {
    const tabs = [openTab(), openTab()]
    await settle()
    tabs[0].fake.last.refuse(401)
    await settle()
    for (const tab of tabs) {
      expect(tab.client.state).toMatchObject({ status: 'closed', error: { code: 'http-status', status: 401 } })
    }
    // The follower left before the lock was free: it did not try again.
    expect(tabs[1].fake.connections).toHaveLength(0)
    await jest.advanceTimersByTimeAsync(1000)
    expect(platform.isHeld(NAME)).toBe(false)
    expect(platform.channels.size).toBe(0)
  })
})

describe('handover', () => {
  test('the leader disconnects: the next tab resumes from the last id, and a replay is dropped', async () => {
    const tabs = [openTab(), openTab(), openTab()]
    await settle()
    tabs[0].fake.last.open()
    for (const id of ['1', '2', '3']) tabs[0].fake.last.message('date', 'x' + id, id)
    await settle()
    tabs[0].client.disconnect()
    await settle()
    expect(tabs[0].fake.last.closed).toBe(true)
    const next = leaderOf(tabs.slice(1))
    expect(next).toBe(tabs[1])
    const connection = next.fake.last
    expect(connection.request.lastEventId).toBe('3')
    connection.open()
    // A server that replays one event too many: every tab drops it.
    for (const id of ['3', '4', '5']) connection.message('date', 'x' + id, id)
    await settle()
    expect(tabs[0].ids()).toEqual(['1', '2', '3'])
    expect(tabs[1].ids()).toEqual(['1', '2', '3', '4', '5'])
    expect(tabs[2].ids()).toEqual(['1', '2', '3', '4', '5'])
    expect(tabs[0].client.state.status).toBe('closed')
    expect(tabs[0].client.state.role).toBeUndefined()
  })

  test('a tab that joins and leads before any event resumes from the id the group told it', async () => {
    const first = openTab()
    await settle()
    first.fake.last.open()
    first.fake.last.message('date', 'x', '7')
    await settle()
    const late = openTab({}, ['none'])
    await settle()
    expect(late.role()).toBe('follower')
    first.client.disconnect()
    await settle()
    expect(late.fake.last.request.lastEventId).toBe('7')
  })

  test('the last tab to disconnect closes the connection and frees the lock and the channel', async () => {
    const tabs = [openTab(), openTab()]
    await settle()
    tabs[1].client.disconnect()
    await settle()
    expect(tabs[0].fake.last.closed).toBe(false)
    tabs[0].client.disconnect()
    await settle()
    expect(tabs[0].fake.last.closed).toBe(true)
    expect(platform.isHeld(NAME)).toBe(false)
    expect(platform.channels.size).toBe(0)
    expect(tabs[0].page.count()).toBe(0)
  })

  test('freeze steps down and resume rejoins as a follower', async () => {
    const tabs = [openTab(), openTab()]
    await settle()
    tabs[0].fake.last.open()
    await settle()
    tabs[0].page.fire('freeze')
    await settle()
    expect(tabs[0].fake.last.closed).toBe(true)
    expect(leaderOf(tabs)).toBe(tabs[1])
    tabs[0].page.fire('resume')
    tabs[1].fake.last.open()
    await settle()
    expect(tabs.map((tab) => tab.role())).toEqual(['follower', 'leader'])
    expect(tabs[0].client.state.status).toBe('open')
  })

  test('a stuck leader: a follower that hears nothing for heartbeatTimeoutMs steals; the old one steps down', async () => {
    const tabs = [openTab(), openTab(), openTab()]
    await settle()
    tabs[0].fake.last.open()
    tabs[0].fake.last.message('date', 'x', '1')
    await settle()
    // The leader's channel: the one that posts states.
    const stuck = platform.posted.find((post) => post.message[1] === 'state')?.from
    if (!stuck) throw new Error('no state was posted')
    platform.mute(stuck)
    await jest.advanceTimersByTimeAsync(4000)
    await settle()
    // Not yet: four quiet looks a quarter of the timeout apart.
    expect(tabs[0].fake.last.closed).toBe(false)
    await jest.advanceTimersByTimeAsync(1000)
    await settle()
    // Both followers timed out at once; one stole. The stolen leader's request rejected: it closed its connection
    // and queued again.
    expect(tabs[0].fake.last.closed).toBe(true)
    const next = leaderOf(tabs)
    expect(tabs.map((tab) => tab.fake.connections.length).reduce((a, b) => a + b)).toBe(2)
    expect(next).not.toBe(tabs[0])
    expect(next.fake.last.request.lastEventId).toBe('1')
    platform.mute(stuck, false)
    next.fake.last.open()
    next.fake.last.message('date', 'y', '2')
    await settle()
    for (const tab of tabs) expect(tab.ids()).toEqual(['1', '2'])
    expect(tabs[0].role()).toBe('follower')
  })

  test("a quiet but live leader keeps its lock, and no tab's own watchdog fires", async () => {
    const tabs = [openTab(), openTab()]
    await settle()
    tabs[0].fake.last.open()
    await settle()
    // Nothing but the server's heartbeat for 20 s.
    for (let second = 0; second < 20; second++) {
      tabs[0].fake.last.message('ssekit-ping', '')
      await jest.advanceTimersByTimeAsync(1000)
    }
    await settle()
    expect(tabs[0].fake.connections).toHaveLength(1)
    expect(tabs[1].fake.connections).toHaveLength(0)
    for (const tab of tabs) expect(tab.client.state.status).toBe('open')
  })
})

describe('protocol', () => {
  test('messages that are not of ssekit protocol 1, and events of an older leader, are ignored', async () => {
    const tabs = [openTab(), openTab()]
    await settle()
    tabs[0].fake.last.open()
    tabs[0].fake.last.message('date', 'x', '1')
    await settle()
    const event = ['event', 1e9, '99', 'date', 'forged']
    const foreign = [null, 'text', 'ssekit/1', 42, ['ssekit/2', ...event], ['ssekit', ...event], event]
    for (const data of [...foreign, { ssekit: 1, kind: 'event', term: 1e9, id: '99', type: 'date', data: 'x' }]) {
      platform.inject(NAME, data)
    }
    // Of this protocol, but from a leader older than the current one.
    platform.inject(NAME, ['ssekit/1', 'event', 0.5, '99', 'date', 'forged'])
    await settle()
    expect(tabs[1].ids()).toEqual(['1'])
    expect(tabs[0].role()).toBe('leader')
  })

  test('a leader that hears of a newer term steps down, and delivers what the newer one sends', async () => {
    const tabs = [openTab(), openTab()]
    await settle()
    tabs[0].fake.last.open()
    await settle()
    platform.inject(NAME, ['ssekit/1', 'event', 1e9, '5', 'date', 'z'])
    await settle()
    // It closed its connection and delivered the newer leader's event; that "leader" (a forged message) holds no
    // lock, so the election goes on to one real leader.
    expect(tabs[0].fake.connections[0].closed).toBe(true)
    expect(tabs[0].ids()).toEqual(['5'])
    leaderOf(tabs)
  })

  test('every message is structured-cloneable, and carries the tag and version', async () => {
    const tabs = [openTab(), openTab()]
    await settle()
    tabs[0].fake.last.refuse(503)
    await settle()
    expect(platform.posted.length).toBeGreaterThan(0)
    for (const { message } of platform.posted) expect(message[0]).toBe('ssekit/1')
    expect(platform.posted.map(({ message }) => message[1])).toEqual(expect.arrayContaining(['hello', 'state']))
  })
})
