// Throughput: every contender runs in a realm of its own (an iframe, see realm.js) on the same page, main thread
// and network stack, so one contender's runs cannot slow another's code through shared JIT feedback (in one realm,
// ssekit's event path would see native and polyfill events alike and be compiled for both, which no app does).

/** Loads one contender's realm and waits until it can run. */
function loadRealm(contender, timeoutMs) {
  return new Promise((resolve, reject) => {
    const frame = document.createElement('iframe')
    frame.src = `/bench/pages/realm.html?contender=${encodeURIComponent(contender)}`
    const started = performance.now()
    const poll = () => {
      const realm = frame.contentWindow && frame.contentWindow.benchRealm
      if (realm && realm.contender === contender) return resolve(realm)
      if (performance.now() - started > timeoutMs) return reject(new Error(`realm of ${contender} did not load`))
      setTimeout(poll, 20)
    }
    document.body.appendChild(frame)
    poll()
  })
}

/** plan: {contenders, warmup, runs: [{scenario, contender, round}], expected: {scenario: {count, chars}}, runTimeoutMs} */
export async function run(plan, tools) {
  const realms = {}
  for (const contender of plan.contenders) realms[contender] = await loadRealm(contender, 10_000)
  const once = (contender, scenario) => realms[contender].run(scenario, plan.expected[scenario], plan.runTimeoutMs)

  // Warm-up: loads the lazy chunks and gives the JIT a chance on every path before anything is timed.
  for (const contender of plan.contenders) {
    const warm = await once(contender, plan.warmup)
    if (!warm.ok) throw new Error(`warm-up of ${contender} failed: ${warm.error}`)
  }
  const runs = []
  for (const [index, step] of plan.runs.entries()) {
    await tools.gc()
    await tools.sleep(50)
    const cpuBefore = await tools.cpu()
    const outcome = await once(step.contender, step.scenario)
    // Read after the run settles: the stream is closed, so nothing of it runs after this reading.
    const cpuMs = (await tools.cpu()) - cpuBefore
    runs.push({ ...step, ...outcome, cpuMs })
    if (index % 10 === 9) tools.log(`throughput: ${index + 1}/${plan.runs.length} runs`)
  }
  return { runs }
}
