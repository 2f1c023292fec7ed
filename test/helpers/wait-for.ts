/** A value that passes an `if`. */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>

/** Polls `check` until it returns a truthy value or `timeoutMs` passes; never a fixed sleep. */
export async function waitFor<T>(check: () => T, timeoutMs = 5000, what = 'condition'): Promise<Truthy<T>> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value) return value as Truthy<T>
    if (Date.now() > until) throw new Error('Timed out after ' + timeoutMs + ' ms waiting for ' + what)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Polls an asynchronous `check` (one in a page, say) until it resolves truthy or `timeoutMs` passes. */
export async function waitForAsync<T>(
  check: () => Promise<T>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<Truthy<T>> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value as Truthy<T>
    if (Date.now() > until) throw new Error('Timed out after ' + timeoutMs + ' ms waiting for ' + what)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
