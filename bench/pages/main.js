// Runs the plan of the session in the page's URL (`?session=…&kind=throughput|latency|memory`), fetched from the
// bench server (`/plan?session=…`), and posts the result back to it; nothing drives the page from outside while
// it runs. Without `session`, see the end.
import { CONTENDERS } from './contenders.js'

const params = new URLSearchParams(location.search)
const session = params.get('session')

async function post(path, body) {
  const response = await fetch(path, { method: 'POST', body: JSON.stringify(body) })
  return response.json()
}

/** What every bench module gets. */
export const tools = {
  contenders: CONTENDERS,
  log: (message) => post('/log', message).catch(() => undefined),
  /** Asks the harness for Chromium's process memory at this point. */
  mark: (label) => post('/mark', { label }),
  /** Chromium's CPU time so far in ms, all processes and threads (NaN where the harness cannot read it). */
  cpu: () => post('/cpu', {}).then((answer) => (typeof answer.ms === 'number' ? answer.ms : NaN)),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  /** Full garbage collection, where the page was started with --js-flags=--expose-gc. */
  gc: async () => {
    if (typeof globalThis.gc !== 'function') return
    for (let i = 0; i < 3; i++) {
      globalThis.gc()
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  },
  /** Wall clock in ms with a sub-millisecond fraction, on the server's scale. */
  wallClock: () => performance.timeOrigin + performance.now(),
}

async function main() {
  const kind = params.get('kind')
  const answer = await fetch(`/plan?session=${encodeURIComponent(session)}`)
  if (!answer.ok) throw new Error(`no plan for session ${session}: ${answer.status}`)
  const plan = await answer.json()
  const module = await import(`./${kind}.js`)
  const result = await module.run(plan, tools)
  const page = { crossOriginIsolated: globalThis.crossOriginIsolated === true, userAgent: navigator.userAgent }
  await post('/result', { session, page, result })
}

if (session) main().catch((error) => post('/result', { session, error: String((error && error.stack) || error) }))
// Without a session the page waits to be driven (bench/profile.mjs): `await bench.run('throughput', plan)`.
else globalThis.bench = { run: async (kind, plan) => (await import(`./${kind}.js`)).run(plan, tools) }
