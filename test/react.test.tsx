/** @jest-environment jsdom */
import { act, render, screen } from '@testing-library/react'
import { StrictMode } from 'react'
import { createClientWith } from '../src/client'
import { useClient, useConnectionState, useEvent, useLatestEvent } from '../src/react'
import type { Client, ConnectionState, EventMap } from '../src/types'
import { FakeEventSource } from './helpers/fake-event-source'
import { createFakeTransport } from './helpers/fake-transport'

type Events = { date: string; tick: { n: number } }

/** What a status line shows: the status, and the attempt while reconnecting. */
const statusText = (state: ConnectionState): string =>
  state.status === 'reconnecting' ? `reconnecting (attempt ${state.attempt})` : state.status

/**
 * The client, seen through its public API, with a count of the subscriptions and handlers still registered and of
 * every `on` call (to tell a resubscription).
 */
function counted<E extends EventMap>(client: Client<E>) {
  const count = { subscriptions: 0, handlers: 0, onCalls: 0 }
  const wrapped = Object.create(client) as Client<E>
  wrapped.subscribe = (listener) => {
    count.subscriptions++
    const off = client.subscribe(listener)
    return once(() => {
      count.subscriptions--
      off()
    })
  }
  const on: Client<E>['on'] = (type, handler) => {
    count.handlers++
    count.onCalls++
    const off = client.on(type, handler)
    return once(() => {
      count.handlers--
      off()
    })
  }
  wrapped.on = on
  return { client: wrapped, count }
}

function once(action: () => void): () => void {
  let done = false
  return () => {
    if (!done) action()
    done = true
  }
}

function setup() {
  const fake = createFakeTransport()
  const { client, count } = counted(createClientWith<Events>(fake.source, '/stream/date', { retry: { jitter: 0 } }))
  let renders = 0
  function Dashboard({ client }: { client: Client<Events> }) {
    renders++
    const state = useConnectionState(client)
    return <p data-testid="status">{statusText(state)}</p>
  }
  function Clock({ client }: { client: Client<Events> }) {
    const date = useLatestEvent(client, 'date')
    return <time data-testid="date">{date ?? 'no date yet'}</time>
  }
  const view = render(
    <>
      <Dashboard client={client} />
      <Clock client={client} />
    </>,
  )
  return { fake, client, count, view, renders: () => renders }
}

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())

describe('useConnectionState and useLatestEvent', () => {
  test('the status text follows the connection as it connects, drops and resumes', () => {
    const { fake, client } = setup()
    const status = () => screen.getByTestId('status').textContent
    expect(status()).toBe('idle')
    act(() => client.connect())
    expect(status()).toBe('connecting')
    act(() => fake.last.open())
    expect(status()).toBe('open')
    act(() => fake.last.message('date', '2026-11-24T10:00:00Z', '1'))
    expect(screen.getByTestId('date').textContent).toBe('2026-11-24T10:00:00Z')
    act(() => fake.last.drop())
    expect(status()).toBe('reconnecting (attempt 1)')
    act(() => jest.advanceTimersByTime(1000))
    expect(fake.connections).toHaveLength(2)
    expect(fake.last.request.lastEventId).toBe('1')
    act(() => fake.last.open())
    expect(status()).toBe('open')
    act(() => fake.last.message('date', '2026-11-24T10:00:01Z', '2'))
    expect(screen.getByTestId('date').textContent).toBe('2026-11-24T10:00:01Z')
  })

  test('events re-render only the component that reads them, never the status', () => {
    const { fake, client, renders } = setup()
    act(() => client.connect())
    act(() => fake.last.open())
    const before = renders()
    act(() => {
      for (let n = 1; n <= 5; n++) fake.last.message('date', 'date ' + n, String(n))
    })
    expect(renders()).toBe(before)
    expect(screen.getByTestId('date').textContent).toBe('date 5')
  })

  test('unmount removes every subscription and handler: later changes render nothing', () => {
    const { fake, client, count, view, renders } = setup()
    act(() => client.connect())
    act(() => fake.last.open())
    expect(count).toMatchObject({ subscriptions: 1, handlers: 1 })
    view.unmount()
    expect(count).toMatchObject({ subscriptions: 0, handlers: 0 })
    const after = renders()
    act(() => fake.last.message('date', 'late', '9'))
    act(() => fake.last.drop())
    act(() => jest.advanceTimersByTime(1000))
    expect(renders()).toBe(after)
    // The hooks do not own a client they were given: it stays as it is.
    expect(client.state.status).toBe('reconnecting')
  })
})

