/**
 * The loss test, in headless Chromium, for the native, the fetch and the polyfill transport: a numbered stream whose server
 * drops the TCP connection in the middle of an event every few events and is restarted ten times, and a server
 * that replays older events on every reconnect. Every event must arrive exactly once, in order.
 */
import type { Page } from 'playwright-core'
import type { TestBrowser } from '../helpers/browser'
import { startBrowserAndServer } from '../helpers/browser-and-server'
import { createFaults, seeded, type FaultStats } from '../helpers/faults'
import type { TestServer } from '../helpers/test-server'
import { WAIT_MS, eventsOf, preparePage, readLog, type HarnessWindow } from './harness'
import type { TransportKind } from '../../src/types'

/** What the browser logs for broken and refused connections, and the polyfill for failed fetches. */
const EXPECTED_NOISE = /^(Failed to load resource: |TypeError: (Failed to fetch|network error))/

let browser: TestBrowser
let server: TestServer
let stats: FaultStats

beforeAll(async () => {
  const faults = createFaults()
  stats = faults.stats
  ;[browser, server] = await startBrowserAndServer({ routes: faults.routes })
}, 20_000)

afterAll(async () => {
  await browser?.close()
  await server?.dispose()
})

/** Opens the harness page (prepared so that `auto` picks `kind`) and starts a recorded client with seeded jitter. */
async function startPage(kind: TransportKind, path: string): Promise<Page> {
  const page = await browser.newPage()
  await preparePage(page, kind)
  await page.goto(server.url + '/pages/harness.html')
  await page.waitForFunction(() => 'ssekit' in window && 'harness' in window, undefined, { timeout: WAIT_MS })
  await page.evaluate(`window.seeded = ${seeded.toString()}`)
  await page.evaluate((url) => {
    const w = window as unknown as HarnessWindow & { seeded(seed: number): () => number }
    const retry = { initialDelayMs: 5, maxDelayMs: 50, jitter: 0.5, random: w.seeded(20261124) }
    w.harness.start(w.ssekit, url, { decode: 'json', retry }, ['message'])
  }, path)
  return page
}

/** Waits until the page has received at least `count` events, or event number `last`. */
async function waitForReceived(page: Page, count: number, last = Infinity): Promise<void> {
  await page.waitForFunction(
    ({ count, last }) => {
      const events = (window as unknown as HarnessWindow).log.filter((entry) => entry.kind === 'event')
      return events.length >= count || events.some((entry) => (entry as { data: { n: number } }).data.n >= last)
    },
    { count, last },
    { timeout: WAIT_MS },
  )
}

/** Disconnects, checks the page stayed healthy, and returns the numbers received, in order. */
async function finish(page: Page): Promise<number[]> {
  await page.evaluate(() => (window as unknown as HarnessWindow).client.disconnect())
  const numbers = eventsOf(await readLog(page)).map((event) => (event.data as { n: number }).n)
  const { consoleErrors, pageErrors } = browser.problems(page)
  await page.context().close()
  expect(pageErrors).toEqual([])
  expect(consoleErrors.filter((message) => !EXPECTED_NOISE.test(message))).toEqual([])
  return numbers
}

const range = (count: number) => Array.from({ length: count }, (_, index) => index + 1)
const duplicates = (numbers: number[]) => numbers.length - new Set(numbers).size

describe.each<TransportKind>(['native', 'fetch', 'polyfill'])('the %s transport', (kind) => {
  test('1200 events through 100+ mid-event drops and 10 server restarts: each exactly once, in order', async () => {
    const total = 1200
    const restarts = 10
    const before = { drops: stats.drops, frames: stats.frames }
    const page = await startPage(kind, `/fault/numbered?total=${total}&dropEvery=10`)
    for (let restart = 1; restart <= restarts; restart++) {
      await waitForReceived(page, Math.floor((total * restart) / (restarts + 1)))
      await server.restart()
    }
    await waitForReceived(page, total, total)
    const numbers = await finish(page)
    const drops = stats.drops - before.drops
    const sent = stats.frames - before.frames
    console.log(
      `loss[${kind}]: events=${total} sent=${sent} received=${numbers.length} duplicates=${duplicates(numbers)} drops=${drops} restarts=${restarts}`,
    )
    expect(numbers).toEqual(range(total))
    expect(drops).toBeGreaterThanOrEqual(100)
  }, 50_000)

  test('a server that replays the last 5 events on every reconnect: the client drops the duplicates', async () => {
    const total = 300
    const before = { drops: stats.drops, frames: stats.frames }
    const page = await startPage(kind, `/fault/numbered?total=${total}&dropEvery=10&replay=5`)
    await waitForReceived(page, total, total)
    const numbers = await finish(page)
    const resent = stats.frames - before.frames - total
    console.log(
      `loss[${kind}, replaying server]: events=${total} resent=${resent} received=${numbers.length} duplicates=${duplicates(numbers)} drops=${stats.drops - before.drops}`,
    )
    expect(resent).toBeGreaterThanOrEqual(100)
    expect(numbers).toEqual(range(total))
  }, 30_000)
})
