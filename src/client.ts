/**
 * The client: a state machine around one EventSource at a time, and a registry of typed handlers.
 *
 * Who owns reconnection: by default the client does. On any transport error it closes the EventSource (so the
 * browser's own reconnection never runs), asks the pure retry policy (`retry.ts`) for a delay, reports it in the
 * state as `reconnecting` with `attempt` and `delayMs`, and opens a new EventSource when the delay is over, carrying
 * the last event id. With `retry: 'transport'` the EventSource reconnects by itself as the WHATWG spec describes
 * (the server's `retry:` honoured); the client only reports it, and restarts it on a stall, which it cannot see.
 * With `retry: false` the first failure closes.
 *
 * Never lose an event, never hang: every event id delivered is remembered in a bounded window and a replayed one
 * is dropped; a watchdog closes a connection on which nothing arrived for `heartbeatTimeoutMs`; offline, a hidden
 * page or the back/forward cache pause the connection instead of burning attempts.
 *
 * Callback order for one failure: the state changes to `reconnecting` (or `closed`) first, then the timer for
 * the next attempt starts; `disconnect()` at any point cancels the timer, the watchdog, a transport still loading
 * and every window listener.
 */
import { json, text, toDecoder } from './decode'
import { DEV } from './dev'
import { type ErrorCode, SsekitError, requestError } from './errors'
import { getGlobal } from './global'
import { isOffline, watchLifecycle } from './lifecycle'
import { checkFunction, checkHeaders, fail, validateOptions } from './options'
import { nextDelay, resolveRetry } from './retry'
import { LOST_EVENT, PING_EVENT } from './protocol'
import { createSeenIds } from './seen-ids'
import { IDLE, isActive, transition, type StateEvent } from './state'
import type { Channel, Transport, TransportFactory } from './transports/types'
import { originOf } from './transports/url'
import {
  type Client,
  type ClientOptions,
  type ConnectionState,
  type EventHandler,
  type EventMap,
  type LostNotice,
  type MessageMeta,
} from './types'
import { createWatchdog } from './watchdog'

/**
 * Where the transports come from: entry points wire these (fetch and the polyfill loaded lazily for ESM, the
 * polyfill bundled for the script tag, the share chunk for `share`). `lazy` is given the `transport` option
 * (`'auto'`, `'fetch'` or `'polyfill'`) and decides from what the platform has; the client's options come last,
 * for a source that needs more (sharing). @internal
 */
export interface TransportSource {
  native(): TransportFactory | undefined
  lazy(
    wanted: string,
    done: (factory: TransportFactory) => void,
    failed: (cause: unknown) => void,
    options: ClientOptions,
  ): void
}

/** The handlers of one event type; `on()` and its unbind replace `list` rather than change it. */
interface TypeChannel extends Channel {
  list: Array<EventHandler<unknown>>
}

/** How many delivered ids are remembered to drop replays, and how many characters they may hold in all. */
const DEDUPE_WINDOW = 1000
const DEDUPE_CHARS = 65536
/** At most this much raw data is quoted in a decode error message. */
const PREVIEW = 120

/**
 * Creates a client with the given transports. {@link createClient} is this with the defaults wired in.
 * @internal
 */
