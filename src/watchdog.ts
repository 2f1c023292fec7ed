/**
 * The stall watchdog of one connection at a time.
 *
 * Reading the clock on every event costs throughput, so `touch()` only sets a flag, and the watchdog looks at it
 * three times per `timeoutMs`: three quiet looks in a row mean that nothing arrived for at least `timeoutMs` (and
 * at most a third more). Then it calls `onStall` once.
 * @internal
 */
export interface Watchdog {
  /** Something arrived. */
  touch(): void
  /** Starts watching a new connection (stops watching the previous one). `timeoutMs` 0 watches nothing. */
  start(): void
  /** Stops watching. */
  stop(): void
}

/**
 * Creates a {@link Watchdog}.
 * @param timeoutMs - how long nothing may arrive; 0 disables the watchdog
 * @param onStall - called when nothing arrived for `timeoutMs`
 * @internal
 */
export function createWatchdog(timeoutMs: number, onStall: () => void): Watchdog {
  let heard = false
  let quiet = 0
  let timer: ReturnType<typeof setInterval> | undefined
  const stop = (): void => clearInterval(timer)
  return {
    touch() {
      heard = true
    },
    start() {
      stop()
      quiet = 0
      heard = true
      if (timeoutMs) {
        timer = setInterval(() => {
          quiet = heard ? 0 : quiet + 1
          heard = false
          if (quiet < 3) return
          stop()
          onStall()
        }, timeoutMs / 3)
      }
    },
    stop,
  }
}
