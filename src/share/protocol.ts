/**
 * The relay protocol: what the tabs of one share group say to each other over their BroadcastChannel. Every message
 * starts with the tag `ssekit/1`, the protocol's name and version; one without it (another script on the same
 * channel name) or of another version is ignored. The version is also part of the channel's and the lock's name, so tabs that speak
 * different versions form groups of their own instead of misreading each other.
 */
import { SsekitError } from '../errors'
import type { ConnectionState } from '../types'

/** The protocol's tag and version, the first element of every message. @internal */
export const TAG = 'ssekit/1'

/** A state as it crosses the channel: its error a plain object (its `cause`, an Event or an Error, left behind). @internal */
export type WireState = Omit<ConnectionState, 'error' | 'role'> & { error?: Record<string, unknown> }

/**
 * One message, an array (shorter to write and to read than an object). `term` says which leader sent it: each leader
 * takes a term above every one it has heard of, so a follower can tell the current leader from one that was stolen
 * from while it was stuck; `id` is the group's last event id.
 * - `hello`: a tab joined, or listens to more event types; the leader answers with its state.
 * - `state`: the leader's connection state and every event type the group listens to; sent on every change, as an
 *   answer to `hello`, and as the leader's heartbeat.
 * - `event`: one event, as the leader's connection delivered it.
 * @internal
 */
export type Message =
  | [tag: typeof TAG, kind: 'hello', types: string[]]
  | [tag: typeof TAG, kind: 'state', term: number, id: string, types: string[], state: WireState]
  | [tag: typeof TAG, kind: 'event', term: number, id: string, type: string, data: string]

/**
 * The name of a group's lock and channel: the protocol's version and the share key. Web Locks and BroadcastChannel
 * are both scoped to the origin, so a key cannot reach the tabs of another origin.
 * @internal
 */
export function groupName(key: string): string {
  return TAG + ' ' + key
}

/** A state ready to be posted: structured clone keeps an SsekitError's own fields but not its class. @internal */
export function toWire(state: ConnectionState): WireState {
  const { error } = state
  return { ...state, error: error && { ...error, message: error.message, cause: undefined } }
}

/** The state a follower shows: the leader's, with an SsekitError rebuilt and this tab's role. @internal */
export function fromWire(wire: WireState, role: ConnectionState['role']): ConnectionState {
  const { error } = wire
  return { ...wire, role, error: error && new SsekitError(error.message as string, error as never) }
}
