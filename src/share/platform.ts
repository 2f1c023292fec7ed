/**
 * What sharing needs of the browser, as structural types: only the parts of Web Locks, BroadcastChannel and the
 * page that the election and the relay use, so that the browser's objects and the fakes of the tests both fit.
 */
import type { TransportSource } from '../client'
import type { Client, ClientOptions } from '../types'
import type { Message } from './protocol'

/** The parts of `navigator.locks` the election uses. @internal */
export interface LocksLike {
  request(
    name: string,
    options: { signal?: AbortSignal; steal?: boolean; ifAvailable?: boolean },
    granted: (lock: unknown) => unknown,
  ): Promise<unknown>
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
  /** Where `freeze` and `resume` are heard, by a capturing listener (they are fired at the document). */
  addEventListener(type: string, listener: () => void, capture: true): void
  removeEventListener(type: string, listener: () => void, capture: true): void
}

/** Creates the leader's own client (`createClientWith`). @internal */
export type CreateClient = (source: TransportSource, url: string, options: ClientOptions) => Client
