import { createClientWith } from '../client'
import { SsekitError } from '../errors'
import { LOST_EVENT } from '../protocol'
import { responseError } from '../transports/response-error'
import type { ClientOptions, EventMap, OptionsFor } from '../types'
import { handTransport, type HandConnection, type Phase } from './hand-transport'
import type { EmitOptions, FailOptions, FakeServer, TestClient, TestRequest } from './types'

const LINE_BREAK = /\r\n|\r|\n/

/** The error for a call the current connection cannot take: what the test asked for, and what is the case. */
function refuse(call: string, needs: string, instead: string): never {
  throw new Error('ssekit/testing: server.' + call + '() needs ' + needs + ', but ' + instead)
}

/** Reads response headers by name, case-insensitively, as `Headers.get` does. */
const headerReader = (headers: Record<string, string>) => ({
  get(name: string): string | null {
    for (const key in headers) if (key.toLowerCase() === name.toLowerCase()) return headers[key]
    return null
  },
})

/**
 * Creates a client for tests: the real client of `createClient` (its state machine, retry policy, decoding,
 * dedupe of replayed ids, errors and option checks), over a transport that the test answers by hand through
 * `server`. Nothing goes over the network and no `EventSource` or `fetch` is needed, in jsdom or in Node.
 *
 * The transport behaves as the fetch transport does (statuses, headers and comments are seen), and
 * `state.transport` names the `transport` option (`'fetch'` for `'auto'`). Timers are the client's own, for its
 * retries and its stall watchdog (`heartbeatTimeoutMs`, 45 s by default: pass 0 to turn it off), read from the
 * global `setTimeout` when they start, so fake timers that replace it (Jest's) drive them: advance them by
 * `state.delayMs` to reach the next attempt. `share` is accepted and ignored: each test client has a connection
 * of its own.
 *
 * @param url - the stream URL, as for `createClient` (a relative one needs a page: jsdom has one, Node does not)
 * @param options - as for `createClient`
 * @returns the client and the server side that drives it
 * @example
 * ```ts
 * jest.useFakeTimers()
 * const { client, server } = createTestClient<{ price: { value: number } }>('https://example.test/prices', {
 *   decode: 'json',
 *   retry: { initialDelayMs: 1000, jitter: 0 },
 * })
 * client.connect()
 * server.open()
 * server.emit('price', { value: 7 }, { id: '1' })
 * server.drop()
 * expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 1000 })
 * jest.advanceTimersByTime(1000)
 * expect(server.requests[1].lastEventId).toBe('1')
 * ```
 * @public
 */
export function createTestClient<Events extends EventMap = Record<string, string>>(
  url: string | URL,
  ...options: OptionsFor<Events>
): TestClient<Events> {
  const given: ClientOptions = options[0] || {}
  const requests: TestRequest[] = []
  let connection: HandConnection | undefined
  let closeNext = false

  const source = handTransport(given.transport, (next) => {
    connection = next
    const { request } = next
    const what = request.method + ' ' + request.url
    let body: string | undefined
    let problem: SsekitError | undefined
    try {
      // The fetch transport calls a body function before every request it sends.
      body = typeof request.body === 'function' ? request.body() : request.body
    } catch (cause) {
      problem = new SsekitError('The body function threw: ' + what, { code: 'bad-option', url: request.url, cause })
    }
    requests.push({
      url: request.url,
      method: request.method,
      headers: { ...request.headers },
      body,
      lastEventId: request.lastEventId,
      attempt: client.state.attempt,
      transport: next.kind,
      withCredentials: request.withCredentials,
    })
    if (problem) return next.end(problem, false)
    if (closeNext) {
      closeNext = false
      answer(next, 204, {})
    }
  })
  const client = createClientWith<Events>(source, url, given)

  /** Why the current connection cannot take a call, as the rest of a {@link refuse} message. */
  function situation(): string {
    const phase = connection ? connection.phase : undefined
    const { status, delayMs } = client.state
    if (phase === 'waiting') return 'a request is waiting for its answer: call server.open() or server.fail() first'
    if (phase === 'open') return 'the stream is open: server.drop() or server.close() end it'
    if (phase === 'reconnecting') return 'the transport reconnects by itself: advance the timers by 3000 ms first'
    if (status === 'reconnecting' && delayMs !== undefined) {
      return 'the client retries in ' + delayMs + ' ms: advance the timers first'
    }
    return status === 'idle' ? 'the client has not connected: call client.connect() first' : 'the client is ' + status
  }

  function current(call: string, needs: string, ...phases: Phase[]): HandConnection {
    if (connection && phases.indexOf(connection.phase) >= 0) return connection
    return refuse(call, needs, situation())
  }

  function answer(to: HandConnection, status: number, { headers = {}, statusText }: FailOptions): void {
    const error = responseError(to.request.url, status, statusText, headerReader(headers), to.request.method)
    if (!error) return refuse('fail', 'a failing status', status + ' with text/event-stream opens: use server.open()')
    to.end(error, false)
  }

  function send(type: string, data: string, { id }: EmitOptions = {}): void {
    const open = current('emit', 'an open stream', 'open')
    if (LINE_BREAK.test(type) || (id && LINE_BREAK.test(id))) {
      refuse('emit', 'an event type and an id without line breaks', JSON.stringify([type, id]) + ' has one')
    }
    // [spec] An id field whose value contains NUL is ignored; data lines are joined with LF.
    open.deliver(type || 'message', data.split(LINE_BREAK).join('\n'), id && id.indexOf('\0') >= 0 ? undefined : id)
  }

  const server: FakeServer<Events> = {
    requests,
    get isWaiting() {
      return !!connection && connection.phase === 'waiting'
    },
    get isOpen() {
      return !!connection && connection.phase === 'open'
    },
    open: () => current('open', 'a request waiting for its answer', 'waiting').open(),
    emit(type, data, options) {
      let wire: string | undefined
      if (type === LOST_EVENT || given.decode === 'json') wire = JSON.stringify(data)
      else if (typeof data === 'string') wire = data
      if (typeof wire !== 'string') {
        refuse(
          'emit',
          'data it can encode',
          'the client decodes with a function or as text: give the wire text to emitRaw()',
        )
      }
      send(type, wire, options)
    },
    emitRaw: send,
    comment: () => current('comment', 'an open stream', 'open').activity(),
    fail: (status, options = {}) =>
      answer(current('fail', 'a request waiting for its answer', 'waiting'), status, options),
    drop() {
      const to = current('drop', 'a connection, waiting or open', 'waiting', 'open')
      const { method, url } = to.request
      to.end(new SsekitError('Connection lost: ' + method + ' ' + url, { code: 'network', url }), true)
    },
    close() {
      if (connection && connection.phase === 'waiting') return answer(connection, 204, {})
      closeNext = true
      if (connection && connection.phase === 'open') server.drop()
    },
  }
  return { client, server }
}
