/** @jest-environment jest-fixed-jsdom */
/**
 * `ssekit/react` and the bindings of src/ui.ts in a follower tab, unchanged: on the fake tabs of
 * test/helpers/fake-tabs.ts (jsdom with Node's `structuredClone`, which the fake channel uses), a follower's hooks and
 * bound elements show the shared connection as the leader sees it, with `role`, deliver the relayed events, and
 * follow a handover. The follower's own `disconnect()` (its button) takes that tab alone out. `useClient` runs the
 * real `createClient`, share chunk and native transport, on the fakes put where the browser has Web Locks,
 * BroadcastChannel and EventSource.
 */
import { act, render, screen } from '@testing-library/react'
import { useClient, useConnectionState, useEvent, useLatestEvent } from '../../src/react'
import type { Client, EventMap } from '../../src/types'
import { bindButton, bindStatus } from '../../src/ui'
import { FakeEventSource } from '../helpers/fake-event-source'
import { createSharePlatform } from '../helpers/fake-share'
import { connectionsOf, leaderOf, settle, useFakeTabs, type Tab } from '../helpers/fake-tabs'

const { openTab } = useFakeTabs()

/** Runs `action`, then lets every lock grant, message and render run, inside `act`. */
const step = (action: () => void = () => undefined) =>
  act(async () => {
    action()
    await settle()
  })

/** A widget as an app would write it: the status line, the latest date, and every id it was handed. */
function Widget({ client, name, seen }: { client: Client<EventMap>; name: string; seen: string[] }) {
  const { status, role, attempt } = useConnectionState(client)
  const date = useLatestEvent(client, 'date')
  useEvent(client, 'date', (_data, meta) => seen.push(meta.lastEventId))
  return <p data-testid={name}>{[status, role, attempt, String(date ?? '-')].join(' ')}</p>
}

/** Renders a widget for each tab; returns what each shows and the ids each was handed. */
function renderWidgets(tabs: Tab[]) {
  const seen = tabs.map((): string[] => [])
  render(
    <>
      {tabs.map((tab, index) => (
        <Widget key={index} client={tab.client} name={'tab ' + index} seen={seen[index]} />
      ))}
    </>,
  )
  const shown = () => tabs.map((_tab, index) => screen.getByTestId('tab ' + index).textContent)
  return { seen, shown }
}

test("a follower's hooks show the shared state and the relayed events, and follow a handover", async () => {
  const tabs = [openTab(), openTab(), openTab()]
  await step()
  const { seen, shown } = renderWidgets(tabs)
  expect(leaderOf(tabs)).toBe(tabs[0])
  await step(() => tabs[0].fake.last.open())
  expect(shown()).toEqual(['open leader 0 -', 'open follower 0 -', 'open follower 0 -'])
  await step(() => {
    tabs[0].fake.last.message('date', 'a', '1')
    tabs[0].fake.last.message('date', 'b', '2')
  })
  expect(shown()).toEqual(['open leader 0 b', 'open follower 0 b', 'open follower 0 b'])

  // The leader's reconnection, as every tab shows it.
  await step(() => tabs[0].fake.last.refuse(503, 250))
  expect(shown()).toEqual(['reconnecting leader 1 b', 'reconnecting follower 1 b', 'reconnecting follower 1 b'])
  await act(() => jest.advanceTimersByTimeAsync(250))
  await step(() => tabs[0].fake.last.open())
  expect(shown()).toEqual(['open leader 0 b', 'open follower 0 b', 'open follower 0 b'])

  // Handover: the leader leaves; the first follower leads from the last id, and its hooks say so.
  await step(() => tabs[0].client.disconnect())
  expect(leaderOf(tabs.slice(1))).toBe(tabs[1])
  const next = tabs[1].fake.last
  expect(next.request.lastEventId).toBe('2')
  await step(() => next.open())
  // A replay of the id resumed from, then a new event.
  await step(() => {
    next.message('date', 'b', '2')
    next.message('date', 'c', '3')
  })
  expect(shown()).toEqual(['closed  0 b', 'open leader 0 c', 'open follower 0 c'])
  expect(seen).toEqual([
    ['1', '2'],
    ['1', '2', '3'],
    ['1', '2', '3'],
  ])
})

