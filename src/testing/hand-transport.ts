/**
 * The transport under a test client: every connection it opens waits until the test answers it (open, fail, drop,
 * close), and then behaves as the fetch transport would: it sees statuses, headers and comments, carries the last
 * event ID buffer across events without an id, and under `retry: 'transport'` reconnects by itself after the
 * spec's reconnection time. It starts no timer of its own but that reconnection, and reads the global `setTimeout`
 * when it does, so fake timers drive it.
 */
import type { TransportSource } from '../client'
import type { SsekitError } from '../errors'
import type { Channel, TransportFactory, TransportHandlers, TransportRequest } from '../transports/types'
import type { TransportKind } from '../types'

/** [spec] The reconnection time an EventSource starts with; the fetch transport's, and Chromium's, is 3 s. */
const RECONNECTION_TIME_MS = 3000

/**
 * Where a connection is: a request `waiting` for its answer, an `open` stream, a transport `reconnecting` by
 * itself (`retry: 'transport'`), or `done` (answered with a failure, or closed by the client).
 * @internal
 */
export type Phase = 'waiting' | 'open' | 'reconnecting' | 'done'

/** One connection of the hand-driven transport. @internal */
export interface HandConnection {
  readonly request: TransportRequest
  readonly kind: TransportKind
  readonly phase: Phase
  /** Answers the waiting request with 200 and `text/event-stream`. */
  open(): void
  /** Delivers one event of a type the client listens to; the id, if given, sets the last event ID buffer. */
  deliver(type: string, data: string, id: string | undefined): void
  /** Something arrived that is not an event (a comment): the client's stall watchdog hears it. */
  activity(): void
  /** Ends the connection with an error: `reconnecting` as the fetch transport reports it. */
  end(error: SsekitError, reconnecting: boolean): void
}

/**
 * Creates the transport source of a test client.
 * @param wanted - the client's `transport` option
 * @param onRequest - told of every request, the transport's own reconnections included
 * @internal
 */
export function handTransport(
  wanted: string | undefined,
  onRequest: (connection: HandConnection) => void,
): TransportSource {
  const factories: Partial<Record<TransportKind, TransportFactory>> = {}
  const factoryOf = (kind: TransportKind): TransportFactory =>
    factories[kind] ||
    (factories[kind] = Object.defineProperty(
      (request: TransportRequest, handlers: TransportHandlers) => connect(kind, request, handlers),
      'kind',
      { value: kind },
    ) as TransportFactory)

  function connect(kind: TransportKind, request: TransportRequest, handlers: TransportHandlers) {
    const channels: Record<string, Channel> = Object.create(null)
    let phase: Phase = 'waiting'
    // [spec] The buffer starts empty on a new stream; a reconnection of the same EventSource starts from the last
    // event ID string.
    let buffer = ''
    let timer: ReturnType<typeof setTimeout> | undefined
    let current = request
    const connection: HandConnection = {
      get request() {
        return current
      },
      kind,
      get phase() {
        return phase
      },
      open() {
        phase = 'open'
        handlers.onOpen()
      },
      deliver(type, data, id) {
        if (id !== undefined) buffer = id
        current.onActivity()
        const channel = channels[type]
        if (channel) handlers.onMessage(channel, data, buffer, undefined)
      },
      activity: () => current.onActivity(),
      end(error, reconnecting) {
        phase = reconnecting && current.spec ? 'reconnecting' : 'done'
        handlers.onError(error, reconnecting)
        if (phase !== 'reconnecting') return
        timer = setTimeout(() => {
          phase = 'waiting'
          current = { ...current, lastEventId: buffer }
          onRequest(connection)
        }, RECONNECTION_TIME_MS)
      },
    }
    onRequest(connection)
    return {
      listen(channel: Channel) {
        channels[channel.type] = channel
      },
      close() {
        phase = 'done'
        clearTimeout(timer)
      },
    }
  }

  return {
    // Native is never chosen by itself, as in Node or jsdom: only when asked for by name.
    native: () => (wanted === 'native' ? factoryOf('native') : undefined),
    lazy(name, done, failed) {
      if (name === 'native') return failed(new Error('transport "native" cannot send this request here: use "auto"'))
      done(factoryOf(name === 'auto' ? 'fetch' : (name as TransportKind)))
    },
  }
}
