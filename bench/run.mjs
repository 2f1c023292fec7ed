#!/usr/bin/env node
// `npm run bench` — size, throughput, latency, memory and the companion server, with raw native EventSource and
// raw event-source-polyfill side by side with ssekit on each, and ssekit's fetch transport beside
// eventsource-client. Needs a built `dist/` (`npm run build`), of which it measures a copy taken at the start (see
// dist-snapshot.mjs).
//
//   npm run bench                   the full run (a few minutes)
//   npm run bench -- --quick        fewer rounds and shorter runs (under a minute)
//   npm run bench -- --only=size,memory    some kinds only (size, throughput, latency, memory, companion)
//   npm run bench -- --rounds=60    throughput rounds other than the 30 of a full run (about 5 s each)
//   BENCH_CONTENDERS=ssekit-fetch,eventsource-client npm run bench -- --only=throughput    some contenders only
//
// Markdown goes to stdout, progress to stderr, every figure to bench-results/latest.json. Exits 1 when a kind
// failed to run; figures never fail the run (targets are reported, not asserted).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { measureSizes } from '../scripts/size.mjs'
import { chromiumVersion, CHROMIUM } from './chromium.mjs'
import { benchCompanion } from './companion.mjs'
import { contenderSizes } from './contender-size.mjs'
import { snapshotDist } from './dist-snapshot.mjs'
import { benchLatency } from './latency.mjs'
import { benchMemory, memoryPorts } from './memory.mjs'
import { cpuTimeMs } from './proccpu.mjs'
import { chromiumProcesses } from './procmem.mjs'
import { report } from './report.mjs'
import { startBenchServer } from './server.mjs'
import { CONTENDERS } from './session.mjs'
import { benchThroughput } from './throughput.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const KINDS = ['size', 'throughput', 'latency', 'memory', 'companion']
const onlyArg = args.find((arg) => arg.startsWith('--only='))
const kinds = onlyArg ? onlyArg.slice('--only='.length).split(',') : KINDS
const unknown = kinds.filter((kind) => !KINDS.includes(kind))
if (unknown.length) {
  console.error(`unknown kind(s): ${unknown.join(', ')}; choose from ${KINDS.join(', ')}`)
  process.exit(2)
}

const roundsArg = args.find((arg) => arg.startsWith('--rounds='))
const rounds = roundsArg ? Number(roundsArg.slice('--rounds='.length)) : undefined
if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 1 && rounds <= 100)) {
  console.error(`--rounds takes a whole number of throughput rounds from 1 to 100, not ${roundsArg.slice(9)}`)
  process.exit(2)
}

/** How much of each kind to run. Quick keeps the same workloads with fewer rounds and shorter holds. */
const SETTINGS = quick
  ? {
      throughput: { rounds: rounds || 2 },
      latency: { rounds: 1, ms: 1000, tries: 5 },
      memory: { count: 50, rounds: 1, settleMs: 300, limitContenders: ['native'] },
      companion: { clients: 200, holdMs: 3000 },
    }
  : {
      // 30 rounds: a median of 9 moved by ±10 % between full runs of the same code, and flattered a contender
      // whose later runs get no faster while the other's do (BENCH.md, "Why ssekit-fetch was at 0.68×").
      throughput: { rounds: rounds || 30 },
      latency: { rounds: 3, ms: 2000, tries: 15 },
      memory: {
        count: 50,
        rounds: 5,
        settleMs: 1000,
        limitContenders: CONTENDERS,
      },
      companion: { clients: 1000, holdMs: 10_000 },
    }

const log = (message) => process.stderr.write(`[bench] ${message}\n`)

/** Jiffies of the whole machine from /proc/stat: all of them, and those stolen by the hypervisor. */
function cpuTimes() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  return { total: fields.slice(0, 8).reduce((sum, value) => sum + value, 0), steal: fields[7] || 0 }
}

