import { DEV } from './dev'
import { SsekitError } from './errors'
import { MAX_TIMER } from './retry'
import type { ClientOptions } from './types'

/**
 * What a rule says: `[test, what is expected]`; the test passes with a truthy result, or throws a more precise error.
 * What is expected is told by the development build only (`DEV && …`: the production build has `false` there).
 */
type Rule = [(value: unknown, all: Record<string, unknown>) => unknown, string | false]
type Rules = Record<string, Rule>

const LINE_BREAK = /[\r\n\0]/
/** A header name is a token (RFC 9110): visible ASCII but for delimiters. */
const TOKEN = /^[\w!#$%&'*+.^`|~-]+$/

function fail(name: string, problem: string): never {
  throw new SsekitError('Invalid option ' + name + ': ' + problem, { code: 'bad-option' })
}

const is = (type: string): Rule => [(value) => typeof value === type, DEV && 'a ' + type]
const isFunction = is('function')
const isBoolean = is('boolean')
const isNumber = (min: number | string, max: number): Rule => [
  (value, all) =>
    typeof value === 'number' && value >= (typeof min === 'string' ? (all[min] as number) || 0 : min) && value <= max,
  DEV && 'a number from ' + min + ' to ' + max,
]

/** How a value is shown in a message: never a function's source or an object's contents. */
function show(value: unknown): string {
  const type = typeof value
  return type === 'string' ? '"' + value + '"' : type === 'number' || type === 'boolean' ? String(value) : type
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  let row: number[] = []
  for (let j = 0; j <= b.length; j++) row[j] = j
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[b.length]
}

/** The "did you mean" hint for an unknown option name: the known name at most two edits away, if any. */
function hint(key: string, rules: Rules, prefix: string): string {
  const lower = key.toLowerCase()
  const best = Object.keys(rules).filter((name) => distance(lower, name.toLowerCase()) <= 2)[0]
  return best ? '; did you mean "' + prefix + best + '"?' : ''
}

/**
 * Checks every key of `given` against `rules`. Both builds name the option; the development build also gives
 * unknown names a "did you mean" and bad values what was expected and what was given.
 */
function check(given: object, rules: Rules, prefix: string): true {
  const all = given as Record<string, unknown>
  for (const key in all) {
    // Own rules only: `constructor` or `__proto__` is an unknown option, not a member of Object.prototype.
    const rule = Object.prototype.hasOwnProperty.call(rules, key) ? rules[key] : undefined
    const value = all[key]
    if (!rule) fail(prefix + key, 'unknown option' + (DEV ? hint(key, rules, prefix) : ''))
    if (value !== undefined && !rule[0](value, all)) {
      fail(prefix + key, DEV ? 'expected ' + rule[1] + ', got ' + show(value) : 'bad value')
    }
  }
  return true
}

/**
 * Checks a header map: names that are tokens, string values with no CR, LF or NUL, which would split or smuggle
 * a header. Refused at once: a request with such a header fails every attempt, and no retry can fix it.
 * @param headers - the map to check
 * @internal
 */
export function checkHeaders(headers: unknown): Record<string, string> {
  if (!headers || typeof headers !== 'object') fail('headers', 'expected an object of strings')
  const map = headers as Record<string, unknown>
  for (const name in map) {
    const value = map[name]
    if (typeof value !== 'string') fail('headers', '"' + name + '" is not a string')
    if (!TOKEN.test(name)) fail('headers', '"' + name + '" is not a valid header name')
    if (LINE_BREAK.test(value)) fail('headers', '"' + name + '" contains CR, LF or NUL')
  }
  return map as Record<string, string>
}

const RETRY: Rules = {
  initialDelayMs: isNumber(0, MAX_TIMER),
  maxDelayMs: isNumber('initialDelayMs', MAX_TIMER),
  factor: isNumber(1, 100),
  jitter: isNumber(0, 1),
  maxAttempts: isNumber(0, Infinity),
  maxRetryAfterMs: isNumber(0, MAX_TIMER),
  decide: isFunction,
  random: isFunction,
}

const OPTIONS: Rules = {
  transport: [
    (value) => ['auto', 'native', 'fetch', 'polyfill'].indexOf(value as string) >= 0,
    DEV && '"auto", "native", "fetch" or "polyfill"',
  ],
  withCredentials: isBoolean,
  headers: [
    (value, all) => {
      if (all.transport === 'native')
        fail('headers', 'native EventSource cannot send headers; use transport "fetch" or "auto"')
      return typeof value === 'function' || checkHeaders(value)
    },
    DEV && 'a function or an object of strings',
  ],
  lastEventId: [
    (value) => typeof value === 'string' && !LINE_BREAK.test(value),
    DEV && 'a string without CR, LF or NUL',
  ],
  // The polyfill only GETs; so does native EventSource, whose lazy loader says so (client.ts, fetch-chunk.ts).
  method: [
    (value, all) => /^[A-Z]+$/.test(value as string) && (value === 'GET' || all.transport !== 'polyfill'),
    DEV && 'an upper-case method (polyfill: GET)',
  ],
  body: [
    (value, all) =>
      (typeof value === 'string' || typeof value === 'function') && !/^(GET|HEAD)?$/.test((all.method as string) || ''),
    DEV && 'a string or a function, with a method',
  ],
  decode: [
    (value) => value === 'json' || value === 'text' || typeof value === 'function',
    DEV && '"json", "text" or a function',
  ],
  retry: [
    (value) =>
      value === false ||
      value === 'transport' ||
      (!!value && typeof value === 'object' && check(value, RETRY, 'retry.')),
    DEV && 'an object, "transport" or false',
  ],
  lastEventIdParam: [
    (value) => typeof value === 'string' && /^[\w.~-]+$/.test(value),
    DEV && 'a URL-safe query parameter name',
  ],
  onError: isFunction,
  heartbeatTimeoutMs: isNumber(0, MAX_TIMER),
  maxEventLength: isNumber(1, Infinity),
  pauseWhenHidden: isBoolean,
}

/**
 * Validates the arguments of `createClient`, throwing a `bad-option` {@link SsekitError} that names the option.
 * @internal
 */
export function validateOptions(url: unknown, options: ClientOptions): void {
  if (typeof url !== 'string' || !url) fail('url', 'expected a non-empty string')
  if (!options || typeof options !== 'object') fail('options', 'expected an object')
  check(options, OPTIONS, '')
}
