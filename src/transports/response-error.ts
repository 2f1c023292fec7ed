import { DEV } from '../dev'
import { SsekitError, type ErrorCode } from '../errors'
import { parseRetryAfter } from './retry-after'

/** The parts of a response's headers the classification reads (fetch `Headers` and the polyfill's both fit). */
export interface HeaderReader {
  get(name: string): string | null
}

/**
 * The error for a response the event stream refused, from what the response says. Its message names the request
 * and what was wrong (in the production build `http-status 503`, `no-content 204` or `content-type text/html`;
 * in the development build in words).
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
  method = 'GET',
): SsekitError | undefined {
  const type = (headers && headers.get('Content-Type')) || ''
  let code: ErrorCode = 'http-status'
  let what = status + (statusText ? ' ' + statusText : '')
  let retryAfterMs: number | undefined
  if (status === 200) {
    if (/^text\/event-stream(;|$)/i.test(type)) return undefined
    code = 'content-type'
    what = type || 'none'
  } else if (status === 204) code = 'no-content'
  // Only a refusal that may be retried says when.
  else retryAfterMs = parseRetryAfter(headers && headers.get('Retry-After'))
  // The development build's words; the production build says the code and what was refused.
  const words = DEV
    ? code === 'content-type'
      ? 'Expected text/event-stream but got ' + (type || 'no content type')
      : code === 'no-content'
        ? 'Server answered 204 No Content, which means stop'
        : 'Connection failed with status ' + what
    : code + ' ' + what
  return new SsekitError(words + ': ' + method + ' ' + url, { code, status, url, retryAfterMs })
}
