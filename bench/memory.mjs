// Memory per open connection: plan for the page, and bytes per connection from its readings. Process memory is
// Chromium's, read from /proc at the page's marks (see procmem.mjs): the renderer holds the page's objects, the
// network service holds the sockets and their buffers, "all" adds the browser and helper processes (private
// memory, USS, per kind; RSS for all; PSS in the JSON). A control that opens nothing is measured the same way.
import { CONTENDERS, runSession } from './session.mjs'
import { shuffled, summary } from './stats.mjs'

/** What each round measures: the contenders and a control that opens nothing (see pages/memory.js). */
export const MEASURED = [...CONTENDERS, 'control']

/** Connections per port for the 50: under the 6 per origin that HTTP/1.1 allows. */
const PER_PORT = 5

/** Ports the memory page needs from the bench server: spread for `count` connections, plus one per limit test. */
export const memoryPorts = (count, limitTests) => Math.ceil(count / PER_PORT) + limitTests

export function memoryPlan(ports, { count, rounds, settleMs, limitContenders }) {
  const spread = Math.ceil(count / PER_PORT)
  return {
    count,
    ports: ports.slice(0, spread),
    rounds: Array.from({ length: rounds }, () => shuffled(MEASURED)),
    settleMs,
    openTimeoutMs: 10_000,
    limit: {
      ports: ports.slice(spread, spread + limitContenders.length),
      count: 8,
      waitMs: 3000,
      contenders: limitContenders,
    },
  }
}

/** Runs the session; per contender the median over rounds of (after − before) / connections, per measure. */
export async function benchMemory(context, options) {
  const plan = memoryPlan(context.server.ports, options)
  const timeoutMs =
    30_000 + options.rounds * MEASURED.length * (15_000 + 3 * plan.settleMs) + plan.limit.contenders.length * 6000
  const result = await runSession(context, 'memory', plan, timeoutMs)
  // Process memory: after − before summed over the processes (of a kind) alive at both readings.
  const processDelta = (kind, field) => (reading) => {
    const before = new Map(reading.before.process.map((process) => [process.pid, process]))
    let sum = 0
    for (const process of reading.after.process) {
      const earlier = before.get(process.pid)
      if (earlier && (kind === 'all' || process.kind === kind)) sum += process[field] - earlier[field]
    }
    return sum
  }
  const measures = {
    jsHeap: (reading) => reading.after.heap - reading.before.heap,
    page: (reading) => reading.after.page - reading.before.page,
    rendererUss: processDelta('renderer', 'uss'),
    networkUss: processDelta('network', 'uss'),
    allUss: processDelta('all', 'uss'),
    allRss: processDelta('all', 'rss'),
    allPss: processDelta('all', 'pss'),
  }
  const contenders = {}
  for (const contender of MEASURED) {
    const readings = result.readings.filter((reading) => reading.contender === contender)
    const perConnection = {}
    for (const [name, delta] of Object.entries(measures)) {
      perConnection[name] = summary(readings.map((reading) => delta(reading) / options.count))
    }
    contenders[contender] = { opened: readings.map((reading) => reading.opened), perConnection }
  }
  const limit = result.limit.map(({ contender, firstAt, afterCloseMs }) => ({
    contender,
    asked: plan.limit.count,
    opened: firstAt.filter((ms) => ms !== null).length,
    waitMs: plan.limit.waitMs,
    firstAt,
    afterCloseMs,
  }))
  return {
    count: options.count,
    rounds: options.rounds,
    ports: plan.ports.length,
    precise: result.precise,
    contenders,
    limit,
    readings: result.readings,
    page: result.page,
  }
}
