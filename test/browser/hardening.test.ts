/**
 * Hostile servers against the client in Chromium, on every transport: each case is one line of
 * `hostilePath(...)` (test/helpers/hostile.ts) and asserts from an ordered log what the client did, and from the
 * server's request log what it sent. Quiet windows are bounded (`expectQuiet`), never sleeps before an assertion.
 */
import type { CDPSession, Page } from 'playwright-core'
import type * as Ssekit from '../../src/index'
import type { ClientOptions, TransportKind } from '../../src/types'
import { useBrowserSuite } from '../helpers/browser-suite'
import { createFaults } from '../helpers/faults'
import { hostilePath, hostileRoutes } from '../helpers/hostile'
import type { TestServer } from '../helpers/test-server'
import { WAIT_MS, expectQuiet, readLog, startClient, statesOf, waitForEvents, waitForState } from './harness'

/** What the browser logs for refused requests, and the polyfill for refused responses and the errors it is given. */
const EXPECTED_NOISE =
  /^(Failed to load resource: |EventSource's response has |TypeError: Failed to fetch|SsekitError: )/
const NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__']
const FAST = { initialDelayMs: 100, maxDelayMs: 400, jitter: 0 }
/** Log entries the in-page scripts below write beside the recorder's. */
type Note = { kind: string; what?: string; code?: string; status?: string }

/** What the in-page scripts see: the ESM build, and the recorder's log. */
type PageWindow = { ssekit: typeof Ssekit; log: Array<Note | { kind: string }>; client: Ssekit.Client }

/** The JS heap of a page after a full garbage collection, in bytes. */
async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage')
  return (await cdp.send('Runtime.getHeapUsage')).usedSize
}

/**
 * Creates and connects a client in the page whose callbacks call `disconnect()` at the named moment, and logs
 * a note for every callback that ran.
 */
async function startDisconnecting(page: Page, url: string, options: ClientOptions, when: string): Promise<void> {
  await page.evaluate(
    ({ url, options, when }) => {
      const w = window as unknown as PageWindow
      const note = (what: string, code?: string) =>
        w.log.push(code ? { kind: 'note', what, code } : { kind: 'note', what })
      const stop = (what: string) => {
        note(what)
        client.disconnect()
      }
      const more: ClientOptions = {
        onError: (error) => (note('onError', error.code), when === 'onError' && stop('disconnect')),
      }
      if (when === 'decide') more.retry = { ...(options.retry as object), decide: () => (stop('decide'), 100) }
      if (when === 'headers') more.headers = () => (stop('headers'), {})
      const client = w.ssekit.createClient(url, { ...options, ...more })
      w.client = client
      client.subscribe((state) => {
        w.log.push({ kind: 'state', status: state.status, code: state.error && state.error.code })
        if (state.status === when) stop('disconnect')
      })
      client.on('date', () => {
        note('first handler')
        if (when === 'handler') stop('disconnect')
        if (when === 'onError') throw new Error('boom')
      })
      client.on('date', () => note('second handler'))
      client.connect()
    },
    { url, options, when },
  )
}

jest.setTimeout(20_000)

