/** @jest-environment node */
/**
 * The group's last id kept in localStorage (src/share/relay.ts), on the fakes of test/helpers/fake-tabs.ts: kept as
 * a leader starts, at its first event, then after every 16; a tab that comes to lead before it has heard anything resumes from it; a
 * group's first tab never takes an earlier group's; storage that throws changes nothing else. A leader that dies
 * without a word (a crash) is one whose channel is muted and whose lock is then released.
 */
import { EVENT } from '../../src/share/protocol'
import { leaderOf, NAME, settle, useFakeTabs, type Tab } from '../helpers/fake-tabs'

const origin = useFakeTabs()
const { openTab } = origin

/** Ids `from` to `to`, as strings. */
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, at) => String(from + at))

/** The leader's connection delivers these ids, one event each. */
async function deliver(leader: Tab, ids: string[]): Promise<void> {
  for (const id of ids) leader.fake.last.message('date', 'x' + id, id)
  await settle()
}

/** Cuts the leader off, as a renderer about to crash is: nothing it posts from now on is heard. */
function silence(): void {
  origin.platform.mute(origin.leaderChannel())
}

/** The silenced leader goes: its lock is released, and nothing it says on the way is heard. */
async function crash(tab: Tab): Promise<void> {
  tab.client.disconnect()
  await settle()
}

test('kept as a leader starts, at its first event, then after every 16, each after its event was posted', async () => {
  const tabs = [openTab(), openTab()]
  await settle()
  tabs[0].fake.last.open()
  await deliver(tabs[0], range(1, 40))
  const { writes, posted } = origin.platform
  expect(writes.map((write) => write.value)).toEqual(['', '1', '17', '33'])
  for (const write of writes.slice(1)) {
    const before = posted.slice(0, write.posted)
    expect(before.some(({ message }) => message[1] === EVENT && message[3] === write.value)).toBe(true)
  }
  expect(tabs[1].ids()).toEqual(range(1, 40))
})

test('a tab that comes to lead before it has heard anything resumes from the kept id, with a term the others take', async () => {
  // The group had a leader before this one, so that its term is not the first.
  const before = openTab()
  const first = openTab()
  const follower = openTab()
  await settle()
  before.fake.last.open()
  await deliver(before, ['1'])
  before.client.disconnect()
  await settle()
  expect(leaderOf([first, follower])).toBe(first)
  first.fake.last.open()
  await deliver(first, range(2, 20))
  expect(origin.platform.stored.get(NAME)).toBe('18')
  silence()
  // A tab joins and hears nothing (its hello goes unanswered); the follower queues again behind it (it froze and
  // resumed), so that the new tab is next.
  const late = openTab()
  await settle()
  follower.page.fire('freeze')
  follower.page.fire('resume')
  await settle()
  // It heard nothing: it still shows its own attempt, with no role yet.
  expect(late.client.state.status).toBe('connecting')
  expect(late.client.state.role).toBeUndefined()
  await crash(first)
  expect(leaderOf([follower, late])).toBe(late)
  expect(late.fake.last.request.lastEventId).toBe('18')
  late.fake.last.open()
  // The server replays what came after the kept id, then goes on.
  await deliver(late, range(19, 25))
  // The follower heard the new leader at once: its term is above the one it knew, though it heard of none. Its
  // dedupe window dropped the replayed 19 and 20.
  expect(follower.ids()).toEqual(range(1, 25))
  expect(late.ids()).toEqual(range(19, 25))
  expect(follower.client.state).toMatchObject({ status: 'open', role: 'follower' })
})

test("a group's first events: the first is kept at once, so a tab that leads after a silent crash resumes from it", async () => {
  const first = openTab()
  await settle()
  first.fake.last.open()
  await deliver(first, ['1', '2', '3'])
  expect(origin.platform.stored.get(NAME)).toBe('1')
  silence()
  const late = openTab()
  await settle()
  await crash(first)
  expect(leaderOf([late])).toBe(late)
  // Not the empty id, from which the server would send only what comes next: '2' and '3' and what came meanwhile
  // are replayed.
  expect(late.fake.last.request.lastEventId).toBe('1')
})

test("a group's first tab does not take an earlier group's id, and writes its own over it", async () => {
  origin.platform.stored.set(NAME, '99')
  const first = openTab()
  await settle()
  expect(first.fake.last.request.lastEventId).toBe('')
  expect(origin.platform.stored.get(NAME)).toBe('')
  // The group's first leader dies before any event, and a tab that heard nothing leads: it starts from the
  // group's id (none), not the earlier group's.
  first.fake.last.open()
  await settle()
  silence()
  const late = openTab()
  await settle()
  await crash(first)
  expect(leaderOf([late])).toBe(late)
  expect(late.fake.last.request.lastEventId).toBe('')
})

test('an id of 100,000 characters or more is not kept', async () => {
  const tabs = [openTab(), openTab()]
  await settle()
  tabs[0].fake.last.open()
  const longest = 'a'.repeat(99_999)
  // The 17th and the 33rd events are kept, but for the length of the 33rd's id.
  const ids = [...range(1, 16), longest, ...range(18, 32), longest + 'b']
  await deliver(tabs[0], ids)
  expect(origin.platform.writes.map((write) => write.value)).toEqual(['', '1', longest])
  expect(origin.platform.stored.get(NAME)).toBe(longest)
  expect(tabs[1].ids()).toEqual(ids)
})

describe('storage that throws', () => {
  test('on writes (a full quota): every event is still relayed and delivered', async () => {
    origin.platform.breakStorage('writes')
    const tabs = [openTab(), openTab()]
    await settle()
    tabs[0].fake.last.open()
    await deliver(tabs[0], range(1, 20))
    for (const tab of tabs) expect(tab.ids()).toEqual(range(1, 20))
    expect(origin.platform.writes).toEqual([])
  })

  test('on every access (storage turned off): a tab that leads having heard nothing starts from its own id', async () => {
    origin.platform.breakStorage('all')
    const first = openTab()
    await settle()
    first.fake.last.open()
    await deliver(first, range(1, 20))
    silence()
    const late = openTab({ lastEventId: 'mine' })
    await settle()
    await crash(first)
    expect(leaderOf([late])).toBe(late)
    expect(late.fake.last.request.lastEventId).toBe('mine')
    late.fake.last.open()
    await deliver(late, ['21'])
    expect(late.ids()).toEqual(['21'])
    expect(late.client.state).toMatchObject({ status: 'open', role: 'leader' })
  })
})
