/** @jest-environment node */
/**
 * The election and the relay protocol of sharing (src/share/relay.ts), on fakes of Web Locks and BroadcastChannel
 * (test/helpers/fake-share.ts) and of the real transport: each "tab" is a client over the sharing transport, with a
 * fake transport of its own that only a leader opens (test/helpers/fake-tabs.ts).
 */
import { isSsekitError, SsekitError } from '../../src/errors'
import { EVENT, HELLO, STATE } from '../../src/share/protocol'
import type { ConnectionState } from '../../src/types'
import { leaderOf, NAME, settle, URL, useFakeTabs } from '../helpers/fake-tabs'

const origin = useFakeTabs()
const openTab = origin.openTab

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
    expect(origin.platform.isHeld(NAME)).toBe(false)
    expect(origin.platform.channels.size).toBe(0)
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

  test('a new leader that takes the lock before the last event reached it: that event, relayed again, is dropped', async () => {
    const tabs = [openTab(), openTab(), openTab()]
    await settle()
    tabs[0].fake.last.open()
    for (const id of ['1', '2']) tabs[0].fake.last.message('date', 'x' + id, id)
    await settle()
    // Event 3 is on the channel when the leader leaves: the lock reaches the next tab first (in a browser, a lock
    // grant and a message come by different ways).
    tabs[0].fake.last.message('date', 'x3', '3')
    tabs[0].client.disconnect()
    for (let turn = 0; turn < 20; turn++) await Promise.resolve()
    const connection = tabs[1].fake.last
    expect(connection.request.lastEventId).toBe('2')
    connection.open()
    for (const id of ['3', '4']) connection.message('date', 'x' + id, id)
    await settle()
    expect(tabs[0].ids()).toEqual(['1', '2', '3'])
    expect(tabs[1].ids()).toEqual(['1', '2', '3', '4'])
    expect(tabs[2].ids()).toEqual(['1', '2', '3', '4'])
  })

  test("a stream without ids: every tab gets the new leader's first event (no id, so nothing to tell a repeat by)", async () => {
    const tabs = [openTab(), openTab(), openTab()]
    await settle()
    tabs[0].fake.last.open()
    for (const data of ['a', 'b']) tabs[0].fake.last.message('date', data, '')
    await settle()
    tabs[0].client.disconnect()
    await settle()
    const connection = tabs[1].fake.last
    expect(connection.request.lastEventId).toBe('')
    connection.open()
    for (const data of ['c', 'd']) connection.message('date', data, '')
    await settle()
    const data = (tab: (typeof tabs)[number]) => tab.rec.events().map((event) => event.kind === 'event' && event.data)
    expect(data(tabs[0])).toEqual(['a', 'b'])
    expect(data(tabs[1])).toEqual(['a', 'b', 'c', 'd'])
    expect(data(tabs[2])).toEqual(['a', 'b', 'c', 'd'])
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
    expect(origin.platform.isHeld(NAME)).toBe(false)
    expect(origin.platform.channels.size).toBe(0)
    expect(tabs[0].page.count()).toBe(0)
  })

  test('freeze steps down and resume rejoins as a follower', async () => {
    const tabs = [openTab(), openTab()]
    await settle()
    tabs[0].fake.last.open()
    await settle()
    tabs[0].page.fire('freeze')
    // A frozen page runs no timer: the lock is released in the freeze handler's own turn, and the next tab leads
    // with no timer run (promise callbacks only).
    for (let turn = 0; turn < 20; turn++) await Promise.resolve()
    expect(tabs[1].fake.connections).toHaveLength(1)
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
    const stuck = origin.leaderChannel()
    origin.platform.mute(stuck)
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
    origin.platform.mute(stuck, false)
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
    const event = [EVENT, 1e15, '99', 'date', 'forged']
    const foreign = [null, 'text', 'ssekit/1', 42, ['ssekit/2', ...event], ['ssekit', ...event], event]
    for (const data of [...foreign, { ssekit: 1, kind: 'event', term: 1e9, id: '99', type: 'date', data: 'x' }]) {
      origin.platform.inject(NAME, data)
    }
    // Of this protocol, but from a leader older than the current one.
    origin.platform.inject(NAME, ['ssekit/1', EVENT, 0.5, '99', 'date', 'forged'])
    await settle()
    expect(tabs[1].ids()).toEqual(['1'])
    expect(tabs[0].role()).toBe('leader')
  })

  test('a leader that hears of a newer term steps down, and delivers what the newer one sends', async () => {
    const tabs = [openTab(), openTab()]
    await settle()
    tabs[0].fake.last.open()
    await settle()
    origin.platform.inject(NAME, ['ssekit/1', EVENT, 1e15, '5', 'date', 'z'])
    await settle()
    // It closed its connection and delivered the newer leader's event; that "leader" (a forged message) holds no
    // lock, so the election goes on to one real leader.
    expect(tabs[0].fake.connections[0].closed).toBe(true)
    expect(tabs[0].ids()).toEqual(['5'])
    leaderOf(tabs)
  })

  test("a state crosses with its error rebuilt as an SsekitError, with the leader's message and fields, without its cause", async () => {
    const tabs = [openTab(), openTab()]
    await settle()
    // A cause structured clone cannot copy (an Event has methods, say).
    const cause = { listener: () => undefined }
    const error = new SsekitError('Connection failed with status 503: GET ' + URL, {
      code: 'http-status',
      status: 503,
      url: URL,
      retryAfterMs: 2000,
      cause,
    })
    tabs[0].fake.last.handlers.onError(error, false)
    await settle()
    const state = tabs[1].client.state
    expect(state).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 2000, role: 'follower' })
    expect(state.error).toBeInstanceOf(SsekitError)
    expect(isSsekitError(state.error)).toBe(true)
    expect(state.error).toMatchObject({ name: 'SsekitError', code: 'http-status', status: 503, retryAfterMs: 2000 })
    expect(state.error?.message).toBe(error.message)
    expect(state.error?.cause).toBeUndefined()
    expect(tabs[0].client.state.error).toBe(error)
  })

  test('every message is structured-cloneable, and carries the tag and version', async () => {
    const tabs = [openTab(), openTab()]
    await settle()
    tabs[0].fake.last.refuse(503)
    await settle()
    expect(origin.platform.posted.length).toBeGreaterThan(0)
    for (const { message } of origin.platform.posted) expect(message[0]).toBe('ssekit/1')
    expect(origin.platform.posted.map(({ message }) => message[1])).toEqual(expect.arrayContaining([HELLO, STATE]))
  })
})
