import { DEV } from './dev'
import { SsekitError } from './errors'
import { MAX_TIMER } from './retry'
import { resolveUrl } from './transports/url'
import type { ClientOptions } from './types'

/** A rule: it passes a value with a truthy result, or throws a more precise error itself. */
type Rule = (value: unknown, all: Record<string, unknown>) => unknown
type Rules = Record<string, Rule>

/**
 * What each rule expects, for the messages of the development build. The production build has none (rollup drops
 * every `if (DEV)` block), so its rules are bare functions.
 */
const EXPECTED: Map<Rule, string> | undefined = DEV ? new Map() : undefined
const explain = (rule: Rule, expected: string): Rule => (EXPECTED && EXPECTED.set(rule, expected), rule)

const LINE_BREAK = /[\r\n\0]/
/** A header name is a token (RFC 9110): visible ASCII but for delimiters. */
const TOKEN = /^[\w!#$%&'*+.^`|~-]+$/

/** Throws the `bad-option` error for option `name`. @internal */
export function fail(name: string, problem: string): never {
  throw new SsekitError('Invalid option ' + name + ': ' + problem, { code: 'bad-option' })
}

const is = (type: string): Rule => {
  const rule: Rule = (value) => typeof value === type
  return DEV ? explain(rule, 'a ' + type) : rule
}
const isFunction = is('function')
const isBoolean = is('boolean')
const isNumber = (min: number | string, max: number): Rule => {
  const rule: Rule = (value, all) =>
    typeof value === 'number' && value >= (typeof min === 'string' ? (all[min] as number) || 0 : min) && value <= max
  return DEV ? explain(rule, 'a number from ' + min + ' to ' + max) : rule
}

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
    // Own rules only: `constructor` or `__proto__` is an unknown option, not a member of Object.prototype. (The rule
    // tables are ours, and none has a rule named hasOwnProperty.)
    // eslint-disable-next-line no-prototype-builtins
    const rule = rules.hasOwnProperty(key) && rules[key]
    const value = all[key]
    if (!rule) fail(prefix + key, 'unknown option' + (DEV ? hint(key, rules, prefix) : ''))
    if (value !== undefined && !rule(value, all)) {
      fail(prefix + key, EXPECTED ? 'expected ' + EXPECTED.get(rule) + ', got ' + show(value) : 'bad value')
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
  if (!headers || typeof headers !== 'object') fail('headers', DEV ? 'expected an object of strings' : 'bad value')
  const map = headers as Record<string, unknown>
  for (const name in map) {
    const value = map[name]
    if (!TOKEN.test(name) || typeof value !== 'string' || LINE_BREAK.test(value)) {
      fail(
        'headers',
        DEV ? '"' + name + '": a header needs a token name and a string value without CR, LF or NUL' : name,
      )
    }
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
  transport: (value) => ['auto', 'native', 'fetch', 'polyfill'].indexOf(value as string) >= 0,
  withCredentials: isBoolean,
  headers: (value, all) => {
    if (all.transport === 'native') {
      fail('headers', DEV ? 'native EventSource cannot send headers; use transport "fetch" or "auto"' : 'native')
    }
    return typeof value === 'function' || checkHeaders(value)
  },
  lastEventId: (value) => typeof value === 'string' && !LINE_BREAK.test(value),
  // The polyfill only GETs; so does native EventSource, whose lazy loader says so (client.ts, fetch-chunk.ts).
  method: (value, all) => /^[A-Z]+$/.test(value as string) && (value === 'GET' || all.transport !== 'polyfill'),
  body: (value, all) =>
    (typeof value === 'string' || typeof value === 'function') && !/^(GET|HEAD)?$/.test((all.method as string) || ''),
  decode: (value) => value === 'json' || value === 'text' || typeof value === 'function',
  retry: (value) =>
    value === false || value === 'transport' || (!!value && typeof value === 'object' && check(value, RETRY, 'retry.')),
  lastEventIdParam: (value) => typeof value === 'string' && /^[\w.~-]+$/.test(value),
  onError: isFunction,
  heartbeatTimeoutMs: isNumber(0, MAX_TIMER),
  maxEventLength: isNumber(1, Infinity),
  pauseWhenHidden: isBoolean,
  share: (value, all) => typeof value === 'string' || isBoolean(value, all),
}

if (DEV) {
  explain(OPTIONS.transport, '"auto", "native", "fetch" or "polyfill"')
  explain(OPTIONS.headers, 'a function or an object of strings')
  explain(OPTIONS.lastEventId, 'a string without CR, LF or NUL')
  explain(OPTIONS.method, 'an upper-case method (polyfill: GET)')
  explain(OPTIONS.body, 'a string or a function, with a method')
  explain(OPTIONS.decode, '"json", "text" or a function')
  explain(OPTIONS.retry, 'an object, "transport" or false')
  explain(OPTIONS.lastEventIdParam, 'a URL-safe query parameter name')
  explain(OPTIONS.share, 'a boolean or a string (the share key)')
}

/**
 * Validates the arguments of `createClient`, throwing a `bad-option` {@link SsekitError} that names the option.
 * @returns the stream URL, a string or a `URL` given, resolved against the page (see `resolveUrl`)
 * @internal
 */
export function validateOptions(url: unknown, options: ClientOptions): string {
  // A URL (or anything with an `href`) is read once; anything else must be a non-empty string.
  const given = (url && (url as URL).href) || url
  if (typeof given !== 'string' || !given) fail('url', DEV ? 'expected a non-empty string or a URL' : 'bad value')
  if (!options || typeof options !== 'object') fail('options', DEV ? 'expected an object' : 'bad value')
  check(options, OPTIONS, '')
  return resolveUrl(given)
}

/**
 * Refuses what is not a function where `on()` or `subscribe()` wants one: it would fail only at the first call.
 * @internal
 */
export function checkFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') fail(name, DEV ? 'expected a function' : 'bad value')
}
