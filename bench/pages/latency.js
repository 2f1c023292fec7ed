// Latency: the server stamps each event with its wall clock (`performance.timeOrigin + performance.now()`, ms
// with a fraction) when it writes it; the handler subtracts that from the page's wall clock on the same scale.
// Both run on this machine, so the clocks share one source; the offset between the two time origins is
// estimated below from round trips and reported, and cancels out of ssekit-minus-transport differences.
import { streamRun } from './stream-run.js'

/** The page clock minus the server clock, from the round trip with the smallest RTT. */
async function clockOffset(tools, tries) {
  let best = { rttMs: Infinity, offsetMs: NaN }
  for (let i = 0; i < tries; i++) {
    const sent = tools.wallClock()
    const { now } = await (await fetch('/clock', { cache: 'no-store' })).json()
    const received = tools.wallClock()
    if (received - sent < best.rttMs) best = { rttMs: received - sent, offsetMs: (sent + received) / 2 - now }
  }
  return best
}

/**
 * plan: {rounds, contenders, rate, ms, skip, runTimeoutMs, firstEvent: [[contender…]]}
 * Each round opens one stream per contender at once (a server-side group, see bench/server.mjs), each carrying
 * `rate` events/s for `ms`; the first `skip` samples of each stream (connection set-up, JIT) are dropped. Then
 * time to first event, one contender at a time: from just before the contender opens to its first handler call,
 * on a stream whose first event is written as soon as the request arrives.
 */
export async function run(plan, tools) {
  const offset = await clockOffset(tools, 30)
  const samples = {}
  const errors = []
  for (let round = 0; round < plan.rounds; round++) {
    const group = Math.random().toString(36).slice(2)
    const query = `group=${group}&members=${plan.contenders.length}&rate=${plan.rate}&ms=${plan.ms}`
    const runs = plan.contenders.map(async (contender) => {
      const run = []
      const outcome = await streamRun(
        tools.contenders[contender],
        `/stream/latency?${query}&c=${contender}`,
        (data) => {
          run.push(tools.wallClock() - Number(data))
        },
        plan.runTimeoutMs,
      )
      if (!outcome.ok) errors.push({ contender, error: outcome.error })
      ;(samples[contender] ||= []).push(...run.slice(plan.skip).map((ms) => Math.round(ms * 1000) / 1000))
    })
    await Promise.all(runs)
    await tools.sleep(200)
  }
  const firstEvent = {}
  for (const order of plan.firstEvent) {
    for (const contender of order) {
      let ms = NaN
      const url = `/stream/first?nonce=${Math.random()}`
      const start = performance.now()
      const outcome = await streamRun(
        tools.contenders[contender],
        url,
        () => {
          ms = performance.now() - start
          return true
        },
        5000,
      )
      if (!outcome.ok) errors.push({ contender, error: outcome.error })
      ;(firstEvent[contender] ||= []).push(Math.round(ms * 1000) / 1000)
      await tools.sleep(50)
    }
  }
  return { offset, samples, firstEvent, errors }
}
