/**
 * `ssekit/react`: hooks that bind a client to React components.
 *
 * The connection state goes through `useSyncExternalStore`, which is what `subscribe` and `state` were shaped for:
 * `subscribe` calls back at once and on every change, and `state` is the same object until something changes, so
 * a component re-renders when the connection changes and never per event. Event handlers are kept in a ref, so a
 * new handler on every render does not resubscribe. Nothing here touches `window` or `document` on import, and
 * the state hook renders `idle` on the server.
 *
 * @example
 * ```tsx
 * import { useClient, useConnectionState, useLatestEvent } from 'ssekit/react'
 *
 * type Events = { date: string }
 * function Clock() {
 *   const client = useClient<Events>('/stream/date', { decode: 'json' })
 *   const { status } = useConnectionState(client)
 *   const date = useLatestEvent(client, 'date')
 *   return <p data-status={status}>{date ?? 'waiting…'}</p>
 * }
 * ```
 * @module ssekit/react
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { createClient } from './index'
import type { LOST_EVENT } from './protocol'
import type { Client, ConnectionState, EventData, EventHandler, EventMap, OptionsFor } from './types'

/**
 * The part of a client that {@link useConnectionState} reads. Any client fits, whatever its event map.
 * @example
 * ```ts
 * const source: StateSource = createClient('/stream/date')
 * ```
 * @public
 */
export type StateSource = Pick<Client<EventMap>, 'subscribe' | 'state'>

/**
 * The event types a client of this event map accepts in `on`: the map's keys and the built-in `ssekit-lost`.
 * @example
 * ```ts
 * type Events = { date: string }
 * const type: EventType<Events> = 'date'
 * ```
 * @public
 */
export type EventType<Events extends EventMap> = (keyof Events & string) | typeof LOST_EVENT

/**
 * Reads a client's connection state and re-renders when it changes (never per event).
 *
 * Built on `useSyncExternalStore`, so every component sees the same snapshot in a concurrent render. On the
 * server it renders the client's current state, `idle` for a client that was never connected.
 *
 * @param client - any ssekit client
 * @returns the current {@link ConnectionState}
 * @example
 * ```tsx
 * function Status({ client }: { client: Client }) {
 *   const state = useConnectionState(client)
 *   return <span>{state.status === 'reconnecting' ? `retry ${state.attempt}` : state.status}</span>
 * }
 * ```
 * @public
 */
export function useConnectionState(client: StateSource): ConnectionState {
  const subscribe = useMemo(() => (onChange: () => void) => client.subscribe(() => onChange()), [client])
  const getSnapshot = (): ConnectionState => client.state
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot)
}

/**
 * Calls `handler` with every event of one type while the component is mounted.
 *
 * The handler is kept in a ref: passing a new function on every render does not resubscribe, and the latest
 * one is called. The subscription follows `client` and `type`, and ends on unmount.
 *
 * @param client - the client to listen to
 * @param type - the event type, typed from the client's event map
 * @param handler - called with the decoded data and the event's `MessageMeta`
 * @example
 * ```tsx
 * function Ticker({ client }: { client: Client<{ tick: { n: number } }> }) {
 *   const [count, setCount] = useState(0)
 *   useEvent(client, 'tick', (tick) => setCount(tick.n))
 *   return <output>{count}</output>
 * }
 * ```
 * @public
 */
export function useEvent<Events extends EventMap, K extends EventType<Events>>(
  client: Client<Events>,
  type: K,
  handler: EventHandler<EventData<Events, K>>,
): void {
  const latest = useRef(handler)
  // The ref takes each render's handler when its effects run (declared first, so before the subscription on mount);
  // the listener reads it on every event, so a new handler never resubscribes.
  useEffect(() => {
    latest.current = handler
  })
  useEffect(() => client.on(type, (data, meta) => latest.current(data, meta)), [client, type])
}

/**
 * Returns the data of the latest event of one type, and re-renders on each one.
 *
 * @param client - the client to listen to
 * @param type - the event type, typed from the client's event map
 * @returns the latest decoded data, or `undefined` until the first event of this client and type arrives
 * @example
 * ```tsx
 * function Clock({ client }: { client: Client<{ date: string }> }) {
 *   const date = useLatestEvent(client, 'date')
 *   return <time>{date ?? '…'}</time>
 * }
 * ```
 * @public
 */
export function useLatestEvent<Events extends EventMap, K extends EventType<Events>>(
  client: Client<Events>,
  type: K,
): EventData<Events, K> | undefined {
  // Kept with its source, so that switching to another client or type never shows the previous one's data.
  const [latest, setLatest] = useState<{ client: Client<Events>; type: K; data: EventData<Events, K> }>()
  useEvent(client, type, (data) => setLatest({ client, type, data }))
  return latest && latest.client === client && latest.type === type ? latest.data : undefined
}

/**
 * Creates a client, connects it on mount and disconnects it on unmount.
 *
 * The client is created once per `url` (creating one requests nothing, so React may render it freely); `options`
 * are read when the client is created, so a change of options alone does not reconnect. Under `StrictMode` the
 * development double mount connects, disconnects and connects again: a closed client connects again, so the
 * component ends up with one open connection.
 *
 * @param url - the stream URL
 * @param options - as for `createClient`
 * @returns the client, the same object for the same `url`
 * @example
 * ```tsx
 * function Prices() {
 *   const client = useClient<{ price: { symbol: string; value: number } }>('/stream/prices', { decode: 'json' })
 *   const price = useLatestEvent(client, 'price')
 *   return <p>{price ? `${price.symbol}: ${price.value}` : 'no price yet'}</p>
 * }
 * ```
 * @public
 */
export function useClient<Events extends EventMap = Record<string, string>>(
  url: string,
  ...options: OptionsFor<Events>
): Client<Events> {
  // Keyed on the URL alone: options are read once, when the client is created (see above).
  const client = useMemo(() => createClient<Events>(url, ...options), [url])
  useEffect(() => {
    client.connect()
    return () => client.disconnect()
  }, [client])
  return client
}
