#!/usr/bin/env node
/**
 * `ssekit-server`: runs the demo server from the command line.
 *
 * Settings come from environment variables, and flags win over them:
 * `PORT`/`--port` (3000), `HOST`/`--host` (127.0.0.1), `INTERVAL_MS`/`--interval` (1000),
 * `HEARTBEAT_MS`/`--heartbeat` (15000), `CORS_ORIGIN`/`--cors-origin` (`*` or a comma-separated list of origins),
 * `MAX_CLIENTS`/`--max-clients` (1000), `MAX_CLIENTS_PER_ADDRESS`/`--max-clients-per-address` (50),
 * `MAX_LAG_MS`/`--max-lag` (30000), `MAX_STREAM_AGE_MS`/`--max-stream-age` (600000).
 *
 * @packageDocumentation
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createServer, type ServerOptions, type SseServer } from './app'

/** The usage text printed by `--help`. @internal */
export const USAGE = `Usage: ssekit-server [options]

Runs the ssekit demo server: /stream/date, /stream/tick, the dashboard at /.

Options (environment variable in brackets; flags win):
  --port <n>            port to listen on, 0 for any free one [PORT] (default 3000)
  --host <host>         host to listen on [HOST] (default 127.0.0.1)
  --interval <ms>       how often the clocks publish [INTERVAL_MS] (default 1000)
  --heartbeat <ms>      comment heartbeat period, 0 for none [HEARTBEAT_MS] (default 15000)
  --cors-origin <list>  "*" or comma-separated origins allowed to read the streams [CORS_ORIGIN]
  --max-clients <n>     most streams open at once, both clocks together; more get 503
                        with Retry-After, 0 for no limit [MAX_CLIENTS] (default 1000)
  --max-clients-per-address <n>
                        most streams open at once from one address (IPv6: per /64),
                        0 for no limit [MAX_CLIENTS_PER_ADDRESS] (default 50)
  --max-lag <ms>        drop a client whose unsent output waited this long, 0 for
                        never [MAX_LAG_MS] (default 30000)
  --max-stream-age <ms> end every stream after this long (clients resume with
                        Last-Event-ID), 0 for never [MAX_STREAM_AGE_MS] (default 600000)
  -h, --help            print this help
`

/** What the command line asks for. @internal */
export interface CliConfig {
  /** `--help` was given: print the usage and do nothing else. */
  isHelp: boolean
  /** The server options, with `port` and `host` always set. */
  options: ServerOptions & { port: number; host: string }
}

/** Reads a non-negative integer setting; `undefined` when neither flag nor variable is set. */
function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  if (!/^\d+$/.test(value)) throw new RangeError(`${name} must be a non-negative integer, got ${JSON.stringify(value)}`)
  return Number(value)
}

/** The whole-number settings besides the port: flag, environment variable, and the server option each sets. */
const NUMBER_SETTINGS = [
  ['interval', 'INTERVAL_MS', 'intervalMs'],
  ['heartbeat', 'HEARTBEAT_MS', 'heartbeatMs'],
  ['max-clients', 'MAX_CLIENTS', 'maxClients'],
  ['max-clients-per-address', 'MAX_CLIENTS_PER_ADDRESS', 'maxClientsPerAddress'],
  ['max-lag', 'MAX_LAG_MS', 'maxLagMs'],
  ['max-stream-age', 'MAX_STREAM_AGE_MS', 'maxStreamAgeMs'],
] as const

/**
 * Turns arguments and environment variables into server options.
 *
 * @param argv - The arguments after the script name.
 * @param env - The environment, usually `process.env`.
 * @returns The configuration.
 * @throws TypeError or RangeError for an unknown flag or a bad value, with a message naming it.
 *
 * @example
 * ```ts
 * parseCli(['--port', '0'], {HOST: '0.0.0.0'}).options // {port: 0, host: '0.0.0.0'}
 * ```
 * @internal
 */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliConfig {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      interval: { type: 'string' },
      heartbeat: { type: 'string' },
      'cors-origin': { type: 'string' },
      'max-clients': { type: 'string' },
      'max-clients-per-address': { type: 'string' },
      'max-lag': { type: 'string' },
      'max-stream-age': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const port = integer('--port / PORT', values.port ?? env.PORT) ?? 3000
  if (port > 65535) throw new RangeError(`--port / PORT must be at most 65535, got ${port}`)
  const options: CliConfig['options'] = { port, host: values.host ?? env.HOST ?? '127.0.0.1' }
  for (const [flag, variable, option] of NUMBER_SETTINGS) {
    const value = integer(`--${flag} / ${variable}`, values[flag] ?? env[variable])
    if (value !== undefined) options[option] = value
  }
  const origin = values['cors-origin'] ?? env.CORS_ORIGIN
  if (origin !== undefined && origin.trim() !== '') {
    const list = origin
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
    options.cors = { origin: list.length === 1 ? list[0] : list }
  }
  return { isHelp: values.help === true, options }
}

/**
 * Creates the server, starts listening and prints where.
 *
 * @param config - From `parseCli()`.
 * @param log - Where to print. @defaultValue console.log
 * @returns The listening server.
 * @internal
 */
export async function startCli(config: CliConfig, log: (line: string) => void = console.log): Promise<SseServer> {
  const sse = createServer(config.options)
  try {
    const url = await sse.listen()
    log(`ssekit demo server listening on ${url}/ (open it in a browser)`)
    log(`  date stream: ${url}/stream/date`)
    log(`  tick stream: ${url}/stream/tick`)
    return sse
  } catch (error) {
    await sse.dispose()
    throw error
  }
}

async function main(): Promise<void> {
  let config: CliConfig
  try {
    config = parseCli(process.argv.slice(2), process.env)
  } catch (error) {
    console.error(`ssekit-server: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
    process.exitCode = 2
    return
  }
  if (config.isHelp) {
    console.log(USAGE)
    return
  }
  const sse = await startCli(config)
  const stop = (signal: NodeJS.Signals): void => {
    console.log(`\n${signal}: shutting down`)
    // The clocks are unref'd, so once the server is closed nothing keeps the process alive.
    sse.dispose().catch((error: unknown) => {
      console.error(error)
      process.exitCode = 1
    })
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

/** Whether this module is the script node was started with (and not imported, as in tests). */
function isEntryPoint(): boolean {
  const script = process.argv[1]
  if (script === undefined) return false
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntryPoint()) {
  main().catch((error: unknown) => {
    console.error(`ssekit-server: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  })
}
