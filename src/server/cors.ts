/**
 * CORS for event streams: which origins may read a stream, and the answer to a preflight request.
 *
 * The origin is checked against a fixed list; an origin that is not listed is never reflected.
 *
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * Which other origins may read the streams.
 *
 * @example
 * ```ts
 * {origin: ['https://app.example.com'], credentials: true}
 * {origin: '*'} // any origin, without cookies
 * ```
 * @public
 */
export interface CorsOptions {
  /** One origin (`https://app.example.com`), a list of them, or `'*'` for any origin without credentials. */
  origin: string | readonly string[]
  /**
   * Sends `Access-Control-Allow-Credentials: true`, so `new EventSource(url, {withCredentials: true})` works.
   * Not allowed with `'*'`.
   * @defaultValue false
   */
  credentials?: boolean
  /**
   * How long browsers may cache a preflight answer (sent in whole seconds as `Access-Control-Max-Age`).
   * @defaultValue 600000
   */
  maxAgeMs?: number
}

/** Applies a CORS policy to responses. @internal */
export interface CorsPolicy {
  /** Adds the CORS headers for an actual (non-preflight) request. */
  apply(req: IncomingMessage, res: ServerResponse): void
  /** Answers a preflight `OPTIONS` request with 204. */
  preflight(req: IncomingMessage, res: ServerResponse): void
}

/** The request headers a stream request may carry, in their usual spelling. */
const ALLOWED_HEADERS = ['Last-Event-ID', 'Authorization', 'Accept', 'Cache-Control', 'Content-Type']
const ALLOWED_LOWER = new Map(ALLOWED_HEADERS.map((name) => [name.toLowerCase(), name]))

/** Checks one configured origin; returns it, or throws with the origin it probably meant. */
function checkOrigin(origin: string): string {
  let serialized: string | undefined
  try {
    serialized = new URL(origin).origin
  } catch {
    serialized = undefined
  }
  if (serialized === undefined || serialized === 'null' || serialized !== origin) {
    const hint =
      serialized !== undefined && serialized !== 'null' ? ` (did you mean ${JSON.stringify(serialized)}?)` : ''
    throw new TypeError(
      `cors.origin must list origins like "https://app.example.com" or be "*", got ${JSON.stringify(origin)}${hint}`,
    )
  }
  return origin
}

/** Whether `origin` is what `cors.origin` takes: a string, or an array of strings. */
function isOriginList(origin: unknown): boolean {
  return typeof origin === 'string' || (Array.isArray(origin) && origin.every((item) => typeof item === 'string'))
}

/** Reflects the requested headers that are on the allowlist, or sends the whole allowlist. */
function allowedHeaders(requested: string | undefined): string {
  if (requested === undefined || requested.trim() === '') return ALLOWED_HEADERS.join(', ')
  const names = new Set<string>()
  for (const part of requested.split(',')) {
    const name = ALLOWED_LOWER.get(part.trim().toLowerCase())
    if (name !== undefined) names.add(name)
  }
  return [...names].join(', ')
}

/** Adds `value` to the response's `Vary` header without dropping what is there. */
function addVary(res: ServerResponse, value: string): void {
  const current = res.getHeader('Vary')
  const existing = current === undefined ? '' : String(current)
  const names = existing.split(',').map((name) => name.trim().toLowerCase())
  if (names.includes('*') || names.includes(value.toLowerCase())) return
  res.setHeader('Vary', existing === '' ? value : `${existing}, ${value}`)
}

/**
 * Builds a CORS policy, checking the options at once.
 *
 * @param options - The policy; `undefined` gives a policy that adds nothing (same-origin only).
 * @returns The policy.
 * @throws TypeError when `options` is not a policy, `origin` is `'*'` together with `credentials`, or is not a
 *   valid origin.
 * @internal
 */
export function createCors(options: CorsOptions | undefined): CorsPolicy {
  const given: unknown = options
  if (
    given !== undefined &&
    (typeof given !== 'object' || given === null || !isOriginList((given as { origin?: unknown }).origin))
  ) {
    throw new TypeError(
      `cors must be like {origin: "https://app.example.com"}, a list of origins or "*"; leave it out for same-origin ` +
        `streams only (got ${String(JSON.stringify(given))})`,
    )
  }
  const origins =
    options === undefined ? [] : typeof options.origin === 'string' ? [options.origin] : [...options.origin]
  const credentials = options?.credentials === true
  const maxAgeMs = options?.maxAgeMs ?? 600_000
  const isAny = origins.includes('*')
  if (isAny && origins.length > 1) {
    throw new TypeError(`cors.origin: use "*" alone, not inside a list (got ${JSON.stringify(origins)})`)
  }
  // [spec] (Fetch, CORS check) "If request's credentials mode is not "include" and origin is `*`, then return
  // success." A credentialed request then fails unless the exact origin is echoed, so `*` + credentials never works.
  if (isAny && credentials) {
    throw new TypeError('cors: origin "*" cannot be combined with credentials: true; list the allowed origins instead')
  }
  if (!Number.isFinite(maxAgeMs) || maxAgeMs < 0) {
    throw new TypeError(`cors.maxAgeMs must be a non-negative number, got ${String(maxAgeMs)}`)
  }
  const allowed = new Set(isAny ? [] : origins.map(checkOrigin))

  /** Sets the origin headers; returns whether the request's origin is allowed. */
  function allowOrigin(req: IncomingMessage, res: ServerResponse): boolean {
    if (options === undefined) return false
    if (isAny) {
      res.setHeader('Access-Control-Allow-Origin', '*')
      return true
    }
    // The answer depends on the request's Origin, so caches must key on it, allowed or not.
    addVary(res, 'Origin')
    const origin = req.headers.origin
    if (origin === undefined || !allowed.has(origin)) return false
    res.setHeader('Access-Control-Allow-Origin', origin)
    if (credentials) res.setHeader('Access-Control-Allow-Credentials', 'true')
    return true
  }

  return {
    apply(req, res) {
      // Retry-After is not a CORS-safelisted response header: expose it, so a cross-origin client can honour it.
      if (allowOrigin(req, res)) res.setHeader('Access-Control-Expose-Headers', 'Retry-After')
    },
    preflight(req, res) {
      res.setHeader('Allow', 'GET, OPTIONS')
      if (allowOrigin(req, res)) {
        res.setHeader('Access-Control-Allow-Methods', 'GET')
        const requested = req.headers['access-control-request-headers']
        if (requested !== undefined) addVary(res, 'Access-Control-Request-Headers')
        const headers = allowedHeaders(requested)
        if (headers !== '') res.setHeader('Access-Control-Allow-Headers', headers)
        res.setHeader('Access-Control-Max-Age', String(Math.floor(maxAgeMs / 1000)))
      }
      res.statusCode = 204
      res.end()
    },
  }
}
