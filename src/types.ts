import type { SsekitError } from './errors'
import type { LOST_EVENT } from './protocol'

/**
 * The connection's status, as a readable string.
 *
 * @example
 * ```ts
 * const isLive = (status: ConnectionStatus): boolean => status === 'open'
 * ```
 * @public
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'

/**
 * Why the client holds off without a timer: the browser is offline, or the page is hidden or in the
 * back/forward cache.
 *
 * @example
 * ```ts
 * client.subscribe((state) => {
 *   if (state.reason === 'offline') showBanner('You are offline')
 * })
 * ```
 * @public
 */
export type WaitReason = 'offline' | 'hidden'

/**
 * The companion server's notice that it could not replay every missed event (`event: ssekit-lost`): the id the
 * client asked for is older than the server's buffer (`expired`) or unknown to it (`unknown`).
 * @example
 * ```ts
 * client.on('ssekit-lost', (notice: LostNotice) => reloadEverything(notice.reason))
 * ```
 * @public
 */
export interface LostNotice {
  /** The id the client resumed from. */
  lastEventId: string
  /** Why the events after it could not all be replayed. */
  reason: 'expired' | 'unknown'
  /** The oldest id the server still had, if any. */
  oldestId: string | null
}

/**
 * What carries the stream: the browser's `EventSource` (`native`), `fetch` with a streaming body (`fetch`), or
 * event-source-polyfill (`polyfill`).
 *
 * @example
 * ```ts
 * client.subscribe((state) => {
 *   if (state.transport === 'fetch') console.info('streaming over fetch')
 * })
 * ```
 * @public
 */
export type TransportKind = 'native' | 'fetch' | 'polyfill'

/**
 * The part a tab plays in a shared connection (`share`): the `leader` holds the real connection and relays it, a
 * `follower` reads it from the leader.
 *
 * @example
 * ```ts
 * client.subscribe((state) => {
 *   badge.textContent = state.role === 'leader' ? 'this tab streams' : state.role ? 'shared' : 'own connection'
 * })
 * ```
 * @public
 */
export type ShareRole = 'leader' | 'follower'

/**
 * A snapshot of the connection. The same object is returned until something changes, so it can be handed to
 * React's `useSyncExternalStore` or a Svelte store as it is.
 * @example
 * ```ts
 * client.subscribe((state: ConnectionState) => {
 *   if (state.status === 'reconnecting') console.log(`attempt ${state.attempt} in ${state.delayMs}ms`, state.error?.code)
 * })
 * ```
 * @public
 */
export interface ConnectionState {
  /** Where the connection is in its lifecycle. */
  readonly status: ConnectionStatus
  /** Failed attempts since the last open (0 while open or idle). */
  readonly attempt: number
  /** Milliseconds until the next attempt, while one is scheduled. */
  readonly delayMs?: number
  /** The failure that caused the current `reconnecting` or `closed` state, if any. */
  readonly error?: SsekitError
  /** The transport in use, once chosen. */
  readonly transport?: TransportKind
  /** Why the client is waiting without a scheduled attempt (`reconnecting` with no `delayMs`). */
  readonly reason?: WaitReason
  /** Set when the server said that events were lost since `connect()`: the app should reload its data. */
  readonly lost?: LostNotice
  /**
   * With `share`, whether this tab holds the shared connection (`leader`) or reads it from the tab that does
   * (`follower`); the rest of the state is the shared connection's, as the leader sees it. Absent without sharing,
   * and where the browser cannot share (no Web Locks or BroadcastChannel: each tab then has its own connection).
   */
  readonly role?: ShareRole
}

/**
 * A map of event type to the type of its decoded data.
 *
 * @example
 * ```ts
 * type Events = { date: string; tick: { n: number } }
 * const client = createClient<Events>('/stream', { decode: 'json' })
 * ```
 * @public
 */
export type EventMap = Record<string, unknown>

/**
 * What a handler learns about an event besides its data.
 *
 * @example
 * ```ts
 * client.on('date', (date, meta: MessageMeta) => console.log(meta.type, meta.lastEventId, meta.origin, meta.raw))
 * ```
 * @public
 */
export interface MessageMeta {
  /** The event type (`'message'` for unnamed events). */
  type: string
  /** The stream's last event id after this event, as the spec defines it. */
  lastEventId: string
  /** The origin of the stream. */
  origin: string
  /** The data as it came off the wire, before decoding. */
  raw: string
}

/**
 * Turns an event's raw data into a value.
 *
 * @example
 * ```ts
 * const decode: DecodeFunction = (raw, type) => (type === 'csv' ? raw.split(',') : JSON.parse(raw))
 * ```
 * @public
 */
export type DecodeFunction = (raw: string, type: string) => unknown

/**
 * How event data is decoded: `'text'` leaves it a string, `'json'` parses it, a function does what it likes.
 *
 * @example
 * ```ts
 * createClient('/stream', { decode: 'json' })
 * ```
 * @public
 */
