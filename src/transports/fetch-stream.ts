import { DEV } from '../dev'
import { requestError } from '../errors'
import { getGlobal } from '../global'
import { responseError } from './response-error'

/** The callbacks event-source-polyfill hands to a custom transport's `open`. */
type OnStart = (status: number, statusText: string, contentType: string | null, headers: Headers) => void

/** The `open` of a transport for event-source-polyfill: starts one request, and may return its abort. */
type Open = (
  xhr: unknown,
  onStart: OnStart,
  onProgress: (text: string) => void,
  onFinish: (error?: unknown) => void,
  url: string,
  withCredentials: boolean,
  headers: Record<string, string>,
) => { abort(): void } | undefined

/** A transport class as event-source-polyfill's `Transport` option takes it. @internal */
export type StreamTransport = new () => { open: Open }

/** The stream of one EventSource: the class for its `Transport` option, and the abort of its current request. @internal */
export interface FetchStream {
  Transport: StreamTransport
  /** Aborts the request in flight, if any: the EventSource's own `close()` cannot (see below). */
  abort(): void
}

/**
 * A fetch-based transport for event-source-polyfill (its `Transport` option), made per connection.
 *
 * - The polyfill's own fetch transport calls `response.body.getReader()` before looking at the status, so a
 *   response with no body (every 204, many 401s) throws and is mistaken for a network error retried forever.
 *   This one reports the status first and reads the body only of a response the polyfill accepts.
 * - It reports every chunk as activity, comments included, for the stall watchdog.
 * - It fails with `too-large` as soon as an event (the text since the last blank line, which the polyfill buffers
 *   whole; a line is never longer) grows past `maxLength`.
 * - Its `open` returns no abort handle: the polyfill's own heartbeat timer only acts on a request it can abort,
 *   so the client's watchdog (`heartbeatTimeoutMs`) stays the only one, whatever `heartbeatTimeout` field a server
 *   sends. The request is aborted through {@link FetchStream.abort} instead.
 *
 * Returns `undefined` where fetch streaming is missing: the polyfill then falls back to XMLHttpRequest (IE11).
 * @internal
 */
export function fetchStream(maxLength: number, onActivity: () => void): FetchStream | undefined {
  const root = getGlobal() as {
    fetch?: unknown
    ReadableStream?: unknown
    TextDecoder?: unknown
    AbortController?: unknown
  }
  if (!root.fetch || !root.ReadableStream || !root.TextDecoder || !root.AbortController) return undefined
  let abortCurrent = (): void => undefined
  const openStream: Open = (_xhr, onStart, onProgress, onFinish, url, withCredentials, headers) => {
    const controller = new AbortController()
    // [spec] Streams must be decoded using UTF-8 decode: a leading BOM is stripped, bad bytes become U+FFFD.
    const decoder = new TextDecoder()
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
    // The length of the event being read: the text since the last blank line, which the polyfill buffers whole
    // (it is never shorter than the line being read). `before` is the last character of the previous chunk.
    let eventLength = 0
    let before = ''
    let finished = false
    const stop = (): void => {
      if (reader) reader.cancel().catch(() => undefined)
      controller.abort()
    }
    const finish = (error?: { name?: string }): void => {
      if (finished) return
      finished = true
      if (error) stop()
      onFinish(error && error.name === 'AbortError' ? undefined : error)
    }
    // Each read starts the next one, and nothing waits on the chain: returning the next read from the last one's
    // `then` would link one promise per chunk to the next, all held until the stream ends.
    const read = (from: ReadableStreamDefaultReader<Uint8Array>): void => {
      from
        .read()
        .then((result) => {
          if (result.done) return finish()
          const text = decoder.decode(result.value, { stream: true })
          const seen = before + text
          // [spec] A blank line dispatches the event: two line endings in a row, CRLF counting as one, so LF LF,
          // LF CR (LF CRLF too) or CR CR. CRs are looked for only in a stream that has them.
          let blank = seen.lastIndexOf('\n\n')
          if (seen.indexOf('\r') >= 0) blank = Math.max(blank, seen.lastIndexOf('\n\r'), seen.lastIndexOf('\r\r'))
          eventLength = blank < 0 ? eventLength + text.length : seen.length - blank - 2
          before = seen.slice(-1)
          if (eventLength > maxLength) {
            throw requestError('too-large', DEV ? 'An event longer than ' + maxLength + ' characters' : '', url)
          }
          onActivity()
          onProgress(text)
          read(from)
        })
        .catch(finish)
    }
    const init: RequestInit = {
      headers,
      credentials: withCredentials ? 'include' : 'same-origin',
      signal: controller.signal,
      cache: 'no-store',
    }
    abortCurrent = () => {
      finished = true
      stop()
    }
    fetch(url, init)
      .then((response) => {
        const { status, headers } = response
        onStart(status, response.statusText, headers.get('Content-Type'), headers)
        // The polyfill closed itself on a response it refused, and cannot abort this request: hang up here.
        if (responseError(url, status, '', headers)) return abortCurrent()
        reader = response.body ? response.body.getReader() : undefined
        if (reader) read(reader)
        else finish()
      })
      .catch(finish)
    return undefined
  }
  return {
    Transport: class {
      open = openStream
    },
    abort: () => abortCurrent(),
  }
}