describe('useEvent', () => {
  test('calls the latest handler without resubscribing on re-render, and follows the type', () => {
    const fake = createFakeTransport()
    const { client, count } = counted(createClientWith<Events>(fake.source, '/stream'))
    const seen: string[] = []
    function Listener({ prefix, type }: { prefix: string; type: 'date' | 'tick' }) {
      useEvent(client, type, (data, meta) => seen.push(prefix + ':' + meta.type + ':' + JSON.stringify(data)))
      return null
    }
    const view = render(<Listener prefix="a" type="date" />)
    act(() => client.connect())
    act(() => fake.last.message('date', 'one'))
    view.rerender(<Listener prefix="b" type="date" />)
    view.rerender(<Listener prefix="c" type="date" />)
    act(() => fake.last.message('date', 'two'))
    expect(count.onCalls).toBe(1)
    view.rerender(<Listener prefix="d" type="tick" />)
    act(() => fake.last.message('date', 'three'))
    act(() => fake.last.message('tick', 'four'))
    expect(seen).toEqual(['a:date:"one"', 'c:date:"two"', 'd:tick:"four"'])
    expect(count).toMatchObject({ onCalls: 2, handlers: 1 })
    view.unmount()
    expect(count.handlers).toBe(0)
  })
})

describe('useLatestEvent', () => {
  test('switching the type shows nothing of the previous type', () => {
    const fake = createFakeTransport()
    const client = createClientWith<Events>(fake.source, '/stream', { decode: 'json' })
    function Latest({ type }: { type: 'date' | 'tick' }) {
      const data = useLatestEvent(client, type)
      return <output data-testid="latest">{data === undefined ? 'none' : JSON.stringify(data)}</output>
    }
    const latest = () => screen.getByTestId('latest').textContent
    const view = render(<Latest type="date" />)
    act(() => client.connect())
    act(() => fake.last.message('date', '"2026-11-24"'))
    expect(latest()).toBe('"2026-11-24"')
    view.rerender(<Latest type="tick" />)
    expect(latest()).toBe('none')
    act(() => fake.last.message('tick', '{"n":2}'))
    expect(latest()).toBe('{"n":2}')
    view.unmount()
    client.disconnect()
  })
})

describe('useClient', () => {
  const globals = globalThis as { EventSource?: unknown }
  beforeEach(() => {
    FakeEventSource.instances = []
    globals.EventSource = FakeEventSource
  })
  afterEach(() => delete globals.EventSource)

  test('connects on mount (once, under StrictMode), disconnects on unmount and leaves no listener', () => {
    const added = jest.spyOn(window, 'addEventListener')
    const removed = jest.spyOn(window, 'removeEventListener')
    let seen: Client<Events> | undefined
    function Live() {
      const client = useClient<Events>('/stream/date', { decode: 'json' })
      seen = client
      const state = useConnectionState(client)
      const tick = useLatestEvent(client, 'tick')
      return <p data-testid="live">{state.status + (tick ? ' ' + tick.n : '')}</p>
    }
    const view = render(
      <StrictMode>
        <Live />
      </StrictMode>,
    )
    const open = FakeEventSource.instances.filter((source) => source.readyState !== 2)
    expect(open).toHaveLength(1)
    expect(screen.getByTestId('live').textContent).toBe('connecting')
    act(() => open[0].emit('open'))
    act(() => open[0].emit('tick', { data: '{"n":7}', lastEventId: '7', origin: 'http://localhost' }))
    expect(screen.getByTestId('live').textContent).toBe('open 7')

    view.unmount()
    expect(FakeEventSource.instances.every((source) => source.readyState === 2)).toBe(true)
    expect(seen?.state.status).toBe('closed')
    // Whatever the client listened to on window (online, offline, pagehide, pageshow) is removed again.
    expect(added.mock.calls.length).toBeGreaterThan(0)
    const left = added.mock.calls.filter(
      ([type, listener]) => !removed.mock.calls.some((call) => call[0] === type && call[1] === listener),
    )
    expect(left).toEqual([])
    added.mockRestore()
    removed.mockRestore()
  })
})
