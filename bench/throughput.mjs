// Throughput: plan for the page, and the figures from its runs. Each round times every scenario once per
// contender, contenders in a fresh random order per scenario and round. Ratios are paired within a round
// (their time / ssekit time of the same round and scenario, for each pair of session.mjs), so slow phases of a
// shared machine hit both sides.
// Each run also has the CPU time all of Chromium spent on it (see proccpu.mjs), paired the same way: the time a
// run waited for a CPU held by other work counts in its duration but not in its CPU time.
import { CONTENDERS, PAIRS, pairName, runSession } from './session.mjs'
import { shuffled, summary } from './stats.mjs'
import { SCENARIOS, eventBytes } from './workloads.mjs'

export const SCENARIO_NAMES = ['small', 'tiny', 'mb']

/** Number of events and of data characters the client must see (lines are joined by one line feed). */
function expected(name) {
  const { count, lines, lineLength } = SCENARIOS[name]
  return { count, chars: count * (lines * lineLength + lines - 1) }
}

export function throughputPlan(rounds) {
  const runs = []
  for (let round = 0; round < rounds; round++) {
    for (const scenario of SCENARIO_NAMES) {
      for (const contender of shuffled(CONTENDERS)) runs.push({ round, scenario, contender })
    }
  }
  const names = ['warm', ...SCENARIO_NAMES]
  return {
    contenders: shuffled(CONTENDERS),
    warmup: 'warm',
    runs,
    expected: Object.fromEntries(names.map((name) => [name, expected(name)])),
    runTimeoutMs: 60_000,
  }
}

/** Runs the session and reduces it: per scenario and contender the ms summary and events/s; paired ratios. */
export async function benchThroughput(context, { rounds }) {
  const plan = throughputPlan(rounds)
  const result = await runSession(context, 'throughput', plan, 30_000 + plan.runs.length * 20_000)
  const failures = result.runs.filter((run) => !run.ok)
  const figures = {}
  for (const scenario of SCENARIO_NAMES) {
    const count = SCENARIOS[scenario].count
    const byContender = {}
    for (const contender of CONTENDERS) {
      const runs = result.runs.filter((run) => run.ok && run.scenario === scenario && run.contender === contender)
      const ms = runs.map((run) => run.ms)
      const cpuMs = runs.map((run) => run.cpuMs).filter(Number.isFinite)
      const time = summary(ms)
      byContender[contender] = {
        ms: time,
        cpuMs: summary(cpuMs),
        eventsPerSecond: (count / time.median) * 1000,
        samples: ms,
      }
    }
    const ratios = {}
    for (const pair of PAIRS) {
      const [ours, theirs] = pair
      const paired = []
      const pairedCpu = []
      for (let round = 0; round < rounds; round++) {
        const find = (contender) =>
          result.runs.find(
            (run) => run.ok && run.round === round && run.scenario === scenario && run.contender === contender,
          )
        const our = find(ours)
        const their = find(theirs)
        if (our && their) paired.push(their.ms / our.ms)
        if (our && their && our.cpuMs > 0 && their.cpuMs > 0) pairedCpu.push(their.cpuMs / our.cpuMs)
      }
      ratios[pairName(pair)] = {
        ours,
        theirs,
        ...summary(paired),
        ofMedians: byContender[theirs].ms.median / byContender[ours].ms.median,
        // The fastest run of each: the least disturbed by the machine's other work, since noise only adds time.
        ofFastest: byContender[theirs].ms.min / byContender[ours].ms.min,
        // The same ratio of CPU time (theirs ÷ ssekit, paired per round): above 1 means ssekit costs less CPU.
        cpu: summary(pairedCpu),
      }
    }
    figures[scenario] = {
      label: SCENARIOS[scenario].label,
      count,
      wireBytes: count * eventBytes(scenario),
      contenders: byContender,
      ratios,
    }
  }
  return { rounds, figures, failures, page: result.page }
}