function cpuModel() {
  const match = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))
  return match ? match[1].trim() : os.cpus()[0]?.model || 'unknown'
}

/**
 * Chromium's processes and their memory, read 5 times 100 ms apart, each figure the median of its readings (a
 * background task that frees or maps memory for a moment then moves the reading less). Only processes present
 * in all 5 readings are kept.
 */
async function steadyMemory(pid) {
  const samples = []
  for (let i = 0; i < 5; i++) {
    if (i) await new Promise((resolve) => setTimeout(resolve, 100))
    samples.push(new Map(chromiumProcesses(pid).map((process) => [process.pid, process])))
  }
  const median = (values) => values.sort((a, b) => a - b)[values.length >> 1]
  const steady = [...samples[0].values()].filter((process) => samples.every((sample) => sample.has(process.pid)))
  return steady.map(({ pid, kind }) => {
    const all = samples.map((sample) => sample.get(pid))
    return {
      pid,
      kind,
      rss: median(all.map((p) => p.rss)),
      pss: median(all.map((p) => p.pss)),
      uss: median(all.map((p) => p.uss)),
    }
  })
}

async function main() {
  const started = performance.now()
  const cpuStart = cpuTimes()
  const distDir = await snapshotDist(path.join(root, 'dist'), { log }).catch((error) => {
    console.error(error.message)
    process.exit(2)
  })
  const results = {
    meta: {
      chromium: chromiumVersion(),
      chromiumPath: CHROMIUM,
      node: process.version,
      cpu: cpuModel(),
      cores: os.cpus().length,
      date: new Date().toISOString(),
      loadStart: os.loadavg(),
      quick,
      settings: SETTINGS,
    },
  }
  let chromiumPid
  const server = await startBenchServer({
    distDir,
    extraPorts: memoryPorts(SETTINGS.memory.count, SETTINGS.memory.limitContenders.length),
    onMark: () => steadyMemory(chromiumPid),
    onCpu: () => ({ ms: cpuTimeMs(chromiumPid) }),
    log: (message) => log(`page: ${message}`),
  })
  const context = { server, log, onChromium: (pid) => (chromiumPid = pid) }
  const runners = {
    size: async () => {
      const sizes = await measureSizes(distDir)
      return { ...sizes, contenders: await contenderSizes(sizes.rows) }
    },
    throughput: () => benchThroughput(context, SETTINGS.throughput),
    latency: () => benchLatency(context, SETTINGS.latency),
    memory: () => benchMemory(context, SETTINGS.memory),
    companion: () => benchCompanion(log, distDir, SETTINGS.companion),
  }
  let failed = false
  try {
    for (const kind of kinds) {
      log(`${kind}…`)
      try {
        results[kind] = await runners[kind]()
      } catch (error) {
        failed = true
        log(`${kind} failed: ${error.stack || error}`)
        results[kind] = { error: String(error.message || error) }
      }
    }
  } finally {
    await server.close()
    rmSync(distDir, { recursive: true, force: true })
  }
  results.meta.loadEnd = os.loadavg()
  const cpuEnd = cpuTimes()
  // Time the hypervisor gave to other guests while this machine wanted to run: noise that the load average misses.
  results.meta.stealPercent = (100 * (cpuEnd.steal - cpuStart.steal)) / Math.max(1, cpuEnd.total - cpuStart.total)
  results.meta.wallSeconds = (performance.now() - started) / 1000
  mkdirSync(path.join(root, 'bench-results'), { recursive: true })
  writeFileSync(path.join(root, 'bench-results/latest.json'), JSON.stringify(results, null, 2) + '\n')
  console.log(`## ssekit bench${quick ? ' (quick)' : ''}\n\n` + report(results) + '\n')
  log(`wall time ${results.meta.wallSeconds.toFixed(1)} s; figures in bench-results/latest.json`)
  process.exitCode = failed ? 1 : 0
}

main().catch((error) => {
  console.error(error.stack || error)
  process.exit(1)
})
