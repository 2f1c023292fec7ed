import { SsekitError } from '../errors'

/** The parts of a response's headers the classification reads (fetch `Headers` and the polyfill's both fit). */
export interface HeaderReader {
  get(name: string): string | null
}

/**
 * Reads `Retry-After` (seconds or an HTTP date) as milliseconds.
 * @internal
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined
  // Delay-seconds is digits; `+` also reads them, with white space around (and is lenient past that).
  const seconds = +value
  if (seconds >= 0) return seconds * 1000
  const at = Date.parse(value)
  return at === at ? Math.max(0, at - now) : undefined
}

/**
 * The error for a response the event stream refused, from what the response says.
 *
 * [spec] A status of 200 with a `Content-Type` other than `text/event-stream`, or any other status, fails the
 * connection; 204 is the server's way to say "stop reconnecting".
 *
 * @returns the error, or `undefined` for an acceptable response (200 and `text/event-stream`)
 * @internal
 */
export function responseError(
  url: string,
  status: number,
  statusText: string | undefined,
  headers: HeaderReader | undefined,
): SsekitError | undefined {
  if (status === 200) {
    const type = headers ? headers.get('Content-Type') : null
    if (type && /^text\/event-stream(;|$)/i.test(type)) return undefined
    return new SsekitError('Expected text/event-stream but got ' + (type || 'no content type') + ': GET ' + url, {
      code: 'content-type',
      status,
      url,
    })
  }
  if (status === 204) {
    return new SsekitError('Server answered 204 No Content, which means stop: GET ' + url, {
      code: 'no-content',
      status,
      url,
    })
  }
  return new SsekitError(
    'Connection failed with status ' + status + (statusText ? ' ' + statusText : '') + ': GET ' + url,
    { code: 'http-status', status, url, retryAfterMs: parseRetryAfter(headers && headers.get('Retry-After')) },
  )
}
