/**
 * A hand-driven stand-in for the client, for tests of code that binds to one (`ui.ts`, examples).
 * It opens no connection: tests set its state and emit its events by hand.
 */
import type { Client, ConnectionState, EventHandler, EventMap, MessageMeta, Unsubscribe } from '../../src/types'

/** A {@link Client} whose state and events the test drives. */
export interface FakeClient<Events extends EventMap = Record<string, string>> extends Client<Events> {
  /** Every `connect()` and `disconnect()` call, in order. */
  readonly log: Array<'connect' | 'disconnect'>
  /** Replaces the state (a new snapshot) and notifies the state listeners. */
  setState(state: Partial<ConnectionState>): void
  /** Calls the handlers of one event type. */
  emit<K extends keyof Events & string>(type: K, data: Events[K], meta?: Partial<MessageMeta>): void
  /** How many state listeners are subscribed. */
  listenerCount(): number
}

/**
 * Creates a fake client in `idle`. Like the real one, `connect()` moves an idle or closed client to `connecting`,
 * `disconnect()` moves it to `closed`, and `subscribe()` calls back at once.
 */
export function createFakeClient<Events extends EventMap = Record<string, string>>(
  url = '/stream/fake',
): FakeClient<Events> {
  let state: ConnectionState = { status: 'idle', attempt: 0 }
  let lastEventId = ''
  const log: Array<'connect' | 'disconnect'> = []
  const stateListeners = new Set<(state: ConnectionState) => void>()
  const handlers = new Map<string, Set<EventHandler<never>>>()

  const setState = (next: Partial<ConnectionState>): void => {
    state = { ...state, ...next }
    for (const listener of [...stateListeners]) listener(state)
  }

  return {
    log,
    url,
    get state() {
      return state
    },
    get lastEventId() {
      return lastEventId
    },
    connect() {
      log.push('connect')
      if (state.status === 'idle' || state.status === 'closed') setState({ status: 'connecting', error: undefined })
    },
    disconnect() {
      log.push('disconnect')
      if (state.status !== 'closed') setState({ status: 'closed', attempt: 0, delayMs: undefined })
    },
    subscribe(listener) {
      stateListeners.add(listener)
      listener(state)
      return () => {
        stateListeners.delete(listener)
      }
    },
    on(type, handler): Unsubscribe {
      const set = handlers.get(type) ?? new Set()
      set.add(handler as EventHandler<never>)
      handlers.set(type, set)
      return () => {
        set.delete(handler as EventHandler<never>)
      }
    },
    setState,
    emit(type, data, meta = {}) {
      lastEventId = meta.lastEventId ?? lastEventId
      const fullMeta: MessageMeta = { type, lastEventId, origin: 'http://localhost', raw: String(data), ...meta }
      for (const handler of handlers.get(type) ?? []) (handler as EventHandler<Events[typeof type]>)(data, fullMeta)
    },
    listenerCount() {
      return stateListeners.size
    },
  }
}
