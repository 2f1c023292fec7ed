// Memory per open connection: per contender, the page opens `count` connections to idle streams spread over
// several ports (HTTP/1.1 allows 6 connections per origin; a port is an origin), waits until each has delivered
// its first event, collects garbage, and reads the JS heap and the page's memory here and Chromium's process
// memory through the harness (`mark`). The same readings just before opening are the baseline.
// Then the per-origin limit: `limit.count` connections to ONE origin, how many deliver within `limit.waitMs`,
// and whether a waiting one gets through once one of them is closed.

/** Opens `urls` with one contender; resolves with the close functions and the ms at which each first event came. */
async function openAll(open, urls, waitMs, tools) {
  const start = performance.now()
  const firstAt = urls.map(() => null)
  const closers = urls.map((url, index) =>
    open(url, {
      onEvent: () => {
        if (firstAt[index] === null) firstAt[index] = performance.now() - start
      },
    }),
  )
  const deadline = start + waitMs
  while (firstAt.includes(null) && performance.now() < deadline) await tools.sleep(20)
  return { closers, firstAt }
}

/**
 * The control: opens nothing and "delivers" at once. Its figures are the measure's drift and noise floor (what
 * a baseline-to-reading difference shows with no connection at all).
 */
const control = (url, handlers) => {
  setTimeout(() => handlers.onEvent(''))
  return () => {}
}
const contenderOf = (tools, name) => (name === 'control' ? control : tools.contenders[name])

const heap = () => (performance.memory ? performance.memory.usedJSHeapSize : NaN)

/**
 * The page's own memory as the browser attributes it (JavaScript, DOM and shared, e.g. Blink's EventSource
 * objects); needs cross-origin isolation. Chromium answers at its next GC unless started with
 * --enable-blink-features=ForceEagerMeasureMemory, which the memory session is.
 */
async function pageMemory() {
  if (!globalThis.crossOriginIsolated || !performance.measureUserAgentSpecificMemory) return NaN
  return (await performance.measureUserAgentSpecificMemory()).bytes
}

/** JS heap, page memory and Chromium's process memory (read by the harness), after a full GC. */
async function reading(tools, label) {
  await tools.gc()
  return { heap: heap(), page: await pageMemory(), process: await tools.mark(label) }
}

/** plan: {count, ports, rounds: [[contender…]], settleMs, openTimeoutMs, limit: {ports, count, waitMs, contenders}} */
export async function run(plan, tools) {
  // Warm-up: every contender's code is loaded and compiled (the lazy polyfill chunk too) before any baseline.
  for (const contender of plan.rounds[0]) {
    const urls = plan.ports.slice(0, 2).map((port) => `http://127.0.0.1:${port}/stream/idle?warm=${contender}`)
    const { closers } = await openAll(contenderOf(tools, contender), urls, plan.openTimeoutMs, tools)
    closers.forEach((close) => close())
  }
  await tools.sleep(plan.settleMs)
  const readings = []
  for (const [round, order] of plan.rounds.entries()) {
    for (const contender of order) {
      await tools.sleep(plan.settleMs)
      const before = await reading(tools, `${contender} before`)
      const urls = Array.from(
        { length: plan.count },
        (_, i) => `http://127.0.0.1:${plan.ports[i % plan.ports.length]}/stream/idle?c=${i}`,
      )
      const { closers, firstAt } = await openAll(contenderOf(tools, contender), urls, plan.openTimeoutMs, tools)
      await tools.sleep(plan.settleMs)
      const after = await reading(tools, `${contender} after`)
      const opened = firstAt.filter((ms) => ms !== null).length
      readings.push({ round, contender, opened, before, after })
      closers.forEach((close) => close())
      // Closed EventSources stay alive until their connections are torn down: collect them now, so that they do
      // not weigh on the next baseline.
      await tools.sleep(plan.settleMs)
      await tools.gc()
    }
    tools.log(`memory: round ${round + 1}/${plan.rounds.length} done`)
  }

  const limit = []
  // Each contender gets an origin of its own, so that no socket still closing from another test holds a slot.
  for (const [index, contender] of plan.limit.contenders.entries()) {
    const port = plan.limit.ports[index]
    const urls = Array.from({ length: plan.limit.count }, (_, i) => `http://127.0.0.1:${port}/stream/idle?limit=${i}`)
    const { closers, firstAt } = await openAll(tools.contenders[contender], urls, plan.limit.waitMs, tools)
    const waiting = firstAt.indexOf(null)
    const snapshot = firstAt.map((ms) => (ms === null ? null : Math.round(ms)))
    // Close one delivering stream and see whether a waiting one takes its place.
    let afterCloseMs = null
    if (waiting >= 0 && snapshot.some((ms) => ms !== null)) {
      const closedAt = performance.now()
      closers[snapshot.findIndex((ms) => ms !== null)]()
      const start = firstAt.filter((ms) => ms !== null).length
      while (firstAt.filter((ms) => ms !== null).length === start && performance.now() - closedAt < 2000)
        await tools.sleep(10)
      if (firstAt.filter((ms) => ms !== null).length > start) afterCloseMs = Math.round(performance.now() - closedAt)
    }
    limit.push({ contender, firstAt: snapshot, afterCloseMs })
    closers.forEach((close) => close())
    await tools.sleep(300)
  }
  return { readings, limit, precise: Boolean(performance.memory) }
}
