import type { Client, ConnectionState, EventMap } from '../../src/types'

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
