#!/usr/bin/env node
// Where a contender's time goes: a V8 CPU profile of throughput runs, as a table of functions by self time.
// This one attaches DevTools (Playwright and the CDP Profiler), which slows the browser's network path: use it to
// see the split of JavaScript time, never for the timings in `npm run bench`.
//
//   node bench/profile.mjs [contender] [scenario] [runs]     defaults: ssekit-polyfill tiny 3
//   contenders: native, ssekit-native, polyfill, ssekit-polyfill, ssekit-fetch, eventsource-client;
//   scenarios: small, tiny, mb
// Writes the raw profile to bench-results/<contender>-<scenario>.cpuprofile (open it in DevTools' Performance tab).
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { CHROMIUM } from './chromium.mjs'
import { startBenchServer } from './server.mjs'
import { CONTENDERS } from './session.mjs'
import { throughputPlan } from './throughput.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const [contender = 'ssekit-polyfill', scenario = 'tiny', runsArg = '3'] = process.argv.slice(2)
if (!CONTENDERS.includes(contender) || !['small', 'tiny', 'mb'].includes(scenario)) {
  console.error(`usage: node bench/profile.mjs [${CONTENDERS.join('|')}] [small|tiny|mb] [runs]`)
  process.exit(2)
}
const runs = Math.min(20, Math.max(1, Number(runsArg) || 3))

/** Self time per function (name and place), from the profile's sample counts. */
function selfTimes(profile) {
  const total = profile.samples.length
  const byFunction = new Map()
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame
    const file = url ? url.replace(/^https?:\/\/[^/]+/, '') : ''
    const key = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}:${columnNumber + 1}` : ''}`.trim()
    byFunction.set(key, (byFunction.get(key) || 0) + (node.hitCount || 0))
  }
  return [...byFunction].map(([name, hits]) => ({ name, share: hits / total })).sort((a, b) => b.share - a.share)
}

const server = await startBenchServer()
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic'],
  timeout: 30_000,
})
try {
  const page = await browser.newPage()
  await page.goto(`${server.url}/bench/pages/index.html`)
  await page.waitForFunction(() => globalThis.bench, null, { timeout: 10_000 })
  const plan = throughputPlan(1)
  plan.contenders = [contender]
  plan.runs = Array.from({ length: runs }, (_, round) => ({ round, scenario, contender }))
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
  await cdp.send('Profiler.start')
  const result = await Promise.race([
    page.evaluate((plan) => globalThis.bench.run('throughput', plan), plan),
    new Promise((_, reject) => setTimeout(() => reject(new Error('profiled runs took over 120 s')), 120_000)),
  ])
  const { profile } = await cdp.send('Profiler.stop')
  const failed = result.runs.filter((run) => !run.ok)
  if (failed.length) throw new Error(`runs failed: ${failed.map((run) => run.error).join('; ')}`)
  mkdirSync(path.join(root, 'bench-results'), { recursive: true })
  const file = path.join(root, `bench-results/${contender}-${scenario}.cpuprofile`)
  writeFileSync(file, JSON.stringify(profile))
  const ms = result.runs.map((run) => run.ms.toFixed(0)).join(', ')
  console.log(
    `### CPU profile: ${contender}, ${scenario}, ${runs} run(s) (${ms} ms under the profiler, warm-up included in the profile)\n`,
  )
  console.log('| self time | function (file:line:column in the served file) |\n| ---: | --- |')
  for (const { name, share } of selfTimes(profile).slice(0, 20))
    console.log(`| ${(share * 100).toFixed(1)} % | \`${name}\` |`)
  console.log(`\nRaw profile: ${path.relative(root, file)}`)
} finally {
  await browser.close()
  await server.close()
}
