/**
 * The transport suite, registered once per transport by native.test.ts, fetch.test.ts and polyfill.test.ts (and
 * polyfill-xhr.test.ts): the ESM build in headless Chromium against the real server, on a page where `auto` picks
 * that transport (preparePage), prepared further by `prepare` when given.
 */
import type { Page } from 'playwright-core'
import type { TestBrowser } from '../helpers/browser'
import { startBrowserAndServer } from '../helpers/browser-and-server'
import type { TestServer } from '../helpers/test-server'
import { waitFor } from '../helpers/wait-for'
import {
  WAIT_MS,
  clientState,
  disconnect,
  eventsOf,
  expectIncreasing,
  expectQuiet,
  readLog,
  preparePage,
  resumedFrom,
  startClient,
  statesOf,
  waitForEvents,
  waitForState,
  type StateEntry,
} from './harness'
import type { TransportKind } from '../../src/types'

const FAST_RETRY = { initialDelayMs: 100, maxDelayMs: 400, factor: 2, jitter: 0 }
/** What the browser logs for refused requests, and the polyfill for refused responses and failed fetches or XHRs. */
const EXPECTED_NOISE =
  /^(Failed to load resource: |EventSource's response has |TypeError: Failed to fetch|Error: NetworkError)/
const isChunk = (path: string) => path.startsWith('/dist/chunks/')

export function registerTransportSuite(kind: TransportKind, prepare?: (page: Page) => Promise<void>): void {
  const isNative = kind === 'native'
  let browser: TestBrowser
  let server: TestServer
  let page: Page
  let firstRequest: number

  beforeAll(async () => {
    ;[browser, server] = await startBrowserAndServer()
  }, 20_000)

  afterAll(async () => {
    await browser?.close()
    await server?.dispose()
  })

  beforeEach(async () => {
    page = await browser.newPage()
    await preparePage(page, kind)
    if (prepare) await prepare(page)
    firstRequest = server.requests.length
    await page.goto(server.url + '/pages/harness.html')
    await page.waitForFunction(() => 'ssekit' in window && 'harness' in window, undefined, { timeout: WAIT_MS })
  })

  // Refused and failed requests make the browser (and the polyfill) log errors; anything else is a surprise.
  afterEach(async () => {
    const { consoleErrors, pageErrors } = browser.problems(page)
    await page.context().close()
    expect(pageErrors).toEqual([])
    expect(consoleErrors.filter((message) => !EXPECTED_NOISE.test(message))).toEqual([])
  })

  /** A state entry of the log, with this suite's transport unless told otherwise. */
  const state = (status: string, attempt: number, more: Partial<StateEntry> = {}): StateEntry => ({
    kind: 'state',
    status,
    attempt,
    transport: kind,
    ...more,
  })
  /** The states a fresh client goes through up to `open`; the transport is named from the first `connecting` on. */
  const opening = [state('idle', 0, { transport: undefined }), state('connecting', 0), state('open', 0)]

  test(`connects with the ${kind} transport, decodes date events in order, disconnects and stays quiet`, async () => {
    await startClient(page, '/stream/date', { decode: 'json' }, ['date'])
    await waitForEvents(page, 3)
    expect(await clientState(page)).toEqual({ status: 'open', transport: kind })
    await disconnect(page)

    const log = await readLog(page)
    const states = statesOf(log)
    expect(states).toEqual([...opening, state('closed', 0)])
    expect(log.slice(0, opening.length)).toEqual(opening)
    expect(log[log.length - 1]).toEqual(states[states.length - 1])
    const events = eventsOf(log)
    expect(events.length).toBeGreaterThanOrEqual(3)
    for (const event of events) {
      expect(event.type).toBe('date')
      expect(typeof event.data).toBe('string')
      expect(new Date(event.data as string).toISOString()).toBe(event.data)
    }
    expectIncreasing(events.map((event) => event.id))

    const requests = server.requests.slice(firstRequest)
    expect(requests.filter((request) => request.path === '/stream/date')).toHaveLength(1)
    const chunks = requests.filter((request) => isChunk(request.path))
    if (!isNative) expect(chunks.length).toBeGreaterThanOrEqual(1)
    else expect(chunks).toEqual([])
    // disconnect() really ends the request: the server sees its stream close.
    await waitFor(() => server.server.channels.date.clients === 0, WAIT_MS, 'the server to see the stream close')
    await expectQuiet(page, server, '/stream/date')
    expect(browser.problems(page)).toEqual({ consoleErrors: [], pageErrors: [] })
  }, 30_000)

  test('server events named error and open are ordinary events; the state stays open', async () => {
    await startClient(page, '/scenario/error-event', { decode: 'json' }, ['error', 'open', 'message'])
    await waitForEvents(page, 3)
    const log = await readLog(page)
    expect(log).toEqual([
      ...opening,
      { kind: 'event', type: 'error', data: { reason: 'server error event' }, id: '' },
      { kind: 'event', type: 'open', data: { reason: 'server open event' }, id: '' },
      { kind: 'event', type: 'message', data: { after: true }, id: '' },
    ])
    expect(await clientState(page)).toEqual({ status: 'open', transport: kind })
    await disconnect(page)
  }, 30_000)

  test('a 500 is retried with the backoff the state reports', async () => {
    await startClient(page, '/scenario/status/500', { retry: FAST_RETRY }, [])
    await waitForState(page, { status: 'reconnecting', attempt: 2 })
    await disconnect(page)
    const failure = { code: 'http-status', httpStatus: 500 }
    const retries = statesOf(await readLog(page)).filter((state) => state.status === 'reconnecting')
    expect(retries.slice(0, 2)).toEqual([
      state('reconnecting', 1, { delayMs: 100, ...failure }),
      state('reconnecting', 2, { delayMs: 200, ...failure }),
    ])
    expect(server.requestsTo('/scenario/status/500').length).toBeGreaterThanOrEqual(2)
  }, 30_000)

  // Both transports see why a response was refused: the polyfill reads it, and native, whose EventSource hides it
  // behind one bare error, asks the server once more (one extra request, status and headers only). So both stop.
  const refusals = [
    { path: '/scenario/status/401', failure: { code: 'http-status', httpStatus: 401 } },
    { path: '/scenario/no-content', failure: { code: 'no-content', httpStatus: 204 } },
    { path: '/scenario/wrong-type', failure: { code: 'content-type', httpStatus: 200 } },
  ]
  test.each(refusals)(
    '$path: the state reports the status, and the client stops',
    async ({ path, failure }) => {
      await startClient(page, path, { retry: FAST_RETRY }, ['message'])
      await waitForState(page, { status: 'closed' })
      expect(statesOf(await readLog(page))).toEqual([...opening.slice(0, -1), state('closed', 0, failure)])
      expect(server.requestsTo(path)).toHaveLength(isNative ? 2 : 1)
      await expectQuiet(page, server, path, 1000)
      expect(eventsOf(await readLog(page))).toEqual([])
    },
    30_000,
  )

  test('when the stream ends, the client reconnects with the last id and the count goes on', async () => {
    await startClient(page, '/scenario/counter?count=3', { decode: 'json', retry: FAST_RETRY }, ['count'])
    await waitForEvents(page, 6)
    await disconnect(page)
    const log = await readLog(page)
    expect(eventsOf(log).slice(0, 6)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => ({ kind: 'event', type: 'count', data: n, id: String(n) })),
    )
    const retry = statesOf(log).find((state) => state.status === 'reconnecting')
    expect(retry).toEqual(state('reconnecting', 1, { delayMs: 100, code: 'network' }))
    const [first, second] = server.requestsTo('/scenario/counter')
    expect(resumedFrom(first)).toEqual({ header: undefined, query: undefined })
    expect(resumedFrom(second)).toEqual(
      isNative ? { header: undefined, query: '3' } : { header: '3', query: undefined },
    )
  }, 30_000)

  test('after a server restart it resumes from its last id: every missed event once, no gap', async () => {
    await startClient(page, '/stream/date', { decode: 'json', retry: FAST_RETRY }, ['date', 'ssekit-lost'])
    await waitForEvents(page, 2)
    await server.stop()
    await waitForState(page, { status: 'reconnecting', attempt: 1 })
    const lastBefore = eventsOf(await readLog(page)).pop()?.id ?? ''
    // Let the clock publish a few events while nobody can receive them.
    await waitFor(
      () => server.publishedDateIds.length - server.publishedDateIds.indexOf(lastBefore) > 4,
      WAIT_MS,
      'missed events',
    )
    const restartedAt = Date.now()
    await server.start()
    const before = eventsOf(await readLog(page)).length
    await waitForEvents(page, before + 8)
    await disconnect(page)

    const log = await readLog(page)
    const ids = eventsOf(log).map((event) => event.id)
    expect(eventsOf(log).every((event) => event.type === 'date')).toBe(true)
    expectIncreasing(ids)
    const published = server.publishedDateIds
    expect(ids).toEqual(published.slice(published.indexOf(ids[0]), published.indexOf(ids[ids.length - 1]) + 1))
    const resume = server.requestsTo('/stream/date').find((request) => request.time >= restartedAt)
    expect(resume && resumedFrom(resume)).toEqual(
      isNative ? { header: undefined, query: lastBefore } : { header: lastBefore, query: undefined },
    )
    const states = statesOf(log).map((state) => state.status)
    expect(states.slice(-3)).toEqual(['reconnecting', 'open', 'closed'])
  }, 30_000)
}
