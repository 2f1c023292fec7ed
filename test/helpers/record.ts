import { createClient, type SsekitError } from '../../src/index'
import type { Client, ClientOptions, ConnectionState, EventMap } from '../../src/types'

/** One line of the ordered log of what a client did. */
export type LogEntry =
  | { kind: 'state'; status: ConnectionState['status']; attempt: number; delayMs?: number; code?: string }
  | { kind: 'event'; type: string; data: unknown; lastEventId: string }

/** Records every state change and every event of the given types into one ordered log. */
export function record<E extends EventMap>(client: Client<E>, types: Array<keyof E & string> = []) {
  const log: LogEntry[] = []
  const unsubscribe = client.subscribe((state) => {
    const entry: LogEntry = { kind: 'state', status: state.status, attempt: state.attempt }
    if (state.delayMs !== undefined) entry.delayMs = state.delayMs
    if (state.error) entry.code = state.error.code
    log.push(entry)
  })
  const offs = types.map((type) =>
    client.on(type, (data, meta) => log.push({ kind: 'event', type, data, lastEventId: meta.lastEventId })),
  )
  return {
    log,
    states: () => log.filter((entry) => entry.kind === 'state'),
    events: () => log.filter((entry) => entry.kind === 'event'),
    stop: () => {
      unsubscribe()
      offs.forEach((off) => off())
    },
  }
}

/**
 * Creates a client for `url`, records it, and connects it: errors given to `onError` are collected, and the log
 * reads back as compact events (`{type, data, id}`) and states (`status` or `status:code`). The client is pushed
 * onto `started`, for the test file to disconnect after each test.
 */
export function connectRecorded(
  url: string,
  options: ClientOptions,
  types: string[],
  started: Array<{ disconnect(): void }>,
) {
  const errors: SsekitError[] = []
  const client = createClient(url, { onError: (error) => errors.push(error), ...options })
  const rec = record(client, types)
  started.push(client)
  client.connect()
  const events = () =>
    rec.events().map((entry) => entry.kind === 'event' && { type: entry.type, data: entry.data, id: entry.lastEventId })
  const states = () =>
    rec.states().map((entry) => entry.kind === 'state' && entry.status + (entry.code ? ':' + entry.code : ''))
  return { client, errors, events, states }
}
