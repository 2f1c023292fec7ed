import { SsekitError } from '../errors'
import { getGlobal } from '../global'

/** The callbacks event-source-polyfill hands to a custom transport's `open`. */
type OnStart = (status: number, statusText: string, contentType: string | null, headers: Headers) => void

/** The `open` of a transport for event-source-polyfill: starts one request and returns its abort. */
type Open = (
  xhr: unknown,
  onStart: OnStart,
  onProgress: (text: string) => void,
  onFinish: (error?: unknown) => void,
  url: string,
  withCredentials: boolean,
  headers: Record<string, string>,
) => { abort(): void }

/** A transport class as event-source-polyfill's `Transport` option takes it. @internal */
export type StreamTransport = new () => { open: Open }

/**
 * A fetch-based transport for event-source-polyfill (its `Transport` option), made per connection.
 *
 * - The polyfill's own fetch transport calls `response.body.getReader()` before looking at the status, so a
 *   response with no body (every 204, many 401s) throws and is mistaken for a network error retried forever.
 *   This one reports the status first and reads the body only when there is one.
 * - It reports every chunk as activity, comments included, for the stall watchdog.
 * - It fails with `too-large` as soon as a line grows past `maxLength`, before the polyfill buffers it.
 *
 * Returns `undefined` where fetch streaming is missing: the polyfill then falls back to XMLHttpRequest (IE11).
 * @internal
 */
export function fetchStream(maxLength: number, onActivity: () => void): StreamTransport | undefined {
  const root = getGlobal() as {
    fetch?: unknown
    ReadableStream?: unknown
    TextDecoder?: unknown
    AbortController?: unknown
  }
  if (!root.fetch || !root.ReadableStream || !root.TextDecoder || !root.AbortController) return undefined
  const openStream: Open = (_xhr, onStart, onProgress, onFinish, url, withCredentials, headers) => {
    const controller = new AbortController()
    // [spec] Streams must be decoded using UTF-8 decode: a leading BOM is stripped, bad bytes become U+FFFD.
    const decoder = new TextDecoder()
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
    let lineLength = 0
    let finished = false
    const finish = (error?: { name?: string }): void => {
      if (finished) return
      finished = true
      if (error && reader) reader.cancel().catch(() => undefined)
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
          // The last line break: a CR only counts after the last LF, so a stream without CRs is not scanned twice.
          const lastLf = text.lastIndexOf('\n')
          const lastBreak = text.indexOf('\r', lastLf + 1) < 0 ? lastLf : text.lastIndexOf('\r')
          lineLength = lastBreak < 0 ? lineLength + text.length : text.length - lastBreak - 1
          if (lineLength > maxLength) {
            throw new SsekitError('A line longer than ' + maxLength + ' characters: GET ' + url, {
              code: 'too-large',
              url,
            })
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
    fetch(url, init)
      .then((response) => {
        onStart(response.status, response.statusText, response.headers.get('Content-Type'), response.headers)
        reader = response.body ? response.body.getReader() : undefined
        if (reader) read(reader)
        else finish()
      })
      .catch(finish)
    return {
      abort() {
        if (reader) reader.cancel().catch(() => undefined)
        controller.abort()
      },
    }
  }
  return class {
    open = openStream
  }
}
