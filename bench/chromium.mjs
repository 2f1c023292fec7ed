// Runs one bench page in headless Chromium, launched directly as a child process: no DevTools client is attached
// (a DevTools Network domain slows native EventSource several times). The page posts its result to the bench
// server; the run is bounded by a timeout, and Chromium's process group and profile are removed afterwards.
import { execFileSync, spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** Flags every session uses: headless, and nothing that reaches for the network or runs in the background. */
const BASE_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-dev-shm-usage',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--mute-audio',
]

/**
 * Extra flags of the memory session: exact heap figures; a `gc()` function in the page; no flushing of compiled
 * code that has not run for a while (which shrinks the heap over time and would be mistaken for connections
 * costing less than nothing); and an immediate answer from `performance.measureUserAgentSpecificMemory()`.
 */
export const MEMORY_FLAGS = [
  '--enable-precise-memory-info',
  '--js-flags=--expose-gc --no-flush-bytecode',
  '--enable-blink-features=ForceEagerMeasureMemory',
]

/**
 * For looking into V8 while the bench runs: `BENCH_V8_FLAGS` adds V8 flags to every session's `--js-flags` (for
 * one, `--trace-opt --trace-deopt`), and `BENCH_CHROMIUM_STDOUT` names a file for Chromium's standard output,
 * where V8 writes its traces. Figures taken with either are not comparable with a plain run.
 */
function withTracing(flags) {
  const extra = process.env.BENCH_V8_FLAGS
  if (!extra) return flags
  const js = flags.find((flag) => flag.startsWith('--js-flags='))
  return js ? flags.map((flag) => (flag === js ? `${js} ${extra}` : flag)) : [...flags, `--js-flags=${extra}`]
}

/** `Chromium 1xx.x.x.x …` as the binary reports it. */
export function chromiumVersion() {
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch (error) {
    return `unknown (${error.message.split('\n')[0]})`
  }
}

/**
 * Opens `url` in a fresh headless Chromium and waits for `result` (a promise from the bench server).
 * `onStart(pid)` learns the process id of the launched Chromium (the root of its process tree).
 * Rejects when Chromium exits first or `timeoutMs` passes.
 */
export async function runPage(url, result, { flags = [], timeoutMs, onStart = () => {}, log = () => {} }) {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'ssekit-bench-chromium-'))
  const stdout = process.env.BENCH_CHROMIUM_STDOUT ? openSync(process.env.BENCH_CHROMIUM_STDOUT, 'a') : 'ignore'
  const child = spawn(CHROMIUM, [...BASE_FLAGS, ...withTracing(flags), `--user-data-dir=${profile}`, url], {
    detached: true, // its own process group, so that the renderer and helper processes end with it
    stdio: ['ignore', stdout, 'pipe'],
  })
  if (typeof stdout === 'number') closeSync(stdout)
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)))
  onStart(child.pid)
  let timer
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    return await Promise.race([
      result,
      exited.then((code) =>
        Promise.reject(new Error(`Chromium exited (${code}) before the page reported:\n${stderr}`)),
      ),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the page posted no result within ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
  } finally {
    clearTimeout(timer)
    await stop(child, exited, log)
    rmSync(profile, { recursive: true, force: true })
  }
}

/** Ends Chromium's process group: SIGTERM, up to 3 s to exit, then SIGKILL for anything left of the group. */
async function stop(child, exited, log) {
  const signal = (name) => {
    try {
      process.kill(-child.pid, name)
    } catch (error) {
      if (error.code !== 'ESRCH') log(`could not signal Chromium: ${error.message}`)
    }
  }
  signal('SIGTERM')
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))])
  // Whatever of the group is left (the browser, or helpers it left behind) goes now.
  signal('SIGKILL')
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))])
}
