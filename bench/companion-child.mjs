// The companion server under test, in its own process so that its memory is its own: `createServer` from the
// built `dist/server/`, plus one bench-only route that reports this process's memory after a full GC, its
// event-loop delay and the duration of each publish since the previous report.
// Run with --expose-gc and the arguments <dist folder> <interval ms>. Prints `{"url": …}` on stdout once listening.
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { memoryOf } from './procmem.mjs'

const [distDir, intervalArg] = process.argv.slice(2)
const { createServer } = await import(pathToFileURL(path.join(distDir, 'server/index.js')).href)
const intervalMs = Number(intervalArg || 1000)
// How late this process's event loop runs, which bounds how late it can write: reset by each memory request.
const loopDelay = monitorEventLoopDelay({ resolution: 1 })
loopDelay.enable()

const sse = createServer({
  intervalMs,
  // Every bench client comes from 127.0.0.1: the per-address limit (50 by default) would refuse all but the first
  // few, so both limits are set above the 1,000 clients of a full run.
  maxClients: 2000,
  maxClientsPerAddress: 2000,
  routes: {
    '/bench/memory': (req, res) => {
      for (let i = 0; i < 3; i++) globalThis.gc()
      const usage = process.memoryUsage()
      const { pss, uss } = memoryOf(process.pid)
      const loop = {
        p50: loopDelay.percentile(50) / 1e6,
        p99: loopDelay.percentile(99) / 1e6,
        max: loopDelay.max / 1e6,
      }
      loopDelay.reset()
      const publishes = publishMs.splice(0)
      const body = {
        rss: usage.rss,
        pss,
        uss,
        heapUsed: usage.heapUsed,
        external: usage.external,
        clients: channel.clients,
        loop,
        publishMs: publishes,
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      res.end(JSON.stringify(body))
    },
  },
})
// How long each publish to all clients of /stream/date takes in this process (writes to every socket included).
const publishMs = []
const channel = sse.channels.date
const publish = channel.publish.bind(channel)
channel.publish = (event, data) => {
  const start = performance.now()
  const id = publish(event, data)
  publishMs.push(performance.now() - start)
  return id
}

const url = await sse.listen(0, '127.0.0.1')
process.stdout.write(JSON.stringify({ url }) + '\n')
process.on('SIGTERM', () => sse.dispose().then(() => process.exit(0)))
