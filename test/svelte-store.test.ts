/** @jest-environment node */
/**
 * A client is a Svelte readable store of its connection state, as it is: `$client` in a component, `get(client)`
 * and `derived(client, …)` work without an adapter. Svelte is not a dependency, so the consumers below are
 * written here after Svelte's store contract (https://svelte.dev/docs/svelte/stores#Store-contract):
 * 1. `subscribe(fn)` calls `fn` at once, synchronously, with the current value, and returns an unsubscribe
 *    function (Svelte also accepts an object with an `unsubscribe` method);
 * 2. `fn` is then called whenever the value changes;
 * 3. Svelte may pass a second argument (`invalidate`) that a store is free to ignore.
 */
import { createClientWith } from '../src/client'
import type { ConnectionState, ConnectionStatus } from '../src/types'
import { createFakeTransport } from './helpers/fake-transport'

/** Svelte's `Readable<T>` (svelte/store), copied so the contract is checked by the compiler too. */
interface Readable<T> {
  subscribe(run: (value: T) => void, invalidate?: () => void): (() => void) | { unsubscribe(): void }
}

/** Svelte's `subscribe` helper, which every `$store` goes through: normalises the two unsubscribe forms. */
function subscribe<T>(store: Readable<T>, run: (value: T) => void): () => void {
  const result = store.subscribe(run, () => undefined)
  return typeof result === 'function' ? result : () => result.unsubscribe()
}

/** Svelte's `get(store)`: subscribe, read the value delivered synchronously, unsubscribe at once. */
function get<T>(store: Readable<T>): T {
  let value: { current: T } | undefined
  subscribe(store, (current) => (value = { current }))()
  if (!value) throw new Error('the store did not call back synchronously')
  return value.current
}

/** A minimal `derived(store, fn)`: lazy, subscribes to its source on its first subscriber and stops after the last. */
function derived<S, T>(source: Readable<S>, fn: (value: S) => T): Readable<T> & { sources(): number } {
  const runs: Array<(value: T) => void> = []
  let stop: (() => void) | undefined
  let value: T
  return {
    sources: () => (stop ? 1 : 0),
    subscribe(run) {
      runs.push(run)
      if (!stop) stop = subscribe(source, (next) => runs.forEach((each) => each((value = fn(next)))))
      else run(value)
      return () => {
        runs.splice(runs.indexOf(run), 1)
        if (runs.length > 0 || !stop) return
        stop()
        stop = undefined
      }
    },
  }
}

const clients: Array<{ disconnect(): void }> = []
afterEach(() => clients.splice(0).forEach((client) => client.disconnect()))

function setup() {
  const fake = createFakeTransport()
  const client = createClientWith(fake.source, 'http://test/stream/date', { retry: { jitter: 0 } })
  clients.push(client)
  return { fake, client }
}

test('the client type-checks as a Readable<ConnectionState>', () => {
  const { client } = setup()
  const store: Readable<ConnectionState> = client
  expect(typeof store.subscribe).toBe('function')
})

test('subscribe calls back synchronously with the current value and returns an unsubscribe function', () => {
  const { fake, client } = setup()
  client.connect()
  fake.last.open()
  const values: ConnectionStatus[] = []
  // Through Svelte's type, which passes an `invalidate` callback as a second argument.
  const store: Readable<ConnectionState> = client
  const unsubscribe = store.subscribe(
    (state) => values.push(state.status),
    () => undefined,
  )
  expect(values).toEqual(['open'])
  if (typeof unsubscribe !== 'function') throw new Error('subscribe must return a function')
  fake.last.drop()
  expect(values).toEqual(['open', 'reconnecting'])
  unsubscribe()
  unsubscribe()
  client.disconnect()
  expect(values).toEqual(['open', 'reconnecting'])
})

test('get(client) reads the current state and leaves no subscriber behind', () => {
  const { fake, client } = setup()
  expect(get(client).status).toBe('idle')
  client.connect()
  expect(get(client)).toBe(client.state)
  fake.last.open()
  expect(get(client).status).toBe('open')
})

test('$client in a component: one subscription per component, updated in order, gone on destroy', () => {
  const { fake, client } = setup()
  const shown: Record<string, string[]> = { a: [], b: [] }
  // What Svelte compiles `$client` into: subscribe when the component is created, unsubscribe on destroy.
  const destroyA = subscribe(client, (state) => shown.a.push(state.status))
  client.connect()
  const destroyB = subscribe(client, (state) => shown.b.push(state.status))
  fake.last.open()
  destroyA()
  client.disconnect()
  destroyB()
  client.connect()
  expect(shown).toEqual({ a: ['idle', 'connecting', 'open'], b: ['connecting', 'open', 'closed'] })
})

test('derived(client, …) follows the state and lets go of the client after its last subscriber', () => {
  const { fake, client } = setup()
  const isLive = derived(client, (state) => state.status === 'open')
  expect(get(isLive)).toBe(false)
  expect(isLive.sources()).toBe(0)
  const seen: boolean[] = []
  const stop = subscribe(isLive, (value) => seen.push(value))
  client.connect()
  fake.last.open()
  stop()
  expect(isLive.sources()).toBe(0)
  fake.last.drop()
  expect(seen).toEqual([false, false, true])
})
