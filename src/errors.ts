import { construct } from './error-constructor'

/**
 * Why a connection, an option or an event failed. A closed union, so a `switch` over it is exhaustive.
 *
 * - `network`: the request failed or the stream dropped (retried).
 * - `http-status`: the server answered with a status other than 200 (`status` is set).
 * - `no-content`: the server answered 204, the spec's way to say "stop reconnecting".
 * - `content-type`: the response was not `text/event-stream`.
 * - `failed`: native `EventSource` failed the connection and the second look at the response could not tell why.
 * - `stalled`: nothing arrived for `heartbeatTimeoutMs`.
 * - `too-large`: a line or an event was longer than `maxEventLength` (not retried: it would come again).
 * - `decode`: an event's data could not be decoded (the stream goes on).
 * - `handler`: an event handler threw (the other handlers still run).
 * - `bad-option`: `createClient` was given an option it cannot use.
 * - `unavailable`: the requested transport does not exist in this environment.
 *
 * @example
 * ```ts
 * function describe(error: SsekitError): string {
 *   switch (error.code) {
 *     case 'http-status': return `the server answered ${error.status}`
 *     case 'no-content': return 'the server asked us to stop'
 *     default: return error.message
 *   }
 * }
 * ```
 * @public
 */
export type ErrorCode =
  | 'network'
  | 'http-status'
  | 'no-content'
  | 'content-type'
  | 'failed'
  | 'stalled'
  | 'too-large'
  | 'decode'
  | 'handler'
  | 'bad-option'
  | 'unavailable'

/**
 * Extra facts an error can carry: the second argument of the {@link SsekitError} constructor.
 *
 * @example
 * ```ts
 * const details: ErrorDetails = { code: 'http-status', status: 503, url: '/stream', retryAfterMs: 5000 }
 * throw new SsekitError('Connection failed with status 503: GET /stream', details)
 * ```
 * @public
 */
export interface ErrorDetails {
  /** The error code. */
  code: ErrorCode
  /** The HTTP status, where the transport could see it. */
  status?: number
  /** The URL of the stream. */
  url?: string
  /** The `Retry-After` header in milliseconds, where the transport could see it. */
  retryAfterMs?: number
  /** The underlying error or event. */
  cause?: unknown
}

/**
 * The one error type of ssekit: a real `Error` whose `code` says what failed; `status`, `url` and `cause` say more
 * where known. Use {@link isSsekitError} rather than `instanceof` across realms or bundles.
 *
 * @example
 * ```ts
 * client.subscribe((state) => {
 *   if (state.error?.code === 'http-status') console.warn(state.error.status, state.error.url)
 * })
 * ```
 * @public
 */
export interface SsekitError extends Error {
  /** What failed. */
  readonly code: ErrorCode
  /** The HTTP status, where known. */
  readonly status?: number
  /** The stream URL, where known. */
  readonly url?: string
  /** The server's `Retry-After`, in milliseconds, where known. */
  readonly retryAfterMs?: number
  /** The underlying error or event. */
  readonly cause?: unknown
}

/**
 * The constructor of {@link SsekitError}, as `new SsekitError(message, details)`.
 *
 * @example
 * ```ts
 * const Ctor: SsekitErrorConstructor = SsekitError
 * const error = new Ctor('Connection failed with status 503: GET /stream', { code: 'http-status', status: 503 })
 * ```
 * @public
 */
export interface SsekitErrorConstructor {
  /** Creates the error: `message` for people, `details` for code. */
  new (message: string, details: ErrorDetails): SsekitError
  /** What every SsekitError inherits from; it inherits from `Error.prototype`. */
  readonly prototype: SsekitError
}

/**
 * Creates a {@link SsekitError}: `new SsekitError(message, details)`.
 *
 * @example
 * ```ts
 * const details: ErrorDetails = { code: 'http-status', status: 503, url: '/stream', retryAfterMs: 5000 }
 * throw new SsekitError('Connection failed with status 503: GET /stream', details)
 * ```
 * @public
 */
export const SsekitError = construct as unknown as SsekitErrorConstructor

/**
 * Tells whether a value is a {@link SsekitError}, also across realms (iframes) and duplicated bundles.
 *
 * @param value - anything caught or reported
 * @returns whether `value` is a SsekitError, narrowing its type
 * @example
 * ```ts
 * // Without an `onError` option, a decoder or handler that threw is reported like an uncaught exception.
 * window.addEventListener('error', (event) => {
 *   if (isSsekitError(event.error)) console.warn(event.error.code, event.error.url)
 * })
 * ```
 * @public
 */
export function isSsekitError(value: unknown): value is SsekitError {
  return value instanceof SsekitError || (value instanceof Error && value.name === 'SsekitError' && 'code' in value)
}

/**
 * The error of a request to the stream. Its message says what happened, then the request: the development build
 * says it in words (`what`), the production build, which passes `false` there, by the code alone
 * (`stalled: GET https://…`), and every detail is on the error either way.
 * @param code - what failed
 * @param what - the words of the development build: `DEV && '…'`
 * @param url - the stream URL
 * @param cause - the underlying error or event, if any
 * @param method - the request's method
 * @internal
 */
export function requestError(
  code: ErrorCode,
  what: string | false,
  url: string,
  cause?: unknown,
  method = 'GET',
): SsekitError {
  return new SsekitError((what || code) + ': ' + method + ' ' + url, { code, url, cause })
}
