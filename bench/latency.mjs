// Latency at a fixed rate and time to first event: plan for the page, and the figures from its samples.
import { CONTENDERS, PAIRS, runSession } from './session.mjs'
import { latencySummary, shuffled, summary } from './stats.mjs'

export function latencyPlan({ rounds, ms, tries }) {
  return {
    rounds,
    contenders: shuffled(CONTENDERS),
    rate: 1000,
    ms,
    skip: 50,
    runTimeoutMs: ms + 10_000,
    firstEvent: Array.from({ length: tries }, () => shuffled(CONTENDERS)),
  }
}

/** Runs the session; per contender p50/p99/max of pooled samples and first-event times; per pair what ssekit adds. */
export async function benchLatency(context, options) {
  const plan = latencyPlan(options)
  const result = await runSession(
    context,
    'latency',
    plan,
    30_000 + options.rounds * (plan.ms + 11_000) + options.tries * 4 * 6000,
  )
  const contenders = {}
  for (const contender of CONTENDERS) {
    contenders[contender] = {
      latency: latencySummary(result.samples[contender] || []),
      firstEvent: summary((result.firstEvent[contender] || []).filter((ms) => !Number.isNaN(ms))),
    }
  }
  // Two views of what ssekit adds, per pair of session.mjs: the difference of the two distributions' quantiles, and
  // the quantiles of the per-event difference (event k of one stream against event k of the other, sent at the
  // same moment).
  const added = {}
  for (const [ours, theirs] of PAIRS) {
    const our = result.samples[ours] || []
    const their = result.samples[theirs] || []
    const paired = our.slice(0, their.length).map((ms, k) => ms - their[k])
    added[`${ours} − ${theirs}`] = {
      ours,
      theirs,
      p50: contenders[ours].latency.p50 - contenders[theirs].latency.p50,
      p99: contenders[ours].latency.p99 - contenders[theirs].latency.p99,
      paired: latencySummary(paired),
      firstEvent: contenders[ours].firstEvent.median - contenders[theirs].firstEvent.median,
    }
  }
  return {
    rate: plan.rate,
    msPerRun: plan.ms,
    rounds: options.rounds,
    skip: plan.skip,
    tries: options.tries,
    clockOffset: result.offset,
    contenders,
    added,
    errors: result.errors,
    page: result.page,
  }
}
