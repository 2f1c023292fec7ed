/** @jest-environment node */
import { parseCli, startCli, USAGE } from '../../src/server/cli'

describe('parseCli', () => {
  it('uses the defaults', () => {
    expect(parseCli([], {})).toEqual({ isHelp: false, options: { port: 3000, host: '127.0.0.1' } })
  })

  it('reads the environment', () => {
    const env = { PORT: '8080', HOST: '0.0.0.0', INTERVAL_MS: '250', HEARTBEAT_MS: '0', CORS_ORIGIN: '*' }
    expect(parseCli([], env).options).toEqual({
      port: 8080,
      host: '0.0.0.0',
      intervalMs: 250,
      heartbeatMs: 0,
      cors: { origin: '*' },
    })
  })

  it('lets flags win over the environment', () => {
    const argv = [
      '--port',
      '0',
      '--host',
      '::1',
      '--interval',
      '20',
      '--heartbeat',
      '50',
      '--cors-origin',
      'https://a.test, https://b.test',
    ]
    expect(parseCli(argv, { PORT: '8080', HOST: '0.0.0.0', CORS_ORIGIN: '*' }).options).toEqual({
      port: 0,
      host: '::1',
      intervalMs: 20,
      heartbeatMs: 50,
      cors: { origin: ['https://a.test', 'https://b.test'] },
    })
  })

  it('reads the limits on stream clients from flags and the environment', () => {
    const env = { MAX_CLIENTS: '200', MAX_CLIENTS_PER_ADDRESS: '5', MAX_LAG_MS: '1000', MAX_STREAM_AGE_MS: '0' }
    expect(parseCli([], env).options).toMatchObject({
      maxClients: 200,
      maxClientsPerAddress: 5,
      maxLagMs: 1000,
      maxStreamAgeMs: 0,
    })
    const argv = ['--max-clients', '0', '--max-clients-per-address', '9', '--max-lag', '5', '--max-stream-age', '60000']
    expect(parseCli(argv, env).options).toMatchObject({
      maxClients: 0,
      maxClientsPerAddress: 9,
      maxLagMs: 5,
      maxStreamAgeMs: 60_000,
    })
    expect(() => parseCli(['--max-lag', '1s'], {})).toThrow('--max-lag / MAX_LAG_MS must be a non-negative integer')
    for (const flag of ['--max-clients', '--max-clients-per-address', '--max-lag', '--max-stream-age']) {
      expect(USAGE).toContain(flag)
    }
  })

  it('recognizes --help and -h', () => {
    expect(parseCli(['--help'], {}).isHelp).toBe(true)
    expect(parseCli(['-h'], {}).isHelp).toBe(true)
    expect(USAGE).toContain('--cors-origin')
  })

  it('refuses unknown flags and bad numbers, naming them', () => {
    expect(() => parseCli(['--prot', '1'], {})).toThrow(/--prot/)
    expect(() => parseCli(['--port', 'abc'], {})).toThrow('--port / PORT must be a non-negative integer, got "abc"')
    expect(() => parseCli([], { PORT: '70000' })).toThrow(/at most 65535/)
    expect(() => parseCli([], { INTERVAL_MS: '-5' })).toThrow(/INTERVAL_MS/)
  })
})

describe('startCli', () => {
  it('listens and prints the page and stream URLs', async () => {
    const lines: string[] = []
    const sse = await startCli(parseCli(['--port', '0', '--interval', '20'], {}), (line) => lines.push(line))
    try {
      const url = sse.url ?? ''
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(lines).toEqual([
        `ssekit demo server listening on ${url}/ (open it in a browser)`,
        `  date stream: ${url}/stream/date`,
        `  tick stream: ${url}/stream/tick`,
      ])
      const health = await fetch(`${url}/healthz`)
      expect(await health.text()).toBe('ok\n')
    } finally {
      await sse.dispose()
    }
  })

  it('rejects, leaving nothing running, when the port is taken', async () => {
    const first = await startCli(parseCli(['--port', '0'], {}), () => undefined)
    const port = new URL(first.url ?? '').port
    try {
      await expect(startCli(parseCli(['--port', port], {}), () => undefined)).rejects.toThrow(/EADDRINUSE/)
    } finally {
      await first.dispose()
    }
  })
})
