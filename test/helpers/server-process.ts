/**
 * The built `ssekit-server` CLI in a child process (`node dist/server/cli.js`), for tests that measure the server as
 * users run it: its memory (resident set size) and whether it is still alive. Needs `npm run build` first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { waitFor } from './wait-for'

const ROOT = path.resolve(__dirname, '../..')
const CLI = path.join(ROOT, 'dist/server/cli.js')

export interface ServerProcess {
  /** The base URL it printed, e.g. `http://127.0.0.1:41234`. */
  url: string
  /** Its port. */
  port: number
  /** Its resident set size in bytes, now; NaN once it has exited. */
  rssBytes(): number
  /** Whether it is still running. */
  readonly isRunning: boolean
  /** What it wrote to stderr (a crash shows up here). */
  readonly stderr: string
  /** Kills it and waits until it is gone. */
  stop(): Promise<void>
}

/** VmRSS from /proc where there is one (Linux), else `ps`. */
function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    if (match) return Number(match[1]) * 1024
  } catch {
    // No /proc (macOS), or the process is gone: ask ps.
  }
  const ps = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' })
  const kilobytes = Number(ps.stdout.trim())
  return ps.status === 0 && kilobytes > 0 ? kilobytes * 1024 : NaN
}

/** Starts the CLI on a free port of 127.0.0.1 with `env` added to the environment, and waits until it listens. */
export async function spawnServer(env: Record<string, string>, timeoutMs = 10_000): Promise<ServerProcess> {
  if (!existsSync(CLI)) throw new Error('dist/server/cli.js is missing: run `npm run build` first')
  const child: ChildProcess = spawn(process.execPath, [CLI], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let isRunning = true
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      isRunning = false
      resolve()
    }),
  )
  const stop = async (): Promise<void> => {
    if (isRunning) child.kill('SIGKILL')
    await exited
  }
  try {
    const url = await waitFor(
      () => (!isRunning ? 'exited' : /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1]),
      timeoutMs,
      'the server to print its URL',
    )
    if (url === 'exited') throw new Error(`the server exited at start: ${stderr}`)
    const pid = child.pid ?? 0
    return {
      url,
      port: Number(new URL(url).port),
      rssBytes: () => (isRunning ? rssOf(pid) : NaN),
      get isRunning() {
        return isRunning
      },
      get stderr() {
        return stderr
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
