/**
 * The client: a state machine around one EventSource at a time, and a registry of typed handlers.
 *
 * Who owns reconnection: by default the client does. On any transport error it closes the EventSource (so the
 * browser's own reconnection never runs), asks the pure retry policy (`retry.ts`) for a delay, reports it in the
 * state as `reconnecting` with `attempt` and `delayMs`, and opens a new EventSource when the delay is over, carrying
 * the last event id. With `retry: 'transport'` the EventSource reconnects by itself as the WHATWG spec describes
 * (the server's `retry:` honoured); the client only reports it. With `retry: false` the first failure closes.
 *
 * Callback order for one failure: the state changes to `reconnecting` (or `closed`) first, then the timer for
 * the next attempt starts; `disconnect()` at any point cancels both the timer and a transport still loading.
 */
import { SsekitError } from './errors'
import { toDecoder } from './decode'
import { checkHeaders, validateOptions } from './options'
import { nextDelay, resolveRetry } from './retry'
import { IDLE, transition, type StateEvent } from './state'
import type { Transport, TransportFactory, TransportMessage } from './transports/types'
import { originOf } from './transports/url'
import type { Client, ClientOptions, ConnectionState, EventHandler, EventMap } from './types'

/** Where the transports come from: entry points wire these (lazy polyfill for ESM, bundled for the script tag). @internal */
export interface TransportSource {
  native(): TransportFactory | undefined
  polyfill(done: (factory: TransportFactory) => void, failed: (cause: unknown) => void): void
}

/** At most this much raw data is quoted in a decode error message. */
const PREVIEW = 120

/**
 * Creates a client with the given transports. {@link createClient} is this with the defaults wired in.
 * @internal
 */
export function createClientWith<Events extends EventMap>(
  source: TransportSource,
  url: string,
  options: ClientOptions = {},
): Client<Events> {
  validateOptions(url, options)
  const { withCredentials = false, headers, onError, lastEventIdParam = 'lastEventId' } = options
  const decode = toDecoder(options.decode)
  const mode = options.retry === undefined ? resolveRetry() : options.retry
  const policy = typeof mode === 'object' ? resolveRetry(mode) : undefined
  const wanted = options.transport || (headers ? 'polyfill' : 'auto')

  let state: ConnectionState = IDLE
  let lastEventId = options.lastEventId || ''
  let factory: TransportFactory | undefined
  let transport: Transport | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  // Bumped by every attempt and by disconnect(): callbacks of an older generation are ignored.
  let generation = 0
  const stateListeners: Array<(state: ConnectionState) => void> = []
  const handlers: Record<string, Array<EventHandler<unknown>>> = Object.create(null)

  function dispatch(event: StateEvent): void {
    const next = transition(state, event)
    if (next === state) return
    state = next
    stateListeners.slice().forEach((listener) => listener(next))
  }

  function report(error: SsekitError): void {
    if (onError) onError(error)
    else setTimeout(() => {
      throw error
    })
  }

  function stop(): void {
    generation++
    clearTimeout(timer)
    timer = undefined
    if (transport) transport.close()
    transport = undefined
  }

  function deliver(type: string, message: TransportMessage): void {
    // [spec] The last event ID persists across events without an `id` field; a new EventSource starts from ''.
    if (message.lastEventId) lastEventId = message.lastEventId
    const list = handlers[type]
    if (!list || !list.length) return
    const raw = message.data
    let data: unknown
    try {
      data = decode(raw, type)
    } catch (cause) {
      const preview = raw.length > PREVIEW ? raw.slice(0, PREVIEW) + '…' : raw
      return report(new SsekitError('Could not decode "' + type + '" event data: ' + preview, { code: 'decode', url, cause }))
    }
    const meta = { type, lastEventId, origin: message.origin || originOf(url), raw }
    list.slice().forEach((handler) => {
      try {
        handler(data, meta)
      } catch (cause) {
        report(new SsekitError('A handler of "' + type + '" events threw', { code: 'handler', url, cause }))
      }
    })
  }

  function failed(error: SsekitError, reconnecting: boolean): void {
    if (mode === 'transport' && reconnecting) return dispatch({ type: 'retry', error })
    stop()
    const delayMs = policy ? nextDelay(policy, state.attempt + 1, error) : null
    if (delayMs === null) return dispatch({ type: 'fail', error })
    dispatch({ type: 'retry', error, delayMs })
    timer = setTimeout(attempt, delayMs)
  }

  function start(chosen: TransportFactory, current: number): void {
    if (current !== generation) return
    factory = chosen
    dispatch({ type: 'transport', transport: chosen.kind })
    let requestHeaders: Record<string, string> = {}
    try {
      if (headers) requestHeaders = checkHeaders(typeof headers === 'function' ? headers() : headers)
    } catch (cause) {
      return failed(cause instanceof SsekitError ? cause : new SsekitError('The headers function threw', { code: 'bad-option', url, cause }), false)
    }
    transport = chosen(
      { url, withCredentials, headers: requestHeaders, lastEventId, lastEventIdParam },
      {
        onOpen: () => current === generation && dispatch({ type: 'open' }),
        onMessage: (type, message) => current === generation && deliver(type, message),
        onError: (error, reconnecting) => current === generation && failed(error, reconnecting),
      },
    )
    for (const type in handlers) transport.listen(type)
  }

  function attempt(): void {
    const current = ++generation
    timer = undefined
    if (factory) return start(factory, current)
    if (wanted === 'native') {
      return failed(
        new SsekitError('No native EventSource here: use transport "polyfill" or the script-tag build, which bundles one', {
          code: 'unavailable',
          url,
        }),
        false,
      )
    }
    source.polyfill(
      (loaded) => start(loaded, current),
      (cause) =>
        current === generation &&
        failed(new SsekitError('Could not load the EventSource polyfill', { code: 'unavailable', url, cause }), false),
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
      if (state.status === 'idle' || state.status === 'closed') {
        // Native is chosen here, so that the first state already names it; the polyfill may load later.
        if (!factory && wanted !== 'polyfill') factory = source.native()
        dispatch({ type: 'connect', transport: factory ? factory.kind : wanted === 'native' ? undefined : 'polyfill' })
        attempt()
      }
    },
    disconnect() {
      stop()
      dispatch({ type: 'disconnect' })
    },
    on(type, handler) {
      const list = handlers[type] || (handlers[type] = [])
      list.push(handler as EventHandler<unknown>)
      if (transport) transport.listen(type)
      return () => {
        const at = list.indexOf(handler as EventHandler<unknown>)
        if (at >= 0) list.splice(at, 1)
      }
    },
    subscribe(listener) {
      stateListeners.push(listener)
      listener(state)
      return (): void => {
        const at = stateListeners.indexOf(listener)
        if (at >= 0) stateListeners.splice(at, 1)
      }
    },
  }
}