export type DecodeOption = 'text' | 'json' | DecodeFunction

/**
 * What the retry hook is told about a failure.
 *
 * @example
 * ```ts
 * const decide = ({ error, attempt, delayMs }: RetryContext) => (error.status === 503 && attempt < 3 ? delayMs ?? 1000 : undefined)
 * ```
 * @public
 */
export interface RetryContext {
  /** The failure. */
  error: SsekitError
  /** The attempt that is about to be scheduled (1 for the first retry). */
  attempt: number
  /** The delay the default rules would use, or `null` where they would stop. */
  delayMs: number | null
}

/**
 * Decides one failure: `false` stops, `true` retries with the default delay, a number retries after that many
 * milliseconds, `undefined` keeps the default rules.
 * @example
 * ```ts
 * const decide: RetryDecision = ({ error, attempt }) => {
 *   if (error.status === 401) return false // stop: the token expired
 *   if (error.code === 'stalled') return 0 // retry at once
 *   return attempt > 5 ? 60_000 : undefined // slow down, else the default rules
 * }
 * createClient('/stream', { retry: { decide } })
 * ```
 * @public
 */
export type RetryDecision = (context: RetryContext) => boolean | number | undefined | void

/**
 * The client's own retry policy.
 *
 * @example
 * ```ts
 * createClient('/stream', { retry: { initialDelayMs: 500, maxDelayMs: 10_000, factor: 2, jitter: 0.3, maxAttempts: 20 } })
 * ```
 * @public
 */
export interface RetryOptions {
  /** Delay before the first retry. @defaultValue 1000 */
  initialDelayMs?: number
  /** Upper bound of any delay. @defaultValue 30000 */
  maxDelayMs?: number
  /** Growth of the delay per attempt. @defaultValue 2 */
  factor?: number
  /** Share of the delay taken off at random (0 to 1), so that clients do not retry in step. @defaultValue 0.5 */
  jitter?: number
  /** Attempts after which the client gives up and closes. @defaultValue Infinity */
  maxAttempts?: number
  /**
   * The longest server `Retry-After` honoured: a longer one waits this long (never less than the backoff), so a
   * server cannot park the client for days. Every delay is also capped at 2^31 - 1 ms, the longest a timer can wait.
   * @defaultValue 600000 (10 minutes)
   */
  maxRetryAfterMs?: number
  /** Per-failure override of the default rules. */
  decide?: RetryDecision
  /** Source of randomness for jitter, for tests. @defaultValue Math.random */
  random?: () => number
}

/**
 * A request body, or a function that computes it before each attempt (fetch transport only).
 *
 * @example
 * ```ts
 * createClient('/chat/stream', { method: 'POST', body: () => JSON.stringify({ after: lastSeenId() }) })
 * ```
 * @public
 */
export type BodyOption = string | (() => string)

/**
 * Request headers, or a function that computes them before each attempt.
 *
 * @example
 * ```ts
 * createClient('/stream', { headers: () => ({ Authorization: 'Bearer ' + getToken() }) })
 * ```
 * @public
 */
export type HeadersOption = Record<string, string> | (() => Record<string, string>)

/**
 * Options of {@link createClient}.
 *
 * @example
 * ```ts
 * const options: ClientOptions = { decode: 'json', retry: { maxAttempts: 10 }, heartbeatTimeoutMs: 30_000 }
 * createClient<Events>('/stream', options)
 * ```
 * @public
 */
export interface ClientOptions {
  /**
   * What carries the stream. `'auto'` picks native `EventSource` where it exists and the request needs nothing
   * else (no headers, method or body); `fetch` otherwise, and where there is no EventSource (Node, workers); the
   * polyfill only where `fetch` cannot stream. @defaultValue 'auto'
   */
  transport?: 'auto' | TransportKind
  /** Send cookies and auth on cross-origin requests (fetch: `credentials: 'include'`). @defaultValue false */
  withCredentials?: boolean
  /** Request headers (fetch and polyfill transports), or a function called before every attempt. */
  headers?: HeadersOption
  /** The HTTP method (fetch transport only). @defaultValue 'GET' */
  method?: string
  /** The request body (fetch transport only, with a method other than GET), or a function called before every attempt. */
  body?: BodyOption
  /** The event id to resume from on the first connection. */
  lastEventId?: string
  /** How event data is decoded. @defaultValue 'text' */
  decode?: DecodeOption
  /** The retry policy; `'transport'` leaves reconnection to the EventSource itself; `false` never retries. */
  retry?: RetryOptions | 'transport' | false
  /** Query parameter that carries the last event id where a header cannot. @defaultValue 'lastEventId' */
  lastEventIdParam?: string
  /**
   * Called with errors that do not end the connection: a decoder or a handler that threw. Without it they are
   * reported like an uncaught exception in an event listener.
   */
  onError?: (error: SsekitError) => void
  /**
   * Treat the connection as dead when nothing (event, comment or heartbeat) arrives for this long: close it and
   * retry under the policy with a `stalled` error (detected within a third more than this). Native EventSource
   * cannot see comments, so the companion server's heartbeat is an `ssekit-ping` event. `0` disables it.
   * @defaultValue 45000
   */
  heartbeatTimeoutMs?: number
  /** The longest line or event data accepted, in characters; longer fails with `too-large`. @defaultValue 4194304 */
  maxEventLength?: number
  /** Close the stream while the page is hidden and resume when it is visible again. @defaultValue false */
  pauseWhenHidden?: boolean
  /**
   * Share one connection between the tabs of this origin: `true` for the clients whose URL, `method`,
   * `withCredentials`, `lastEventIdParam` and `transport` match (headers and body are not compared: name the group
   * with a string key where they differ), or a string that names the group. One tab (the leader, elected with Web
   * Locks) holds the connection and relays every event and its state to the others over a BroadcastChannel; when it
   * closes, crashes, is frozen or disconnects, the next tab takes over from the last event id. Without Web Locks or
   * BroadcastChannel each tab keeps its own connection. @defaultValue false
   */
  share?: boolean | string
}

