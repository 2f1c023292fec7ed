import { SsekitError } from './errors'
import type { ClientOptions, HeadersOption } from './types'

const OPTIONS = [
  'transport',
  'withCredentials',
  'headers',
  'lastEventId',
  'decode',
  'retry',
  'lastEventIdParam',
  'onError',
  'heartbeatTimeoutMs',
  'maxEventLength',
  'pauseWhenHidden',
]
const RETRY_OPTIONS = ['initialDelayMs', 'maxDelayMs', 'factor', 'jitter', 'maxAttempts', 'decide', 'random']
const LINE_BREAK = /[\r\n\0]/

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  let row = []
  for (let j = 0; j <= b.length; j++) row.push(j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next.push(Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)))
    }
    row = next
  }
  return row[b.length]
}

function fail(name: string, problem: string): never {
  throw new SsekitError('Invalid option ' + name + ': ' + problem, { code: 'bad-option' })
}

function checkKeys(given: object, known: string[], prefix: string): void {
  for (const key in given) {
    if (known.indexOf(key) >= 0) continue
    const best = known.filter((name) => distance(key.toLowerCase(), name.toLowerCase()) <= 2)[0]
    fail(prefix + key, 'unknown option' + (best ? '; did you mean "' + prefix + best + '"?' : ''))
  }
}

/**
 * Checks a header map: string values with no CR, LF or NUL, which would split or smuggle a header.
 * @param headers - the map to check
 * @internal
 */
export function checkHeaders(headers: unknown): Record<string, string> {
  if (!headers || typeof headers !== 'object') fail('headers', 'expected an object of strings')
  const map = headers as Record<string, unknown>
  for (const name in map) {
    const value = map[name]
    if (typeof value !== 'string') fail('headers', '"' + name + '" is not a string')
    if (LINE_BREAK.test(name) || LINE_BREAK.test(value)) fail('headers', '"' + name + '" contains CR, LF or NUL')
  }
  return map as Record<string, string>
}

function checkNumber<T extends object>(
  options: T,
  name: keyof T & string,
  min: number,
  max: number,
  prefix = 'retry.',
): void {
  const value = options[name]
  if (value !== undefined && !(typeof value === 'number' && value >= min && value <= max)) {
    fail(prefix + name, 'expected a number from ' + min + ' to ' + max + ', got ' + String(value))
  }
}

/**
 * Validates the arguments of `createClient`, throwing a `bad-option` {@link SsekitError} that names the option.
 * @internal
 */
export function validateOptions(url: unknown, options: ClientOptions): void {
  if (typeof url !== 'string' || !url) fail('url', 'expected a non-empty string')
  if (!options || typeof options !== 'object') fail('options', 'expected an object')
  checkKeys(options, OPTIONS, '')
  const { transport, headers, decode, retry, lastEventId, lastEventIdParam } = options
  if (transport !== undefined && ['auto', 'native', 'polyfill'].indexOf(transport) < 0) {
    fail('transport', 'expected "auto", "native" or "polyfill", got ' + String(transport))
  }
  if (headers !== undefined) {
    if (transport === 'native')
      fail('headers', 'native EventSource cannot send headers; use transport "polyfill" or "auto"')
    if (typeof headers !== 'function') checkHeaders(headers as HeadersOption)
  }
  if (decode !== undefined && decode !== 'json' && decode !== 'text' && typeof decode !== 'function') {
    fail('decode', 'expected "json", "text" or a function')
  }
  if (lastEventId !== undefined && (typeof lastEventId !== 'string' || LINE_BREAK.test(lastEventId))) {
    fail('lastEventId', 'expected a string without CR, LF or NUL')
  }
  if (lastEventIdParam !== undefined && !/^[\w.~-]+$/.test(String(lastEventIdParam))) {
    fail('lastEventIdParam', 'expected a URL-safe query parameter name')
  }
  if (options.withCredentials !== undefined && typeof options.withCredentials !== 'boolean') {
    fail('withCredentials', 'expected a boolean')
  }
  if (options.pauseWhenHidden !== undefined && typeof options.pauseWhenHidden !== 'boolean') {
    fail('pauseWhenHidden', 'expected a boolean')
  }
  // Timers cannot wait longer than 2^31 - 1 ms.
  checkNumber(options, 'heartbeatTimeoutMs', 0, 2147483647, '')
  checkNumber(options, 'maxEventLength', 1, Infinity, '')
  if (options.onError !== undefined && typeof options.onError !== 'function') fail('onError', 'expected a function')
  if (retry === undefined || retry === false || retry === 'transport') return
  if (typeof retry !== 'object') fail('retry', 'expected an object, "transport" or false')
  checkKeys(retry, RETRY_OPTIONS, 'retry.')
  checkNumber(retry, 'initialDelayMs', 0, 2147483647)
  checkNumber(retry, 'maxDelayMs', retry.initialDelayMs || 0, 2147483647)
  checkNumber(retry, 'factor', 1, 100)
  checkNumber(retry, 'jitter', 0, 1)
  checkNumber(retry, 'maxAttempts', 0, Infinity)
  if (retry.decide !== undefined && typeof retry.decide !== 'function') fail('retry.decide', 'expected a function')
  if (retry.random !== undefined && typeof retry.random !== 'function') fail('retry.random', 'expected a function')
}
