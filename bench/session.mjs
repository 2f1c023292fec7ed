// One measurement kind = one Chromium session: the page at /bench/pages/index.html fetches the plan of the session
// named in its URL, runs it and posts the result back; this waits for it (bounded by `timeoutMs`) and closes Chromium.
import { randomUUID } from 'node:crypto'
import { MEMORY_FLAGS, runPage } from './chromium.mjs'

/** The contenders, by the names the pages use. */
export const CONTENDERS = [
  'native',
  'ssekit-native',
  'polyfill',
  'ssekit-polyfill',
  'ssekit-fetch',
  'eventsource-client',
]

/** Which raw EventSource each ssekit contender wraps. */
export const WRAPS = { 'ssekit-native': 'native', 'ssekit-polyfill': 'polyfill' }

/**
 * The paired comparisons, [ours, theirs]: each ssekit contender that wraps an EventSource against that one, and
 * ssekit-fetch, which wraps none, against the raw polyfill (what an app without a usable EventSource would
 * otherwise ship) and against eventsource-client (the other client that reads the stream with fetch).
 */
export const PAIRS = [...Object.entries(WRAPS), ['ssekit-fetch', 'polyfill'], ['ssekit-fetch', 'eventsource-client']]

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