/**
 * The event types of a map whose data is not a string: they need a decoder, since the default (`text`) delivers
 * the data as it came off the wire.
 * @example
 * ```ts
 * type Needs = DecodedTypes<{ date: string; tick: { n: number } }> // 'tick'
 * ```
 * @public
 */
export type DecodedTypes<Events extends EventMap> = {
  [K in keyof Events]: Events[K] extends string ? never : K
}[keyof Events]

/**
 * The options argument of `createClient<Events>`: optional while every event's data is a string; required, with
 * `decode: 'json'` or a decoder function, as soon as one is not, so that the types never promise what the decoder
 * will not deliver. The compiler then says what is missing: "Expected 2 arguments, but got 1" (the options), or
 * "Property 'decode' is missing".
 * @example
 * ```ts
 * const plain: OptionsFor<{ date: string }> = []
 * const typed: OptionsFor<{ tick: { n: number } }> = [{ decode: 'json' }]
 * ```
 * @public
 */
export type OptionsFor<Events extends EventMap> = [DecodedTypes<Events>] extends [never]
  ? [options?: ClientOptions]
  : [
      optionsWithDecode: ClientOptions & {
        /** Required for a payload other than a string: `'json'` or a decoder function. */
        decode: 'json' | DecodeFunction
      },
    ]

/**
 * Removes what a call added.
 *
 * @example
 * ```ts
 * const off: Unsubscribe = client.on('date', render)
 * off()
 * ```
 * @public
 */
export type Unsubscribe = () => void

/**
 * A handler of one event type.
 *
 * @example
 * ```ts
 * const onTick: EventHandler<{ n: number }> = (tick, meta) => console.log(tick.n, meta.lastEventId)
 * client.on('tick', onTick)
 * ```
 * @public
 */
export type EventHandler<T> = (data: T, meta: MessageMeta) => void

/**
 * The data type of event `K`: the app's map, except for the built-in `ssekit-lost`.
 *
 * @example
 * ```ts
 * type Tick = EventData<Events, 'tick'> // { n: number }
 * type Lost = EventData<Events, 'ssekit-lost'> // LostNotice
 * ```
 * @public
 */
export type EventData<Events extends EventMap, K> = K extends typeof LOST_EVENT
  ? LostNotice
  : K extends keyof Events
    ? Events[K]
    : never

/**
 * The object returned by {@link createClient}.
 *
 * @example
 * ```ts
 * const client: Client<Events> = createClient<Events>('/stream/date', { decode: 'json' })
 * const off = client.on('date', (date) => console.log(date))
 * const unsubscribe = client.subscribe((state) => console.log(state.status))
 * client.connect()
 * // later
 * off()
 * unsubscribe()
 * client.disconnect()
 * ```
 * @public
 */
export interface Client<Events extends EventMap = Record<string, string>> {
  /** Opens the connection; does nothing when already connecting or open. */
  connect(): void
  /** Closes the connection and cancels any pending retry; nothing is sent after it. */
  disconnect(): void
  /** Listens to one event type; returns the function that stops listening. */
  on<K extends (keyof Events & string) | typeof LOST_EVENT>(
    type: K,
    handler: EventHandler<EventData<Events, K>>,
  ): Unsubscribe
  /** Listens to the connection state: called at once with the current state, then on every change. */
  subscribe(listener: (state: ConnectionState) => void): Unsubscribe
  /** The current state snapshot. */
  readonly state: ConnectionState
  /** The id the client resumes from. */
  readonly lastEventId: string
  /** The stream URL. */
  readonly url: string
}
