import type { SsekitError } from './errors'
import type { ConnectionState, TransportKind } from './types'

/**
 * What can happen to a connection. `retry` means a failure after which another attempt is scheduled (or, with
 * `retry: 'transport'`, made by the EventSource itself); `fail` means a failure that ends the connection.
 * @internal
 */
export type StateEvent =
  | { type: 'connect'; transport?: TransportKind }
  | { type: 'transport'; transport: TransportKind }
  | { type: 'open' }
  | { type: 'retry'; error: SsekitError; delayMs?: number }
  | { type: 'fail'; error: SsekitError }
  | { type: 'disconnect' }

/** The state of a client that has never connected. @internal */
export const IDLE: ConnectionState = { status: 'idle', attempt: 0 }

/**
 * The pure transition function of the connection state. Returns the same object when nothing changes, so
 * subscribers are only told about real changes.
 *
 * ```
 * idle | closed  --connect-->  connecting
 * connecting | reconnecting  --open-->  open
 * connecting | open | reconnecting  --retry-->  reconnecting (attempt + 1)
 * connecting | open | reconnecting  --fail | disconnect-->  closed
 * ```
 * @internal
 */
export function transition(state: ConnectionState, event: StateEvent): ConnectionState {
  const { status, transport } = state
  const active = status === 'connecting' || status === 'open' || status === 'reconnecting'
  switch (event.type) {
    case 'connect':
      return active ? state : { status: 'connecting', attempt: 0, transport: event.transport || transport }
    case 'transport':
      return active && transport !== event.transport
        ? { status, attempt: state.attempt, delayMs: state.delayMs, error: state.error, transport: event.transport }
        : state
    case 'open':
      return status === 'connecting' || status === 'reconnecting' ? { status: 'open', attempt: 0, transport } : state
    case 'retry':
      return active
        ? { status: 'reconnecting', attempt: state.attempt + 1, delayMs: event.delayMs, error: event.error, transport }
        : state
    case 'fail':
      return active ? { status: 'closed', attempt: state.attempt, error: event.error, transport } : state
    case 'disconnect':
      return active ? { status: 'closed', attempt: 0, transport } : state
  }
}
