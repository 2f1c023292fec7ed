/** @jest-environment node */
import { SsekitError, type ErrorCode } from '../src/errors'
import { isRetryable, nextDelay, resolveRetry } from '../src/retry'

const failure = (code: ErrorCode, status?: number, retryAfterMs?: number) =>
  new SsekitError(code, { code, status, retryAfterMs })
const noJitter = resolveRetry({ jitter: 0 })

describe('retry policy', () => {
  test('exponential backoff capped at maxDelayMs', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) => nextDelay(noJitter, attempt, failure('network')))
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000])
  })

  test('custom initial delay, factor and cap', () => {
    const policy = resolveRetry({ initialDelayMs: 100, factor: 3, maxDelayMs: 1000, jitter: 0 })
    expect([1, 2, 3, 4].map((n) => nextDelay(policy, n, failure('network')))).toEqual([100, 300, 900, 1000])
  })

  test('jitter takes up to its share off, from the injected random', () => {
    const values = [0, 0.5, 1]
    const policy = resolveRetry({ jitter: 0.5, random: () => values.shift() as number })
    expect([1, 1, 1].map((n) => nextDelay(policy, n, failure('network')))).toEqual([1000, 750, 500])
  })

  test('maxAttempts is a hard cap', () => {
    const policy = resolveRetry({ maxAttempts: 2, jitter: 0, decide: () => true })
    expect([1, 2, 3].map((n) => nextDelay(policy, n, failure('network')))).toEqual([1000, 2000, null])
  })

  test.each([
    ['no-content', 204, false],
    ['http-status', 401, false],
    ['http-status', 403, false],
    ['http-status', 404, false],
    ['http-status', 408, true],
    ['http-status', 429, true],
    ['http-status', 500, true],
    ['http-status', 503, true],
    ['content-type', 200, false],
    ['network', undefined, true],
    ['stalled', undefined, true],
    ['failed', undefined, true],
    ['unavailable', undefined, false],
    ['bad-option', undefined, false],
  ] as Array<[ErrorCode, number | undefined, boolean]>)('%s %s retryable: %s', (code, status, expected) => {
    expect(isRetryable(failure(code, status))).toBe(expected)
    expect(nextDelay(noJitter, 1, failure(code, status)) !== null).toBe(expected)
  })

  test('Retry-After is a floor on the delay', () => {
    expect(nextDelay(noJitter, 1, failure('http-status', 503, 7000))).toBe(7000)
    expect(nextDelay(noJitter, 6, failure('http-status', 503, 7000))).toBe(30000)
  })

  test('Retry-After is honoured up to maxRetryAfterMs, and past it never retries sooner than the backoff', () => {
    // The default ceiling is 10 minutes: a server asking for 34 days gets 10 minutes, not a retry at once.
    expect(nextDelay(noJitter, 1, failure('http-status', 503, 3_000_000_000))).toBe(600_000)
    const policy = resolveRetry({ jitter: 0, maxRetryAfterMs: 2000 })
    expect(nextDelay(policy, 1, failure('http-status', 503, 5000))).toBe(2000)
    // Past the ceiling, the policy's own delay still holds when it is the longer one.
    expect(nextDelay(policy, 4, failure('http-status', 503, 5000))).toBe(8000)
  })

  test('every delay fits a timer (at most 2^31 - 1 ms), whatever the policy, the server or decide says', () => {
    const huge = resolveRetry({ jitter: 0, initialDelayMs: 2 ** 31 - 1, maxDelayMs: 2 ** 31 - 1 })
    expect(nextDelay(huge, 30, failure('network'))).toBe(2 ** 31 - 1)
    const lax = resolveRetry({ jitter: 0, maxRetryAfterMs: 2 ** 31 - 1 })
    expect(nextDelay(lax, 1, failure('http-status', 503, 2.5e14))).toBe(2 ** 31 - 1)
    expect(nextDelay(resolveRetry({ decide: () => 1e12 }), 1, failure('network'))).toBe(2 ** 31 - 1)
  })

  test('the decide hook sees the default and can override it', () => {
    const seen: unknown[] = []
    const policy = resolveRetry({
      jitter: 0,
      decide: ({ error, attempt, delayMs }) => {
        seen.push([error.status, attempt, delayMs])
        if (error.status === 401) return 250
        if (error.status === 500) return false
        return undefined
      },
    })
    expect(nextDelay(policy, 1, failure('http-status', 401))).toBe(250)
    expect(nextDelay(policy, 2, failure('http-status', 500))).toBeNull()
    expect(nextDelay(policy, 3, failure('http-status', 503))).toBe(4000)
    expect(seen).toEqual([
      [401, 1, null],
      [500, 2, 2000],
      [503, 3, 4000],
    ])
  })

  test('decide returning true retries a failure the rules would stop', () => {
    const policy = resolveRetry({ jitter: 0, decide: () => true })
    expect(nextDelay(policy, 2, failure('no-content', 204))).toBe(2000)
  })
})