describe.each<TransportKind>(['native', 'fetch', 'polyfill'])('hostile servers, %s transport', (kind) => {
  const isNative = kind === 'native'
  /** Requests one failed attempt makes: native asks once more to read the status (the second look). */
  const perAttempt = isNative ? 2 : 1
  const suite = useBrowserSuite({ routes: { ...hostileRoutes, ...createFaults().routes } })
  let server: TestServer
  let page: Page

  beforeEach(async () => {
    server = suite.server
    page = await suite.openHarness()
  })

  afterEach(() => suite.closeAndCheck(page, EXPECTED_NOISE))

  test.each([
    ['seconds', '3000000'],
    ['an HTTP date in year 9999', 'Fri, 31 Dec 9999 23:59:59 GMT'],
  ])('a huge Retry-After (%s) waits the ceiling, never fires at once', async (_name, retryAfter) => {
    const url = hostilePath({ status: 503, headers: { 'Retry-After': retryAfter }, end: true, key: retryAfter })
    const before = server.requestsTo('/hostile').length
    await startClient(page, url, { transport: kind, retry: FAST }, [])
    await waitForState(page, { status: 'reconnecting' })
    await expectQuiet(page, server, '/hostile', 1500)
    expect(statesOf(await readLog(page)).slice(-1)[0]).toMatchObject({ attempt: 1, delayMs: 600_000, httpStatus: 503 })
    const sent = server.requestsTo('/hostile').length - before
    console.log(`requests within 1.5 s of a Retry-After of ${retryAfter} [${kind}]: ${sent}`)
    expect(sent).toBe(perAttempt)
  })

  test.each(['connecting', 'reconnecting', 'handler', 'onError', 'decide', ...(isNative ? [] : ['headers'])])(
    'disconnect() called from %s leaves the client closed and quiet',
    async (when) => {
      const failing = when === 'reconnecting' || when === 'decide'
      const path = failing ? hostilePath({ status: 500, end: true, key: when }) : '/stream/date'
      const pathname = failing ? '/hostile' : '/stream/date'
      const before = server.requestsTo(pathname).length
      await startDisconnecting(page, path, { transport: kind, retry: FAST, heartbeatTimeoutMs: 300 }, when)
      await page.waitForFunction(() => (window as unknown as PageWindow).client.state.status === 'closed', undefined, {
        timeout: WAIT_MS,
      })
      const sent = server.requestsTo(pathname).length - before
      // Longer than the watchdog and the retry delay: a leftover timer would show as a request or a log entry.
      await expectQuiet(page, server, pathname, 1200)
      const log = (await readLog(page)) as unknown as Note[]
      expect(log.filter((entry) => entry.what === 'second handler')).toEqual([])
      expect(log.filter((entry) => ['disconnect', 'decide', 'headers'].includes(entry.what ?? '')).length).toBe(1)
      const expected = { connecting: 0, headers: 0, reconnecting: perAttempt, decide: perAttempt }[when]
      if (expected !== undefined) expect(sent).toBe(expected)
      expect(await page.evaluate(() => (window as unknown as PageWindow).client.state.status)).toBe('closed')
    },
  )

  test('a subscriber that throws is reported, and the other subscribers and reconnection go on', async () => {
    // Two failed attempts, then a stream (native's second look is a request of its own).
    const url = `/fault/status?code=500&count=${2 * perAttempt}&key=throws-${kind}`
    await page.evaluate(
      ({ url, kind }) => {
        const w = window as unknown as PageWindow
        const client = w.ssekit.createClient(url, {
          transport: kind,
          retry: { initialDelayMs: 50, jitter: 0 },
          onError: (error) => w.log.push({ kind: 'note', what: 'onError', code: error.code }),
        })
        w.client = client
        client.subscribe(() => {
          throw new Error('a buggy subscriber')
        })
        client.subscribe((state) => w.log.push({ kind: 'note', what: state.status }))
        client.connect()
      },
      { url, kind },
    )
    await page.waitForFunction(() => (window as unknown as PageWindow).client.state.status === 'open', undefined, {
      timeout: WAIT_MS,
    })
    const notes = ((await readLog(page)) as unknown as Note[]).map((entry) => entry.what)
    expect(notes.filter((what) => what !== 'onError')).toEqual([
      'idle',
      'connecting',
      'reconnecting',
      'reconnecting',
      'open',
    ])
    // One report per state the buggy subscriber was given, in order with the others' calls.
    expect(notes.filter((what) => what === 'onError').length).toBe(5)
  })

  test('events named like Object.prototype members reach their handlers', async () => {
    const body = NAMES.map((name) => `event: ${name}\ndata: ${name}\n\n`).join('')
    await startClient(page, hostilePath({ body }), { transport: kind }, NAMES)
    await waitForEvents(page, NAMES.length)
    const events = (await readLog(page)).filter((entry) => entry.kind === 'event')
    expect(events.map((entry) => [(entry as { type: string }).type, (entry as { data: string }).data])).toEqual(
      NAMES.map((name) => [name, name]),
    )
  })

  test('heartbeatTimeoutMs: 0 turns every watchdog off, even when the server sends a heartbeatTimeout field', async () => {
    const url = hostilePath({ body: 'heartbeatTimeout: 1000\n\ndata: hi\n\n', key: 'heartbeat-off' })
    await startClient(page, url, { transport: kind, heartbeatTimeoutMs: 0 }, ['message'])
    await waitForEvents(page, 1)
    const before = server.requestsTo('/hostile').length
    await expectQuiet(page, server, '/hostile', 2500)
    expect(server.requestsTo('/hostile').length).toBe(before)
    expect(await page.evaluate(() => (window as unknown as PageWindow).client.state.status)).toBe('open')
  })

  // 256 KB ids are each too long to keep; 40 KB ids are kept one or two at a time, and the ones pushed out must be
  // let go of as well.
  test.each([
    [120, 256],
    [300, 40],
  ])(
    'ids are remembered within a bound of memory: %i events with distinct %i KB ids',
    async (count, kilobytes) => {
      const cdp = await page.context().newCDPSession(page)
      const url = hostilePath({ numbered: { count, idLength: kilobytes * 1024 } })
      const before = await heapAfterGc(cdp)
      await page.evaluate(
        ({ url, kind }) => {
          const w = window as unknown as PageWindow & { count: number }
          w.count = 0
          w.client = w.ssekit.createClient(url, { transport: kind })
          w.client.on('message', () => w.count++)
          w.client.connect()
        },
        { url, kind },
      )
      await page.waitForFunction((count) => (window as unknown as { count: number }).count === count, count, {
        timeout: 30_000,
      })
      const grown = (await heapAfterGc(cdp)) - before
      console.log(
        `heap after ${count} events with ${kilobytes} KB ids [${kind}]: ${(grown / 1048576).toFixed(1)} MB more`,
      )
      // Such ids are 30 and 12 MB in all: the client may keep the last one (its lastEventId) and a bounded window.
      expect(grown).toBeLessThan(6 * 1048576)
    },
    40_000,
  )

  if (isNative) {
    test('a 200 text/event-stream with a charset other than UTF-8, refused by Chromium, closes with content-type', async () => {
      const type = 'text/event-stream; charset=latin1'
      const url = hostilePath({ headers: { 'Content-Type': type }, body: 'data: hi\n\n', key: 'latin1' })
      const before = server.requestsTo('/hostile').length
      await startClient(page, url, { transport: kind, retry: FAST }, ['message'])
      await waitForState(page, { status: 'closed' })
      await expectQuiet(page, server, '/hostile', 1000)
      expect(statesOf(await readLog(page)).slice(-1)[0]).toMatchObject({ code: 'content-type', httpStatus: 200 })
      expect(server.requestsTo('/hostile').length - before).toBe(2)
    })
  } else {
    test('an event that never ends closes with too-large, and its memory is released', async () => {
      const cdp = await page.context().newCDPSession(page)
      const before = await heapAfterGc(cdp)
      const line = 'data: ' + 'x'.repeat(1000) + '\n'
      const url = hostilePath({ repeat: { chunk: line, times: 20_000 }, key: 'endless' })
      await startClient(page, url, { transport: kind, maxEventLength: 1_000_000 }, ['message'])
      await waitForState(page, { status: 'closed' })
      expect(statesOf(await readLog(page)).slice(-1)[0]).toMatchObject({ status: 'closed', code: 'too-large' })
      const grown = (await heapAfterGc(cdp)) - before
      console.log(`heap after an endless event closed [${kind}]: ${(grown / 1048576).toFixed(1)} MB more`)
      expect(grown).toBeLessThan(6 * 1048576)
    }, 30_000)

    test('a 200 text/event-stream with a charset parameter is read as UTF-8, as the spec says', async () => {
      const url = hostilePath({
        headers: { 'Content-Type': 'text/event-stream; charset=latin1' },
        body: 'data: hi\n\n',
      })
      await startClient(page, url, { transport: kind }, ['message'])
      await waitForEvents(page, 1)
      expect((await readLog(page)).filter((entry) => entry.kind === 'event')).toMatchObject([{ data: 'hi' }])
    })
  }
})