export function createClientWith<Events extends EventMap>(
  source: TransportSource,
  given: string | URL,
  options: ClientOptions = {},
): Client<Events> {
  const url = validateOptions(given, options)
  const { withCredentials = false, headers, method = 'GET', body, onError, lastEventIdParam = 'lastEventId' } = options
  const { heartbeatTimeoutMs = 45000, maxEventLength = 4194304, pauseWhenHidden } = options
  const decode = toDecoder(options.decode)
  const mode = options.retry
  // The client's own retry policy: the default one unless `retry` is false or 'transport'.
  const policy = mode === undefined || typeof mode === 'object' ? resolveRetry(mode) : undefined
  const wanted = options.transport || 'auto'
  // Native EventSource can only GET, without headers (a body is only valid with another method): anything more needs
  // a lazily loaded transport, whose loader also refuses `transport: 'native'` for such a request.
  const isNative = !headers && method === 'GET' && (wanted === 'native' || wanted === 'auto')

  let state: ConnectionState = IDLE
  let lastEventId = options.lastEventId || ''
  let factory: TransportFactory | undefined
  let transport: Transport | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let unwatch: (() => void) | undefined
  // The origin of the stream, found once (the page's location is only read when the first event arrives).
  let origin = ''
  // The id buffer of the current EventSource: a change means the event carried an `id` field.
  let connectionId = ''
  // Bumped by every attempt and by stop(): callbacks of an older generation are ignored.
  let generation = 0
  const stateListeners: Array<(state: ConnectionState) => void> = []
  const channels: Record<string, TypeChannel> = Object.create(null)
  const channel = (type: string): TypeChannel => channels[type] || (channels[type] = { type, list: [] })
  const ping = channel(PING_EVENT)
  const lost = channel(LOST_EVENT)
  const seen = createSeenIds(DEDUPE_WINDOW, DEDUPE_CHARS)

  const watchdog = createWatchdog(heartbeatTimeoutMs, () =>
    failed(problem('stalled', DEV && 'Nothing arrived for ' + heartbeatTimeoutMs + ' ms'), false),
  )
  const touch = watchdog.touch

  /** An error of this client's request; `what` is the development build's words for it. */
  function problem(code: ErrorCode, what: string | false, cause?: unknown): SsekitError {
    return requestError(code, what, url, cause, method)
  }

  /**
   * Tells every subscriber of a change. A listener that throws is reported and the others still run; one that
   * changes the state again (a `disconnect()`, say) has told every listener of the newer state, so the older one
   * goes no further: each listener's last call is always the current state.
   */
  function dispatch(event: StateEvent): void {
    const next = transition(state, event)
    if (next === state) return
    state = next
    const listeners = stateListeners.slice()
    for (let index = 0; index < listeners.length && state === next; index++) call(listeners[index], next)
  }

  /** Reports an error that does not end the connection: to `onError`, else where the platform reports errors. */
  function report(error: SsekitError): void {
    if (onError) return onError(error)
    const { reportError } = getGlobal() as { reportError?: (error: unknown) => void }
    // `reportError` fires the page's `error` event, like an uncaught exception, without unwinding anything; where
    // there is none (Node), the console: an error thrown from a timer would end the process. (`reportError` is an
    // operation of the global object, so it needs no `this`.)
    if (reportError) reportError(error)
    else console.error(error)
  }

  function stop(): void {
    generation++
    clearTimeout(timer)
    watchdog.stop()
    if (transport) transport.close()
    transport = undefined
  }

  function unwatchLifecycle(): void {
    if (unwatch) unwatch()
    unwatch = undefined
  }

  function deliver(from: TypeChannel, raw: string, id: string, messageOrigin: string | undefined): void {
    if (raw.length > maxEventLength) {
      return failed(problem('too-large', DEV && 'An event longer than ' + maxEventLength + ' characters'), false)
    }
    if (from === ping) return
    // A changed id buffer means the event carried an `id` field; an unchanged one (the common case) skips the rest.
    // [spec] If the field value does not contain U+0000 NULL, then set the last event ID buffer to the field value.
    // Otherwise, ignore the field.
    if (id !== connectionId && id.indexOf('\0') < 0) {
      connectionId = id
      // A replay of an event delivered already is dropped.
      if (id && seen.has(id)) return
      lastEventId = id
      if (id) seen.add(id)
    }
    const { type, list } = from
    const isLost = from === lost
    if (!isLost && !list.length) return
    let data: unknown = raw
    // The default decoder returns the data as it is: neither a call nor a try on the hot path for it.
    if (isLost || decode !== text) {
      try {
        data = (isLost ? json : decode)(raw, type)
      } catch (cause) {
        const preview = DEV && (raw.length > PREVIEW ? raw.slice(0, PREVIEW) + '…' : raw)
        return report(
          problem('decode', DEV && 'Could not decode "' + type + '" event data ' + JSON.stringify(preview), cause),
        )
      }
    }
    const current = generation
    if (isLost) dispatch({ type: 'lost', lost: data as LostNotice })
    if (!origin) origin = messageOrigin || originOf(url)
    const meta = { type, lastEventId, origin, raw }
    // `on()` and its unbind replace the list rather than change it, so it can be walked as it is. A handler that
    // disconnects (or reconnects) ends the walk, as a `disconnect()` before the event would have.
    for (let index = 0; index < list.length && current === generation; index++) call(list[index], data, meta)
  }

  /**
   * Runs one handler (with its data and metadata) or state listener (with the state): one that throws is reported,
   * and the others still run. A function of its own, because a `try` inside the loop above made every event slower
   * (measured), one around a single call costs next to nothing.
   */
  function call(callback: (value: never, meta: MessageMeta) => void, value: unknown, meta?: MessageMeta): void {
    try {
      ;(callback as (value: unknown, meta?: MessageMeta) => void)(value, meta)
    } catch (cause) {
      report(
        problem(
          'handler',
          DEV && (meta ? 'A handler of "' + meta.type + '" events' : 'A state listener') + ' threw',
          cause,
        ),
      )
    }
  }

  function failed(error: SsekitError, reconnecting: boolean): void {
    if (mode === 'transport' && error.code !== 'too-large') {
      if (reconnecting) return dispatch({ type: 'retry', error })
      if (error.code === 'stalled') {
        stop()
        const current = generation
        dispatch({ type: 'retry', error })
        return current === generation ? attempt() : undefined
      }
    }
    stop()
    // `decide` and the subscribers may call disconnect() or connect(): then theirs is the last word.
    const current = generation
    const delayMs = policy ? nextDelay(policy, state.attempt + 1, error) : null
    if (current !== generation) return
    if (delayMs === null) {
      unwatchLifecycle()
      return dispatch({ type: 'fail', error })
    }
    dispatch({ type: 'retry', error, delayMs })
    if (current === generation) timer = setTimeout(attempt, delayMs)
  }

  function start(chosen: TransportFactory, current: number): void {
    if (current !== generation) return
    factory = chosen
    dispatch({ type: 'transport', transport: chosen.kind })
    let requestHeaders: Record<string, string> = {}
    let refused: SsekitError | undefined
    try {
      if (headers && current === generation) {
        requestHeaders = checkHeaders(typeof headers === 'function' ? headers() : headers)
      }
    } catch (cause) {
      refused = cause instanceof SsekitError ? cause : problem('bad-option', DEV && 'The headers function threw', cause)
    }
    // A subscriber or the headers function called disconnect() or connect(): this attempt is not to be made.
    if (current !== generation) return
    if (refused) return failed(refused, false)
    connectionId = ''
    watchdog.start()
    transport = chosen(
      {
        url,
        withCredentials,
        headers: requestHeaders,
        method,
        body,
        spec: mode === 'transport',
        lastEventId,
        lastEventIdParam,
        maxEventLength,
        onActivity: touch,
      },
      {
        // A sharing transport passes the state of the connection it shares instead.
        onOpen: (shared) => current === generation && (touch(), dispatch(shared || { type: 'open' })),
        onMessage: (from, data, id, origin) =>
          current === generation && (touch(), deliver(from as TypeChannel, data, id, origin)),
        onError: (error, reconnecting) => current === generation && failed(error, reconnecting),
      },
    )
    for (const type in channels) transport.listen(channels[type])
  }

  function attempt(): void {
    const current = ++generation
    if (isOffline()) return dispatch({ type: 'wait', reason: 'offline' })
    if (factory) return start(factory, current)
    // The lazy loader also says why a transport asked for by name cannot run here (native where there is none), or
    // why its chunk did not load.
    source.lazy(
      wanted,
      (loaded) => start(loaded, current),
      (cause) =>
        current === generation && failed(problem('unavailable', DEV && 'No transport (' + cause + ')', cause), false),
      options,
    )
  }

  return {
    url,
    get state() {
      return state
    },
    get lastEventId() {
      return lastEventId
    },
    connect() {
      if (isActive(state)) return
      // A relative URL where there is no page to resolve it against (Node), whose origin is therefore unknown: no
      // attempt could ever succeed.
      if (!originOf(url)) fail('url', DEV ? '"' + url + '" is relative: pass an absolute URL' : 'relative')
      // Native is chosen here, so that the first state already names it. A lazy transport loads later: `auto`
      // names fetch until the fetch chunk finds that it cannot stream and hands over the polyfill.
      if (!factory && isNative) factory = source.native()
      const current = ++generation
      dispatch({ type: 'connect', transport: factory ? factory.kind : wanted === 'auto' ? 'fetch' : wanted })
      // A subscriber disconnected (or reconnected) on `connecting`: nothing more is to start here.
      if (current !== generation) return
      // Paused, an active connection waits for `reason` to pass; resumed, the one that waits for it tries again.
      unwatch = watchLifecycle(pauseWhenHidden, (pause, reason) => {
        if (pause ? !isActive(state) : state.reason !== reason) return
        stop()
        if (pause) dispatch({ type: 'wait', reason })
        else attempt()
      })
      attempt()
    },
    disconnect() {
      stop()
      unwatchLifecycle()
      dispatch({ type: 'disconnect' })
    },
    on(type, handler) {
      checkFunction('handler', handler)
      const to = channel(type)
      to.list = to.list.concat(handler as EventHandler<unknown>)
      if (transport) transport.listen(to)
      let bound = true
      return () => {
        const list = to.list
        const at = bound ? list.indexOf(handler as EventHandler<unknown>) : -1
        bound = false
        if (at >= 0) to.list = list.filter((_, index) => index !== at)
      }
    },
    subscribe(listener) {
      checkFunction('listener', listener)
      stateListeners.push(listener)
      call(listener, state)
      return (): void => {
        const at = stateListeners.indexOf(listener)
        if (at >= 0) stateListeners.splice(at, 1)
      }
    },
  }
}
