/**
 * The options of `createChannel()`, and their checks and defaults.
 *
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http'
import { nonNegativeInteger } from './check'
import type { CorsOptions } from './cors'
import { createClientLimiter, type ClientLimiter } from './limits'
import type { StreamLimits } from './stream-client'

/**
 * What `onClientError` is told.
 *
 * @example
 * ```ts
 * createChannel({onClientError: (info: ClientErrorInfo) => console.warn(info.reason, info.error.message)})
 * ```
 * @public
 */
export interface ClientErrorInfo {
  /**
   * `slow`: the client did not read fast enough (over `maxBufferedBytes` or `maxLagMs`) and was disconnected;
   * `socket`: its connection failed.
   */
  reason: 'slow' | 'socket'
  /** What happened, with the request's URL in the message. */
  error: Error
  /** The client's request. */
  req: IncomingMessage
}

/**
 * Options for `createChannel()`.
 *
 * @example
 * ```ts
 * const options: ChannelOptions = {bufferSize: 500, retryMs: 2000, cors: {origin: ['https://app.example']}}
 * const news = createChannel(options)
 * ```
 * @public
 */
export interface ChannelOptions {
  /** How many recent events to keep for replay. @defaultValue 1000 */
  bufferSize?: number
  /** The reconnection delay hint (`retry:`) sent first on every stream, in milliseconds. @defaultValue 3000 */
  retryMs?: number
  /**
   * How often a heartbeat goes to every stream so proxies keep idle connections open and clients can tell a live
   * stream from a dead one; 0 turns it off. The heartbeat is a `: ping` comment plus an `ssekit-ping` event with
   * empty data, because native EventSource never shows comments to the page (ssekit's stall watchdog counts it).
   * One timer serves all clients, and it does not keep the process alive. @defaultValue 15000
   */
  heartbeatMs?: number
  /**
   * A client whose unsent output passes this many bytes is too slow: it gets nothing more and its connection is
   * closed, so one stalled reader cannot make the server's memory grow. The replay a resuming client gets counts.
   * @defaultValue 1048576
   */
  maxBufferedBytes?: number
  /**
   * A client whose oldest unsent output has waited this long is too slow and is disconnected, however few bytes
   * wait; 0 turns it off. Node only sees output the kernel would not take, so this starts once the kernel's
   * buffers for the socket are full. @defaultValue 30000
   */
  maxLagMs?: number
  /**
   * Every stream is ended after this long (up to a tenth sooner, at random, so clients spread out); clients
   * reconnect and resume with `Last-Event-ID`, missing nothing the buffer kept. It bounds how long a client that
   * never reads can hold the server's resources, which the other bounds cannot see at low rates: the kernel takes
   * megabytes before node notices. 0 turns it off. @defaultValue 600000
   */
  maxStreamAgeMs?: number
  /**
   * The most streams this channel keeps open at once; more get `503` with `Retry-After`. 0 for no limit. Not
   * allowed with `limiter`. @defaultValue 1000
   */
  maxClients?: number
  /**
   * The most streams open at once from one address (an IPv6 /64 counts as one); 0 for no limit. Not allowed with
   * `limiter`. @defaultValue 50
   */
  maxClientsPerAddress?: number
  /** A limiter shared with other channels, from `createClientLimiter()`; it replaces this channel's own. */
  limiter?: ClientLimiter
  /** Which other origins may read the stream. Left out, no CORS headers are sent (same origin only). */
  cors?: CorsOptions
  /** The query parameter read when there is no `Last-Event-ID` header. @defaultValue 'lastEventId' */
  lastEventIdParam?: string
  /** Called when a client is dropped for being slow or its connection fails. */
  onClientError?: (info: ClientErrorInfo) => void
}

/** The channel's settings, checked, with defaults filled in. @internal */
export interface ChannelSettings extends StreamLimits {
  bufferSize: number
  retryMs: number
  heartbeatMs: number
  limiter: ClientLimiter
  lastEventIdParam: string
}

/**
 * Checks the options and fills in the defaults.
 *
 * @param options - As given to `createChannel()`.
 * @returns The settings.
 * @throws RangeError for a negative or fractional size, count or duration; TypeError for limits beside `limiter`.
 * @internal
 */
export function readChannelOptions(options: ChannelOptions): ChannelSettings {
  const check = (name: string, value: number): number => nonNegativeInteger('createChannel', name, value)
  const { maxClients, maxClientsPerAddress } = options
  if (options.limiter !== undefined && (maxClients !== undefined || maxClientsPerAddress !== undefined)) {
    throw new TypeError(
      'createChannel: maxClients and maxClientsPerAddress cannot be given with limiter; pass them to createClientLimiter()',
    )
  }
  return {
    bufferSize: check('bufferSize', options.bufferSize ?? 1000),
    retryMs: check('retryMs', options.retryMs ?? 3000),
    heartbeatMs: check('heartbeatMs', options.heartbeatMs ?? 15_000),
    maxBufferedBytes: check('maxBufferedBytes', options.maxBufferedBytes ?? 1024 * 1024),
    maxLagMs: check('maxLagMs', options.maxLagMs ?? 30_000),
    maxStreamAgeMs: check('maxStreamAgeMs', options.maxStreamAgeMs ?? 600_000),
    limiter: options.limiter ?? createClientLimiter({ maxClients, maxClientsPerAddress }),
    lastEventIdParam: options.lastEventIdParam ?? 'lastEventId',
  }
}
