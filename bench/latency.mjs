// Latency at a fixed rate and time to first event: plan for the page, and the figures from its samples.
import { CONTENDERS, WRAPS, runSession } from './session.mjs'
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

/** Runs the session; per contender p50/p99/max of the pooled samples and the first-event times; ssekit's additions. */
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
  // Two views of what ssekit adds: the difference of the two distributions' quantiles, and the quantiles of the
  // per-event difference (event k of one stream against event k of the other, sent at the same moment).
  const added = {}
  for (const [wrapper, wrapped] of Object.entries(WRAPS)) {
    const ours = result.samples[wrapper] || []
    const theirs = result.samples[wrapped] || []
    const paired = ours.slice(0, theirs.length).map((ms, k) => ms - theirs[k])
    added[wrapper] = {
      p50: contenders[wrapper].latency.p50 - contenders[wrapped].latency.p50,
      p99: contenders[wrapper].latency.p99 - contenders[wrapped].latency.p99,
      paired: latencySummary(paired),
      firstEvent: contenders[wrapper].firstEvent.median - contenders[wrapped].firstEvent.median,
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
