/**
 * The relay protocol: what the tabs of one share group say to each other over their BroadcastChannel. Every message
 * starts with the tag `ssekit/1`, the protocol's name and version; one without it (another script on the same
 * channel name) or of another version is ignored. The version is also part of the channel's and the lock's name, so
 * tabs that speak different versions form groups of their own instead of misreading each other.
 */
import type { ConnectionState } from '../types'

/** The protocol's tag and version, the first element of every message. @internal */
export const TAG = 'ssekit/1'

/** The kinds of message, the second element of every message (see {@link Message}). @internal */
export const HELLO = 0
/** @internal */
export const STATE = 1
/** @internal */
export const EVENT = 2

/** A state as it crosses the channel: its error a plain object (its `cause`, an Event or an Error, left behind). @internal */
export type WireState = Omit<ConnectionState, 'error' | 'role'> & { error?: Record<string, unknown> }

/**
 * One message, an array whose second element says what it is (shorter to write and to read than an object). `term`
 * says which leader sent it: each leader takes a term above every one it has heard of, so a follower can tell the
 * current leader from one that was stolen from while it was stuck; `id` is the group's last event id.
 * - `HELLO` (0): a tab joined, listens to more event types, or asks whether the leader is there (it heard nothing for
 *   three quarters of `heartbeatTimeoutMs`); `rank` orders the followers that ask at once. The leader answers with
 *   its state.
 * - `STATE` (1): the leader's connection state and every event type the group listens to; sent on every change and
 *   as the answer to a hello.
 * - `EVENT` (2): one event, as the leader's connection delivered it.
 * @internal
 */
export type Message =
  | [tag: typeof TAG, kind: typeof HELLO, types: string[], rank: number]
  | [tag: typeof TAG, kind: typeof STATE, term: number, id: string, types: string[], state: WireState]
  | [tag: typeof TAG, kind: typeof EVENT, term: number, id: string, type: string, data: string]
