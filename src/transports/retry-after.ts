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