test("bindStatus and bindButton in a follower: the shared status, and the follower's button takes that tab out", async () => {
  const tabs = [openTab(), openTab(), openTab()]
  await step()
  const status = document.createElement('p')
  const button = document.createElement('button')
  const follower = tabs[1]
  bindStatus(follower.client, status)
  bindButton(follower.client, button)
  const bound = () => [status.textContent, button.textContent, button.getAttribute('aria-pressed')]
  expect(bound()).toEqual(['Connecting…', 'Disconnect', 'true'])
  await step(() => tabs[0].fake.last.open())
  expect(bound()).toEqual(['Connection open!', 'Disconnect', 'true'])
  await step(() => tabs[0].fake.last.refuse(503, 250))
  expect(bound()).toEqual(['Attempting to reconnect! (attempt 1, next in 250ms)', 'Disconnect', 'true'])
  await act(() => jest.advanceTimersByTimeAsync(250))
  await step(() => tabs[0].fake.last.open())
  expect(status.textContent).toBe('Connection open!')

  // A click in the follower takes that tab out: the stream and the other tabs go on.
  await step(() => button.click())
  expect(bound()).toEqual(['Connection closed!', 'Connect', 'false'])
  expect(follower.role()).toBeUndefined()
  expect(connectionsOf(tabs)).toBe(2)
  expect(tabs[0].fake.last.closed).toBe(false)
  await step(() => tabs[0].fake.last.message('date', 'a', '1'))
  expect(follower.ids()).toEqual([])
  expect(tabs[2].ids()).toEqual(['1'])

  // A click again: it rejoins as a follower (no connection of its own), from the live stream.
  await step(() => button.click())
  expect(bound()).toEqual(['Connection open!', 'Disconnect', 'true'])
  expect(follower.role()).toBe('follower')
  await step(() => tabs[0].fake.last.message('date', 'b', '2'))
  expect(follower.ids()).toEqual(['2'])

  // The leader leaves: the bound follower shows the new leader's connection, whoever leads.
  await step(() => tabs[0].client.disconnect())
  const next = leaderOf(tabs.slice(1))
  await step(() => next.fake.last.open())
  expect(bound()).toEqual(['Connection open!', 'Disconnect', 'true'])
  expect(connectionsOf(tabs)).toBe(3)
})

describe('useClient with share', () => {
  const root = globalThis as { EventSource?: unknown; BroadcastChannel?: unknown }
  const own = root.BroadcastChannel
  beforeEach(() => {
    const platform = createSharePlatform()
    FakeEventSource.instances = []
    root.EventSource = FakeEventSource
    root.BroadcastChannel = platform.BroadcastChannel
    Object.defineProperty(navigator, 'locks', { value: platform.navigator.locks, configurable: true })
  })
  afterEach(() => {
    delete root.EventSource
    root.BroadcastChannel = own
    delete (navigator as { locks?: unknown }).locks
    localStorage.clear()
  })

  /** A component that makes its own shared client, as an app's would; two of them share as two tabs would. */
  function Live({ name }: { name: string }) {
    const client = useClient('/stream/date', { share: true, heartbeatTimeoutMs: 4000 })
    const { status, role } = useConnectionState(client)
    const date = useLatestEvent(client, 'date')
    return <p data-testid={name}>{[status, role, date ?? '-'].join(' ')}</p>
  }

  const open = () => FakeEventSource.instances.filter((source) => source.readyState !== 2)
  const shown = (names: string[]) => names.map((name) => screen.getByTestId(name).textContent)
  const date = (data: string, lastEventId: string) => ({ data, lastEventId, origin: 'http://localhost' })

  test('two clients of useClient read one EventSource; unmounting the leader hands over from the last id', async () => {
    const view = render(
      <>
        <Live key="first" name="first" />
        <Live key="second" name="second" />
      </>,
    )
    await step()
    expect(open()).toHaveLength(1)
    const [leader] = open()
    await step(() => {
      leader.emit('open')
      leader.emit('date', date('a', '1'))
    })
    expect(shown(['first', 'second'])).toEqual(['open leader a', 'open follower a'])

    // The leader's component goes: its client disconnects, and the other leads from id 1.
    view.rerender(<Live key="second" name="second" />)
    await step()
    expect(leader.readyState).toBe(2)
    expect(open()).toHaveLength(1)
    const [next] = open()
    expect(new URL(next.url).searchParams.get('lastEventId')).toBe('1')
    await step(() => {
      next.emit('open')
      next.emit('date', date('a', '1'))
      next.emit('date', date('b', '2'))
    })
    expect(shown(['second'])).toEqual(['open leader b'])
    view.unmount()
    await step()
    expect(open()).toEqual([])
  })
})
