// One measurement kind = one Chromium session: the page at /bench/pages/index.html fetches the plan of the session
// named in its URL, runs it and posts the result back; this waits for it (bounded by `timeoutMs`) and closes Chromium.
import { randomUUID } from 'node:crypto'
import { MEMORY_FLAGS, runPage } from './chromium.mjs'

/** Every contender, by the names the pages use. */
const ALL = ['native', 'ssekit-native', 'polyfill', 'ssekit-polyfill', 'ssekit-fetch', 'eventsource-client']

/**
 * The contenders of this run: all of them, or those named in `BENCH_CONTENDERS` (comma-separated), for a quicker
 * look at one comparison (`BENCH_CONTENDERS=ssekit-fetch,eventsource-client npm run bench -- --only=throughput`).
 * A comparison is reported only when both of its contenders ran.
 */
export const CONTENDERS = (() => {
  const named = process.env.BENCH_CONTENDERS
  if (!named) return ALL
  const chosen = named.split(',').map((name) => name.trim())
  const unknown = chosen.filter((name) => !ALL.includes(name))
  if (unknown.length) throw new Error(`BENCH_CONTENDERS: unknown ${unknown.join(', ')}; choose from ${ALL.join(', ')}`)
  return ALL.filter((name) => chosen.includes(name))
})()

/** Which raw EventSource each ssekit contender wraps. */
export const WRAPS = { 'ssekit-native': 'native', 'ssekit-polyfill': 'polyfill' }

/**
 * The paired comparisons, [ours, theirs]: each ssekit contender that wraps an EventSource against that one, and
 * ssekit-fetch, which wraps none, against the raw polyfill (what an app without a usable EventSource would
 * otherwise ship) and against eventsource-client (the other client that reads the stream with fetch).
 */
export const PAIRS = [
  ...Object.entries(WRAPS),
  ['ssekit-fetch', 'polyfill'],
  ['ssekit-fetch', 'eventsource-client'],
].filter((pair) => pair.every((contender) => CONTENDERS.includes(contender)))

/** How a pair is named in the figures and the tables. */
export const pairName = ([ours, theirs]) => `${ours} / ${theirs}`

/**
 * Runs `kind` (throughput, latency or memory) with `plan` and returns the page's result.
 * `context.onChromium(pid)` learns the Chromium process id (the memory kind reads its process tree).
 */
export async function runSession(context, kind, plan, timeoutMs) {
  const session = randomUUID()
  const query = new URLSearchParams({ session, kind })
  const url = `${context.server.url}/bench/pages/index.html?${query}`
  const flags = kind === 'memory' ? MEMORY_FLAGS : ['--js-flags=--expose-gc']
  const started = performance.now()
  const posted = await runPage(url, context.server.result(session, plan), {
    flags,
    timeoutMs,
    onStart: (pid) => context.onChromium(pid),
    log: context.log,
  })
  if (posted.error) throw new Error(`${kind} page failed: ${posted.error}`)
  context.log(`${kind}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return { ...posted.result, page: posted.page }
}
