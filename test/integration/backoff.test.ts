/** @jest-environment node */
// Backoff during 5xx storms. The exact spacing runs on the fake transport under jest's fake timers (no timer noise
// at all); the count, Retry-After and the quiet after disconnect() run against a real server on port 0 (polyfill
// transport over fetch), with gaps measured from the server's own request log.
import { createClientWith } from '../../src/client'
import { createClient, type RetryOptions } from '../../src/index'
import { createFakeTransport } from '../helpers/fake-transport'
import { createFaults, seeded } from '../helpers/faults'
import { record } from '../helpers/record'
import { startTestServer, type TestServer } from '../helpers/test-server'
import { waitFor } from '../helpers/wait-for'

// Every wait below is bounded (at most 10 s); a test passes in well under 2 s.
jest.setTimeout(15_000)

/**
 * How late a timer may fire on a loaded machine (CI runs the browser tests beside these). The delays themselves
 * are asserted exactly, from the states the client reports; the clock only shows that each wait really happened,
 * at least as long as reported and not of another order.
 */
const LATE_MS = 1000

type Policy = Required<Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'factor' | 'jitter'>>

/** The documented policy: `initialDelayMs * factor^(attempt - 1)`, capped at `maxDelayMs`, less up to `jitter` of it. */
function expectedDelays(policy: Policy, seed: number, count: number): number[] {
  const random = seeded(seed)
  return Array.from({ length: count }, (_, index) => {
    const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * Math.pow(policy.factor, index))
    return Math.round(base * (1 - policy.jitter * random()))
  })
}

describe('on the fake transport, with fake timers', () => {
  const policy: Policy = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 }
  beforeEach(() => jest.useFakeTimers())
  afterEach(() => jest.useRealTimers())

  function setup(retry: RetryOptions) {
    const fake = createFakeTransport('native')
    const client = createClientWith(fake.source, 'http://127.0.0.1/stream', {
      retry: { ...policy, random: seeded(7), ...retry },
    })
    const rec = record(client)
    client.connect()
    return { fake, client, rec }
  }

  /** Lets `delayMs` pass: no new connection a millisecond early, exactly one on time. */
  function expectAttemptAfter(fake: ReturnType<typeof createFakeTransport>, delayMs: number): void {
    const before = fake.connections.length
    jest.advanceTimersByTime(delayMs - 1)
    expect(fake.connections).toHaveLength(before)
    jest.advanceTimersByTime(1)
    expect(fake.connections).toHaveLength(before + 1)
  }

  test('a 503 storm: every attempt at its seeded delay, then maxAttempts closes with the last error', () => {
    const { fake, client, rec } = setup({ maxAttempts: 6 })
    const delays = expectedDelays(policy, 7, 6)
    expect(delays[5]).toBeLessThanOrEqual(policy.maxDelayMs)
    delays.forEach((delayMs, index) => {
      fake.last.refuse(503)
      expect(client.state).toMatchObject({ status: 'reconnecting', attempt: index + 1, delayMs })
      expectAttemptAfter(fake, delayMs)
    })
    fake.last.refuse(503)
    expect(client.state).toMatchObject({ status: 'closed', attempt: 6, error: { code: 'http-status', status: 503 } })
    jest.advanceTimersByTime(120_000)
    expect(fake.connections).toHaveLength(7)
    expect(rec.states().map((entry) => entry.kind === 'state' && [entry.status, entry.attempt, entry.delayMs])).toEqual(
      [
        ['idle', 0, undefined],
        ['connecting', 0, undefined],
        ...delays.map((delayMs, index) => ['reconnecting', index + 1, delayMs]),
        ['closed', 6, undefined],
      ],
    )
  })

  test('Retry-After is a floor: a longer one sets the delay, a shorter one leaves the backoff', () => {
    const { fake, client } = setup({})
    const delays = expectedDelays(policy, 7, 2)
    fake.last.refuse(429, 5000)
    expect(client.state).toMatchObject({ attempt: 1, delayMs: 5000 })
    expectAttemptAfter(fake, 5000)
    fake.last.refuse(503, 10)
    expect(client.state).toMatchObject({ attempt: 2, delayMs: delays[1] })
    expectAttemptAfter(fake, delays[1])
    client.disconnect()
  })

  test('an open connection resets the backoff: the next drop waits the first delay again', () => {
    const { fake, client } = setup({})
    const delays = expectedDelays(policy, 7, 2)
    fake.last.refuse(503)
    expectAttemptAfter(fake, delays[0])
    fake.last.refuse(503)
    expectAttemptAfter(fake, delays[1])
    fake.last.open()
    fake.last.drop()
    // Attempt 1 again: the first base delay, with the third number of the seeded sequence.
    const random = seeded(7)
    random()
    random()
    const delayMs = Math.round(policy.initialDelayMs * (1 - policy.jitter * random()))
    expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs })
    expectAttemptAfter(fake, delayMs)
    client.disconnect()
  })

  test('disconnect() during a storm cancels the pending attempt: nothing is sent afterwards', () => {
    const { fake, client } = setup({})
    fake.last.refuse(503)
    expect(client.state.status).toBe('reconnecting')
    client.disconnect()
    jest.advanceTimersByTime(120_000)
    expect(fake.connections).toHaveLength(1)
    expect(client.state).toMatchObject({ status: 'closed', attempt: 0 })
  })
})

