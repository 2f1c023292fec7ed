/**
 * What sharing needs of the browser, as structural types: only the parts of Web Locks, BroadcastChannel, localStorage
 * and the page that the election and the relay use, so that the browser's objects and the fakes of the tests both fit.
 */
import type { TransportSource } from '../client'
import type { Client, ClientOptions } from '../types'
import type { Message } from './protocol'

/** The options of a lock request that the election uses. @internal */
export interface LockOptions {
  signal?: AbortSignal
  steal?: boolean
  ifAvailable?: boolean
}

/** The parts of `navigator.locks` the election uses. @internal */
export interface LocksLike {
  request(name: string, options: LockOptions, granted: (lock: unknown) => unknown): Promise<unknown>
}

/** The parts of `localStorage` the relay uses to keep the group's last id. @internal */
export interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** The parts of BroadcastChannel the relay uses. @internal */
export interface ChannelLike {
  postMessage(message: Message): void
  onmessage: ((event: { data: unknown }) => void) | null
  close(): void
}

/** What the sharing transport needs of the global object; the browser's, or fakes in tests. @internal */
export interface SharePlatform {
  navigator: { locks: LocksLike }
  BroadcastChannel: new (name: string) => ChannelLike
  /** Where the group's last id is kept; reading it may throw (storage turned off), and so may writing (quota). */
  localStorage: StorageLike
  /** Where `freeze` and `resume` are heard, by a capturing listener (they are fired at the document). */
  addEventListener(type: string, listener: () => void, capture: true): void
  removeEventListener(type: string, listener: () => void, capture: true): void
}

/** Creates the leader's own client (`createClientWith`). @internal */
export type CreateClient = (source: TransportSource, url: string, options: ClientOptions) => Client
