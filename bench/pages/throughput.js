// Throughput: each run opens one stream written by the server as fast as it can, counts its events and their
// data characters, and stops the clock at `event: done`. Time runs from just before the contender creates its
// EventSource (or `connect()`), so it includes the request; every contender pays the same.
import { streamRun } from './stream-run.js'

/** plan: {contenders, warmup, runs: [{scenario, contender, round}], expected: {scenario: {count, chars}}, runTimeoutMs} */
export async function run(plan, tools) {
  const once = async (contender, scenario) => {
    let count = 0
    let chars = 0
    const url = `/stream/throughput?scenario=${scenario}&nonce=${Math.random().toString(36).slice(2)}`
    const start = performance.now()
    const outcome = await streamRun(
      tools.contenders[contender],
      url,
      (data) => {
        count += 1
        chars += data.length
      },
      plan.runTimeoutMs,
    )
    const ms = performance.now() - start
    const expected = plan.expected[scenario]
    if (outcome.ok && (count !== expected.count || chars !== expected.chars)) {
      return {
        ok: false,
        error: `got ${count} events / ${chars} chars, expected ${expected.count} / ${expected.chars}`,
      }
    }
    return outcome.ok ? { ok: true, ms } : { ok: false, error: outcome.error, count }
  }

  // Warm-up: loads the lazy polyfill chunk and gives the JIT a chance on every path before anything is timed.
  for (const contender of plan.contenders) {
    const warm = await once(contender, plan.warmup)
    if (!warm.ok) throw new Error(`warm-up of ${contender} failed: ${warm.error}`)
  }
  const runs = []
  for (const [index, step] of plan.runs.entries()) {
    await tools.gc()
    await tools.sleep(50)
    const outcome = await once(step.contender, step.scenario)
    runs.push({ ...step, ...outcome })
    if (index % 10 === 9) tools.log(`throughput: ${index + 1}/${plan.runs.length} runs`)
  }
  return { runs }
}
