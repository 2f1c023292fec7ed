/** @jest-environment node */
/**
 * How followers tell a live leader from a stuck one (src/share/relay.ts), on the fakes of test/helpers/fake-tabs.ts:
 * on silence a follower asks (a hello), and takes the lock only when no answer came a beat later; of the followers
 * that ask at once, one steals. `heartbeatTimeoutMs` is 4,000 ms: a beat is 1,000 ms.
 */
import { EVENT, HELLO, STATE } from '../../src/share/protocol'
import { connectionsOf, leaderOf, settle, useFakeTabs } from '../helpers/fake-tabs'

const origin = useFakeTabs()
const { openTab } = origin

/** What was posted from the channel of each message, in order, as `kind` names. */
const kinds = () =>
  origin.platform.posted.map(({ message }) => ({ [HELLO]: 'hello', [STATE]: 'state', [EVENT]: 'event' })[message[1]])

test('a leader whose timers never run (as a hidden tab is slowed) keeps the lock: followers ask, it answers', async () => {
  // Its own heartbeat off: all it does is answer what it hears, as a tab whose timers the browser holds back.
  const tabs = [openTab({ heartbeatTimeoutMs: 0 }), openTab(), openTab()]
  await settle()
  tabs[0].fake.last.open()
  await settle()
  const before = origin.platform.posted.length
  // A minute of a quiet stream: no event, no state change.
  for (let second = 0; second < 60; second++) await jest.advanceTimersByTimeAsync(1000)
  await settle()
  const quiet = kinds().slice(before)
  // Each follower asked at most once per timeout (these two ask in the same beat: their timers started together;
  // a question from a follower placed before quiets the others for a round), and each question was answered.
  const hellos = quiet.filter((kind) => kind === 'hello').length
  expect(hellos).toBeGreaterThanOrEqual(15)
  expect(hellos).toBeLessThanOrEqual(2 * 15)
  expect(quiet.filter((kind) => kind === 'state').length).toBe(hellos)
  expect(connectionsOf(tabs)).toBe(1)
  expect(leaderOf(tabs)).toBe(tabs[0])
  for (const tab of tabs) expect(tab.client.state.status).toBe('open')
  // And it still relays.
  tabs[0].fake.last.message('date', 'x', '1')
  await settle()
  for (const tab of tabs) expect(tab.ids()).toEqual(['1'])
})

test('a leader that does not answer is stolen from a beat after the question, and from the last id', async () => {
  const tabs = [openTab(), openTab()]
  await settle()
  tabs[0].fake.last.open()
  tabs[0].fake.last.message('date', 'x', '1')
  await settle()
  const stuck = origin.leaderChannel()
  origin.platform.mute(stuck)
  const before = origin.platform.posted.length
  // Three quiet beats (counted from the first after the last message): the follower asks.
  await jest.advanceTimersByTimeAsync(4000)
  await settle()
  expect(kinds().slice(before)).toEqual(['hello'])
  expect(tabs[1].fake.connections).toHaveLength(0)
  // No answer a beat later: it takes the lock.
  await jest.advanceTimersByTimeAsync(1000)
  await settle()
  expect(tabs[1].fake.connections).toHaveLength(1)
  expect(tabs[1].fake.last.request.lastEventId).toBe('1')
  expect(tabs[0].fake.last.closed).toBe(true)
  expect(leaderOf(tabs)).toBe(tabs[1])
})

test('of four followers that ask at once, only the one placed first steals', async () => {
  const tabs = [openTab(), openTab(), openTab(), openTab(), openTab()]
  await settle()
  tabs[0].fake.last.open()
  await settle()
  const stuck = origin.leaderChannel()
  origin.platform.mute(stuck)
  const before = origin.platform.posted.length
  await jest.advanceTimersByTimeAsync(5000)
  await settle()
  // The four asked in the same beat (their timers started together); one stole, and no other after it. The other
  // hellos: the stealer's as it joined with `steal`, and the stolen leader's as it queued again.
  const hellos = origin.platform.posted.slice(before).filter(({ message }) => message[1] === HELLO)
  expect(hellos).toHaveLength(6)
  const questions = hellos.slice(0, 4)
  expect(new Set(questions.map((post) => post.from)).size).toBe(4)
  expect(connectionsOf(tabs)).toBe(2)
  const next = leaderOf(tabs)
  const first = questions.reduce((low, post) => ((post.message[3] as number) < (low.message[3] as number) ? post : low))
  const from = origin.platform.posted.filter(({ message }) => message[1] === STATE).pop()?.from
  expect(from).toBe(first.from)
  // The others follow it, and keep following; so does the old leader once it hears again.
  next.fake.last.open()
  origin.platform.mute(stuck, false)
  // Ten seconds of the server's heartbeat alone.
  for (let second = 0; second < 10; second++) {
    next.fake.last.message('ssekit-ping', '')
    await jest.advanceTimersByTimeAsync(1000)
  }
  await settle()
  expect(connectionsOf(tabs)).toBe(2)
  expect(leaderOf(tabs)).toBe(next)
  for (const tab of tabs)
    expect(tab.client.state).toMatchObject({ status: 'open', role: tab === next ? 'leader' : 'follower' })
})
