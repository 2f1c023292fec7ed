import type { ErrorCode } from '../errors'
import type { LOST_EVENT } from '../protocol'
import type { Client, ConnectionStatus, EventMap, WaitReason } from '../types'

/**
 * One state of the client, as the recorder writes it: short enough to compare with `toEqual`.
 *
 * @example
 * ```ts
 * const entry: StateEntry = { kind: 'state', status: 'reconnecting', attempt: 1, delayMs: 1000, code: 'network' }
 * ```
 * @public
 */
export interface StateEntry {
  /** A state. */
  kind: 'state'
  /** `state.status`. */
  status: ConnectionStatus
  /** `state.attempt`. */
  attempt: number
  /** Set while an attempt is scheduled. */
  delayMs?: number
  /** The code of the state's error, if it has one. */
  code?: ErrorCode
  /** Set while the client waits for the network or the page. */
  reason?: WaitReason
}

/**
 * One event the client delivered, as the recorder writes it.
 *
 * @example
 * ```ts
 * const entry: EventEntry = { kind: 'event', type: 'price', data: { value: 7 }, lastEventId: '1' }
 * ```
 * @public
 */
export interface EventEntry {
  /** An event. */
  kind: 'event'
  /** The event type. */
  type: string
  /** The decoded data, as the handlers got it. */
  data: unknown
  /** The event's `meta.lastEventId`. */
  lastEventId: string
}

/**
 * One line of a recorder's log.
 *
 * @example
 * ```ts
 * const lines: RecordEntry[] = recorder.log.filter((entry) => entry.kind === 'state')
 * ```
 * @public
 */
export type RecordEntry = StateEntry | EventEntry

/**
 * Options of {@link Recorder.waitFor}.
 *
 * @example
 * ```ts
 * const options: WaitOptions = { timeoutMs: 1000 }
 * await recorder.waitFor(() => recorder.events().length > 0, options)
 * ```
 * @public
 */
export interface WaitOptions {
  /** How long to wait before failing, in milliseconds (on the global `setTimeout`). @defaultValue 5000 */
  timeoutMs?: number
}

/**
 * One ordered log of what a client did: its states and the events of the types recorded.
 *
 * @example
 * ```ts
 * const recorder: Recorder = createRecorder(client, ['price'])
 * client.connect()
 * await recorder.waitFor(() => recorder.events().length === 2)
 * expect(recorder.states().map((entry) => entry.status)).toEqual(['idle', 'connecting', 'open'])
 * ```
 * @public
 */
export interface Recorder {
  /** Every state and event, in the order the client reported them (the first entry is the state at creation). */
  readonly log: ReadonlyArray<RecordEntry>
  /** The events of the log. */
  events(): EventEntry[]
  /** The states of the log. */
  states(): StateEntry[]
  /**
   * Resolves once `check` returns true: it is called at once and after each new entry of the log. Rejects after
   * `timeoutMs`, with the log in the message, or with what `check` threw.
   */
  waitFor(check: () => boolean, options?: WaitOptions): Promise<void>
  /** Stops recording: the client's subscription and handlers are removed. */
  stop(): void
}

/**
 * Records a client (a real one or a test client) into one ordered log, from its current state on.
 *
 * @param client - the client to record
 * @param types - the event types to record
 * @returns the recorder
 * @example
 * ```ts
 * const { client, server } = createTestClient('https://example.test/feed')
 * const recorder = createRecorder(client, ['message'])
 * client.connect()
 * server.open()
 * server.emitRaw('message', 'hello', { id: '1' })
 * expect(recorder.log).toEqual([
 *   { kind: 'state', status: 'idle', attempt: 0 },
 *   { kind: 'state', status: 'connecting', attempt: 0 },
 *   { kind: 'state', status: 'open', attempt: 0 },
 *   { kind: 'event', type: 'message', data: 'hello', lastEventId: '1' },
 * ])
 * ```
 * @public
 */
export function createRecorder<Events extends EventMap>(
  client: Client<Events>,
  types: Array<(keyof Events & string) | typeof LOST_EVENT> = [],
): Recorder {
  const log: RecordEntry[] = []
  const waiters: Array<() => void> = []
  const push = (entry: RecordEntry): void => {
    log.push(entry)
    waiters.slice().forEach((waiter) => waiter())
  }
  const unsubscribe = client.subscribe(({ status, attempt, delayMs, error, reason }) => {
    const entry: StateEntry = { kind: 'state', status, attempt }
    if (delayMs !== undefined) entry.delayMs = delayMs
    if (error) entry.code = error.code
    if (reason) entry.reason = reason
    push(entry)
  })
  const offs = types.map((type) =>
    client.on(type, (data, meta) => push({ kind: 'event', type, data, lastEventId: meta.lastEventId })),
  )
  return {
    log,
    events: () => log.filter((entry): entry is EventEntry => entry.kind === 'event'),
    states: () => log.filter((entry): entry is StateEntry => entry.kind === 'state'),
    waitFor(check, { timeoutMs = 5000 } = {}) {
      return new Promise<void>((resolve, reject) => {
        const settle = (error?: unknown): void => {
          const at = waiters.indexOf(waiter)
          if (at < 0) return
          waiters.splice(at, 1)
          clearTimeout(timer)
          if (error) reject(error)
          else resolve()
        }
        const waiter = (): void => {
          try {
            if (check()) settle()
          } catch (error) {
            settle(error)
          }
        }
        const timer = setTimeout(() => {
          const lines = log.map((entry) => '  ' + JSON.stringify(entry)).join('\n')
          settle(new Error('ssekit/testing: waitFor() timed out after ' + timeoutMs + ' ms; the log:\n' + lines))
        }, timeoutMs)
        waiters.push(waiter)
        waiter()
      })
    },
    stop() {
      unsubscribe()
      offs.forEach((off) => off())
    },
  }
}