describe('against a real server', () => {
  // Every delay is at least 50 ms (half of 100 ms at most is taken off), so timer noise stays small beside it.
  const policy: Policy = { initialDelayMs: 100, maxDelayMs: 400, factor: 2, jitter: 0.5 }
  let server: TestServer
  const clients: Array<{ disconnect(): void }> = []

  // The polyfill logs every refused response with console.error: expected here, nothing else is.
  const logged: string[] = []

  beforeAll(async () => {
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => logged.push(args.map(String).join(' ')))
    server = await startTestServer({ routes: createFaults().routes }, { needsBuild: false })
  })
  afterEach(() => clients.splice(0).forEach((client) => client.disconnect()))
  afterAll(async () => {
    await server.dispose()
    expect(logged.filter((message) => !/^EventSource's response has a status 50\d /.test(message))).toEqual([])
  })

  const times = (key: string) =>
    server.requests.filter((request) => request.query.key === key).map((request) => request.time)
  const gaps = (list: number[]) => list.slice(1).map((time, index) => time - list[index])

  function start(path: string, retry: RetryOptions) {
    const client = createClient(server.url + path, { retry: { ...policy, random: seeded(11), ...retry } })
    const rec = record(client)
    clients.push(client)
    client.connect()
    return {
      client,
      delays: () =>
        rec.states().flatMap((entry) => (entry.kind === 'state' && entry.delayMs !== undefined ? [entry.delayMs] : [])),
    }
  }

  /** Waits a bounded window and returns the requests of `key` that arrived within it. */
  async function quietWindow(key: string, windowMs: number): Promise<number[]> {
    const since = Date.now()
    await new Promise((resolve) => setTimeout(resolve, windowMs))
    return times(key).filter((time) => time >= since)
  }

  test('a storm of five 503s: five retries, each gap at least its seeded delay', async () => {
    const run = start('/fault/status?code=503&count=5&key=storm', {})
    await waitFor(() => run.client.state.status === 'open', 10_000, 'open after the storm')
    const expected = expectedDelays(policy, 11, 5)
    expect(run.delays()).toEqual(expected)
    const measured = gaps(times('storm'))
    expect(measured).toHaveLength(5)
    measured.forEach((gap, index) => {
      expect(gap).toBeGreaterThanOrEqual(expected[index] - 2)
      expect(gap).toBeLessThanOrEqual(expected[index] + LATE_MS)
    })
  })

  test('Retry-After: 1 holds the next attempt back for a second', async () => {
    const run = start('/fault/status?code=503&count=1&retryAfter=1&key=after', {})
    await waitFor(() => run.client.state.status === 'open', 5000, 'open')
    expect(run.delays()).toEqual([1000])
    const [gap] = gaps(times('after'))
    expect(gap).toBeGreaterThanOrEqual(998)
    expect(gap).toBeLessThanOrEqual(1000 + LATE_MS)
  })

  test('maxAttempts: 3 makes four requests, closes with the last status, and stays quiet', async () => {
    const run = start('/fault/status?code=502&key=max', { maxAttempts: 3 })
    await waitFor(() => run.client.state.status === 'closed', 5000, 'closed')
    expect(run.client.state).toMatchObject({ attempt: 3, error: { code: 'http-status', status: 502 } })
    expect(times('max')).toHaveLength(4)
    expect(await quietWindow('max', 500)).toEqual([])
  })

  test('after disconnect() in the middle of a storm, no request is made for a second', async () => {
    // What the client asks for, in order with disconnect(): a request the client made before disconnect() may still
    // arrive at the server afterwards (timers run late under load), so the server's clock cannot tell them apart.
    const log: string[] = []
    const realFetch = globalThis.fetch
    const spy = jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      if (String(input).includes('key=stop')) log.push('request')
      return realFetch(input, init)
    })
    try {
      const run = start('/fault/status?code=500&key=stop', {
        initialDelayMs: 200,
        maxDelayMs: 200,
        factor: 1,
        jitter: 0,
      })
      await waitFor(
        () => times('stop').length >= 2 && run.client.state.status === 'reconnecting',
        5000,
        'a retry scheduled',
      )
      // Marked first, so that a request made by disconnect() itself would count after it.
      log.push('disconnect')
      run.client.disconnect()
      // At most the one request in flight at disconnect() arrives afterwards: the client has one at a time.
      expect((await quietWindow('stop', 1000)).length).toBeLessThanOrEqual(1)
      expect(log.slice(log.indexOf('disconnect'))).toEqual(['disconnect'])
      const requests = log.length - 1
      expect(requests).toBeGreaterThanOrEqual(2)
      // The server saw no request the client did not make.
      expect(times('stop').length).toBeLessThanOrEqual(requests)
      expect(run.client.state.status).toBe('closed')
    } finally {
      spy.mockRestore()
    }
  })
})
