import { getGlobal } from '../global'

/** The callbacks event-source-polyfill hands to a custom transport's `open`. @internal */
type OnStart = (status: number, statusText: string, contentType: string | null, headers: Headers) => void

/**
 * A fetch-based transport for event-source-polyfill (its `Transport` option). The polyfill's own fetch
 * transport calls `response.body.getReader()` before looking at the status, so a response with no body (every
 * 204, many 401s) throws and is mistaken for a network error that is retried forever. This one reports the
 * status first, and reads the body only when there is one.
 * @internal
 */
export class FetchStream {
  open(
    _xhr: unknown,
    onStart: OnStart,
    onProgress: (text: string) => void,
    onFinish: (error?: unknown) => void,
    url: string,
    withCredentials: boolean,
    headers: Record<string, string>,
  ): { abort(): void } {
    const controller = new AbortController()
    const decoder = new TextDecoder()
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
    const pump = (): Promise<void> | void =>
      reader &&
      reader.read().then((result) => {
        if (result.done) return
        onProgress(decoder.decode(result.value, { stream: true }))
        return pump()
      })
    fetch(url, { headers, credentials: withCredentials ? 'include' : 'same-origin', signal: controller.signal, cache: 'no-store' })
      .then((response) => {
        onStart(response.status, response.statusText, response.headers.get('Content-Type'), response.headers)
        reader = response.body ? response.body.getReader() : undefined
        return pump()
      })
      .then(
        () => onFinish(),
        (error: { name?: string }) => onFinish(error && error.name === 'AbortError' ? undefined : error),
      )
    return {
      abort() {
        if (reader) reader.cancel().catch(() => undefined)
        controller.abort()
      },
    }
  }
}

/**
 * The transport to hand the polyfill: {@link FetchStream} where fetch streaming exists, else none (the polyfill
 * then falls back to XMLHttpRequest, as in IE11).
 * @internal
 */
export function fetchStreamIfSupported(): typeof FetchStream | undefined {
  const root = getGlobal() as { fetch?: unknown; ReadableStream?: unknown; TextDecoder?: unknown; AbortController?: unknown }
  return root.fetch && root.ReadableStream && root.TextDecoder && root.AbortController ? FetchStream : undefined
}
