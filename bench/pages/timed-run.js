// One timed throughput run: opens one stream written by the server as fast as it can, counts its events and their
// data characters, and stops the clock at `event: done`. Time runs from just before the contender creates its
// EventSource (or `connect()`), so it includes the request; every contender pays the same.
import { streamRun } from './stream-run.js'

/**
 * @param open - a contender's `open`
 * @param scenario - the workload's name
 * @param expected - `{count, chars}` the run must see
 * @param timeoutMs - the longest the run may take
 * @returns `{ok: true, ms}` or `{ok: false, error}`
 */
export async function timedRun(open, scenario, expected, timeoutMs) {
  let count = 0
  let chars = 0
  const url = `/stream/throughput?scenario=${scenario}&nonce=${Math.random().toString(36).slice(2)}`
  const start = performance.now()
  const outcome = await streamRun(
    open,
    url,
    (data) => {
      count += 1
      chars += data.length
    },
    timeoutMs,
  )
  const ms = performance.now() - start
  if (outcome.ok && (count !== expected.count || chars !== expected.chars)) {
    return { ok: false, error: `got ${count} events / ${chars} chars, expected ${expected.count} / ${expected.chars}` }
  }
  return outcome.ok ? { ok: true, ms } : { ok: false, error: outcome.error, count }
}
