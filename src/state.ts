import type { SsekitError } from './errors'
import type { ConnectionState, LostNotice, TransportKind, WaitReason } from './types'

/**
 * What can happen to a connection. `retry` means a failure after which another attempt is scheduled (or, with
 * `retry: 'transport'`, made by the EventSource itself); `fail` means a failure that ends the connection; `wait`
 * means the client holds off until the network or the page comes back; `lost` records the server's notice that
 * events were lost; `share` takes the state of a connection shared with other tabs as it is (src/share/).
 * @internal
 */
export type StateEvent =
  | { type: 'connect'; transport?: TransportKind }
  | { type: 'transport'; transport: TransportKind }
  | { type: 'open' }
  | { type: 'retry'; error: SsekitError; delayMs?: number }
  | { type: 'fail'; error: SsekitError }
  | { type: 'wait'; reason: WaitReason }
  | { type: 'lost'; lost: LostNotice }
  | { type: 'disconnect' }
  | { type: 'share'; state: ConnectionState }

/**
 * Whether a connection is wanted: connecting, open, or reconnecting.
 * @internal
 */
export function isActive({ status }: ConnectionState): boolean {
  return status !== 'idle' && status !== 'closed'
}

/** The state of a client that has never connected. @internal */
export const IDLE: ConnectionState = { status: 'idle', attempt: 0 }

/**
 * The pure transition function of the connection state. Returns the same object when nothing changes, so
 * subscribers are only told about real changes. `transport` and `lost` carry over until the next `connect`.
 *
 * ```
 * idle | closed  --connect-->  connecting
 * connecting | reconnecting  --open-->  open
 * connecting | open | reconnecting  --retry | wait-->  reconnecting (retry: attempt + 1)
 * connecting | open | reconnecting  --fail | disconnect-->  closed
 * any  --share-->  the state of the shared connection, as the sharing transport gives it
 * ```
 * @internal
 */
export function transition(state: ConnectionState, event: StateEvent): ConnectionState {
  const { status, attempt } = state
  const active = isActive(state)
  const next = (changes: Pick<ConnectionState, 'status' | 'attempt'> & Partial<ConnectionState>): ConnectionState => ({
    transport: state.transport,
    lost: state.lost,
    ...changes,
  })
  switch (event.type) {
    case 'connect':
      return active ? state : { status: 'connecting', attempt: 0, transport: event.transport || state.transport }
    case 'transport':
      return active && state.transport !== event.transport ? { ...state, transport: event.transport } : state
    case 'open':
      return active && status !== 'open' ? next({ status: 'open', attempt: 0 }) : state
    case 'retry':
      return active
        ? next({ status: 'reconnecting', attempt: attempt + 1, delayMs: event.delayMs, error: event.error })
        : state
    case 'wait':
      return active && state.reason !== event.reason
        ? next({ status: 'reconnecting', attempt, error: state.error, reason: event.reason })
        : state
    case 'lost':
      return active ? { ...state, lost: event.lost } : state
    case 'fail':
      return active ? next({ status: 'closed', attempt, error: event.error }) : state
    case 'disconnect':
      return active ? next({ status: 'closed', attempt: 0 }) : state
    case 'share':
      return event.state
  }
}
