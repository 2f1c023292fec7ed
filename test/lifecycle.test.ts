/** @jest-environment jsdom */
// Network and page lifecycle in jsdom: offline/online, the back/forward cache, hidden pages.
import { createClientWith } from '../src/client'
import type { ClientOptions } from '../src/types'
import { createFakeTransport } from './helpers/fake-transport'
import { record } from './helpers/record'

function setup(options: ClientOptions = {}) {
  const fake = createFakeTransport('native')
  const client = createClientWith(fake.source, '/stream', { retry: { jitter: 0, initialDelayMs: 100 }, ...options })
  return { fake, client, rec: record(client) }
}

function setVisibility(value: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value })
  document.dispatchEvent(new Event('visibilitychange'))
}

function pageTransition(type: 'pagehide' | 'pageshow', persisted: boolean) {
  const event = new Event(type)
  Object.defineProperty(event, 'persisted', { value: persisted })
  window.dispatchEvent(event)
}

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())

test('offline closes and waits without retrying; online reconnects at once', () => {
  const { fake, client, rec } = setup()
  client.connect()
  fake.last.open()
  window.dispatchEvent(new Event('offline'))
  expect(fake.last.closed).toBe(true)
  expect(client.state).toMatchObject({ status: 'reconnecting', reason: 'offline', attempt: 0 })
  expect(client.state.delayMs).toBeUndefined()
  jest.advanceTimersByTime(10 * 60 * 1000)
  expect(fake.connections).toHaveLength(1)
  window.dispatchEvent(new Event('online'))
  expect(fake.connections).toHaveLength(2)
  fake.last.open()
  expect(rec.states().map((entry) => entry.kind === 'state' && entry.status)).toEqual([
    'idle',
    'connecting',
    'open',
    'reconnecting',
    'open',
  ])
  expect(client.state.reason).toBeUndefined()
  client.disconnect()
})

test('a page put in the back/forward cache closes; restored, it reconnects', () => {
  const { fake, client } = setup()
  client.connect()
  fake.last.open()
  pageTransition('pagehide', false)
  expect(fake.last.closed).toBe(false)
  pageTransition('pagehide', true)
  expect(fake.last.closed).toBe(true)
  expect(client.state).toMatchObject({ status: 'reconnecting', reason: 'hidden' })
  pageTransition('pageshow', true)
  expect(fake.connections).toHaveLength(2)
  client.disconnect()
})

test('pauseWhenHidden closes while hidden and resumes when visible; off by default', () => {
  const paused = setup({ pauseWhenHidden: true })
  const kept = setup()
  paused.client.connect()
  kept.client.connect()
  setVisibility('hidden')
  expect(paused.client.state).toMatchObject({ status: 'reconnecting', reason: 'hidden' })
  expect(paused.fake.last.closed).toBe(true)
  expect(kept.client.state.status).toBe('connecting')
  setVisibility('visible')
  expect(paused.fake.connections).toHaveLength(2)
  paused.client.disconnect()
  kept.client.disconnect()
})

test('disconnect removes every listener it added', () => {
  const added: string[] = []
  const removed: string[] = []
  const spy = (target: EventTarget, log: string[], method: 'addEventListener' | 'removeEventListener') => {
    const original = target[method].bind(target)
    jest.spyOn(target, method).mockImplementation((...args: Parameters<EventTarget['addEventListener']>) => {
      log.push(args[0])
      original(...args)
    })
  }
  spy(window, added, 'addEventListener')
  spy(window, removed, 'removeEventListener')
  spy(document, added, 'addEventListener')
  spy(document, removed, 'removeEventListener')
  const { fake, client } = setup({ pauseWhenHidden: true })
  client.connect()
  expect(added.sort()).toEqual(['offline', 'online', 'pagehide', 'pageshow', 'visibilitychange'])
  client.disconnect()
  expect(removed.sort()).toEqual(added)
  window.dispatchEvent(new Event('online'))
  expect(fake.connections).toHaveLength(1)
  jest.restoreAllMocks()
})

test('a connection that ends in closed removes its listeners too', () => {
  const { fake, client } = setup({ retry: false })
  client.connect()
  fake.last.drop()
  expect(client.state.status).toBe('closed')
  window.dispatchEvent(new Event('offline'))
  window.dispatchEvent(new Event('online'))
  expect(fake.connections).toHaveLength(1)
  expect(client.state.status).toBe('closed')
})
