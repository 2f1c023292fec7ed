import type { SsekitError } from './errors'
import type { RetryDecision, RetryOptions } from './types'

/** A retry policy with every default filled in. @internal */
export interface RetryPolicy {
  initialDelayMs: number
  maxDelayMs: number
  factor: number
  jitter: number
  maxAttempts: number
  maxRetryAfterMs: number
  decide?: RetryDecision
  random: () => number
}

/** The defaults of {@link RetryOptions}. @internal */
export const RETRY_DEFAULTS: RetryPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: Infinity,
  maxRetryAfterMs: 600000,
  random: Math.random,
}

/** The longest delay a timer can wait (2^31 - 1 ms); a longer one fires at once. @internal */
export const MAX_TIMER = 2147483647

/**
 * Fills in the defaults of a retry policy.
 * @param options - what the user gave
 * @internal
 */
export function resolveRetry(options: RetryOptions = {}): RetryPolicy {
  const policy: RetryPolicy = { ...RETRY_DEFAULTS }
  for (const key in options) {
    const value = options[key as keyof RetryOptions]
    if (value !== undefined) (policy as unknown as Record<string, unknown>)[key] = value
  }
  return policy
}

/**
 * The default rules: whether a failure is worth another attempt.
 * 204 (the spec's "stop reconnecting"), 401, 403, other 4xx and a wrong content type stop; 408, 429, 5xx,
 * network failures, stalls, and native failures whose status is hidden are retried.
 * @param error - the failure
 * @internal
 */
export function isRetryable(error: SsekitError): boolean {
  const code = error.code
  const status = error.status || 0
  // Another 4xx would come again; a status hidden from the transport (0 here) may be anything, and is retried.
  if (code === 'http-status') return status < 400 || status >= 500 || status === 408 || status === 429
  return code === 'network' || code === 'stalled' || code === 'failed'
}

/**
 * The pure retry policy: the delay before attempt number `attempt` after `error`, or `null` to stop.
 * Exponential backoff `initialDelayMs * factor^(attempt - 1)` capped at `maxDelayMs`, less up to `jitter` of it at
 * random; a server's `Retry-After` is a floor, honoured up to `maxRetryAfterMs` (a longer one waits that long, never
 * less than the backoff); `maxAttempts` is a hard cap; `decide` can override the rest. Every delay is at most what a
 * timer can wait.
 *
 * @param policy - the resolved policy
 * @param attempt - the attempt to schedule, 1 for the first retry
 * @param error - the failure that ended the previous attempt
 * @returns milliseconds to wait, or `null` to give up
 * @internal
 */
export function nextDelay(policy: RetryPolicy, attempt: number, error: SsekitError): number | null {
  if (attempt > policy.maxAttempts) return null
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * Math.pow(policy.factor, attempt - 1))
  const retryAfter = Math.min(error.retryAfterMs || 0, policy.maxRetryAfterMs)
  const backoff = Math.min(Math.max(Math.round(base * (1 - policy.jitter * policy.random())), retryAfter), MAX_TIMER)
  const delayMs = isRetryable(error) ? backoff : null
  const decision = policy.decide ? policy.decide({ error, attempt, delayMs }) : undefined
  if (decision === false) return null
  if (decision === true) return backoff
  if (typeof decision === 'number' && decision >= 0) return Math.min(decision, MAX_TIMER)
  return delayMs
}
