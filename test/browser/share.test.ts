/**
 * Sharing one connection between tabs (`share: true`), in headless Chromium: the tabs are pages of one browser
 * context, which share Web Locks and BroadcastChannel as the tabs of one profile do, against the real server's
 * `/stream/date` (a fast clock that replays from `Last-Event-ID`). Leaders are killed for real: the page closed, its
 * renderer crashed (`chrome://crash`), sent to the back/forward cache. Every assertion reads ordered logs: each
 * tab's events against the ids the server published, and the number of streams the server had open, sampled.
 */
import type { BrowserContext, Page } from 'playwright-core'
import type { TestBrowser } from '../helpers/browser'
import { startBrowserAndServer } from '../helpers/browser-and-server'
import type { TestServer } from '../helpers/test-server'
import { WAIT_MS, eventsOf, readLog, statesOf, type HarnessWindow, type LogEntry } from './harness'

/** What the browser logs for a stream cut by a crash or a navigation. */
const EXPECTED_NOISE = /^(Failed to load resource: |TypeError: (Failed to fetch|network error))/
const OPTIONS = { share: true, heartbeatTimeoutMs: 3000, retry: { initialDelayMs: 50, maxDelayMs: 200 } }

let browser: TestBrowser
let server: TestServer

beforeAll(async () => {
  ;[browser, server] = await startBrowserAndServer()
}, 20_000)

afterAll(async () => {
  await browser?.close()
  await server?.dispose()
})

/** The streams the server has open, sampled every 10 ms: the most at once, and the longest time with two or more. */
function sampleStreams() {
  let most = 0
  let overlapMs = 0
  let since: number | undefined
  const timer = setInterval(() => {
    const open = server.server.channels.date.clients
    most = Math.max(most, open)
    if (open > 1 && since === undefined) since = Date.now()
    if (open <= 1 && since !== undefined) {
      overlapMs = Math.max(overlapMs, Date.now() - since)
      since = undefined
    }
  }, 10)
  return {
    stop() {
      clearInterval(timer)
      if (since !== undefined) overlapMs = Math.max(overlapMs, Date.now() - since)
      return { most, overlapMs }
    },
  }
}

/** Opens a tab of `context` and starts a recorded shared client on `/stream/date` in it. */
async function openTab(context: BrowserContext, options: object = OPTIONS): Promise<Page> {
  const page = await browser.newPage(context)
  await page.goto(server.url + '/pages/harness.html')
  await page.waitForFunction(() => 'ssekit' in window && 'harness' in window, undefined, { timeout: WAIT_MS })
  await page.evaluate(
    ({ url, options }) => {
      const w = window as unknown as HarnessWindow
      w.harness.start(w.ssekit, url, options, ['date'])
    },
    { url: server.url + '/stream/date', options },
  )
  return page
}

const roleOf = (page: Page) =>
  page.evaluate(() => {
    const { status, role } = (window as unknown as HarnessWindow).client.state as { status: string; role?: string }
    return status + ' ' + role
  })

/** Waits until every tab is open and exactly one leads; returns the leader. */
async function settled(pages: Page[]): Promise<Page> {
  const until = Date.now() + WAIT_MS
  for (;;) {
    const roles = await Promise.all(pages.map(roleOf))
    const leaders = pages.filter((_page, index) => roles[index] === 'open leader')
    const followers = roles.filter((role) => role === 'open follower')
    if (leaders.length === 1 && followers.length === pages.length - 1) return leaders[0]
    if (Date.now() > until) throw new Error('no single leader with every tab open: ' + roles.join(', '))
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** The ids a tab delivered, in order. */
const idsOf = (log: LogEntry[]) => eventsOf(log).map((event) => event.id)

/** Every id from the tab's first one on, as the server published them: none lost, none twice, in order. */
function expectComplete(ids: string[], what: string): { lost: number; duplicated: number } {
  const published = server.publishedDateIds
  const first = published.indexOf(ids[0])
  expect({ what, first: first >= 0 }).toEqual({ what, first: true })
  const expected = published.slice(first, first + ids.length)
  const lost = expected.filter((id) => !ids.includes(id)).length
  const duplicated = ids.length - new Set(ids).size
  expect({ what, ids }).toEqual({ what, ids: expected })
  return { lost, duplicated }
}

async function waitForMore(page: Page, more: number): Promise<void> {
  const count = idsOf(await readLog(page)).length
  await page.waitForFunction(
    (count) => (window as unknown as HarnessWindow).log.filter((entry) => entry.kind === 'event').length >= count,
    count + more,
    { timeout: WAIT_MS },
  )
}

jest.setTimeout(60_000)

test('eight tabs on one share key: the server sees one stream, every tab is open, one leads', async () => {
  const context = await browser.browser.newContext()
  const sampler = sampleStreams()
  const pages: Page[] = []
  for (let index = 0; index < 8; index++) pages.push(await openTab(context))
  await settled(pages)
  for (const page of pages) await waitForMore(page, 20)
  const { most } = sampler.stop()
  const streams = server.server.channels.date.clients
  for (const [index, page] of pages.entries()) expectComplete(idsOf(await readLog(page)), 'tab ' + index)
  console.log(`share: tabs=8 streams open=${streams} most at once=${most}`)
  expect(streams).toBe(1)
  expect(most).toBe(1)
  for (const page of pages) {
    const states = statesOf(await readLog(page))
    expect(states.some((state) => state.role)).toBe(true)
  }
  await context.close()
})

test('closing the leader hands over without loss or repeat', async () => {
  const context = await browser.browser.newContext()
  const pages: Page[] = []
  for (let index = 0; index < 4; index++) pages.push(await openTab(context))
  const sampler = sampleStreams()
  for (let round = 0; round < 5; round++) {
    const leader = await settled(pages)
    await waitForMore(leader, 5)
    pages.splice(pages.indexOf(leader), 1)
    await leader.close()
    pages.push(await openTab(context))
    await settled(pages)
    for (const page of pages) await waitForMore(page, 5)
  }
  const { most, overlapMs } = sampler.stop()
  for (const [index, page] of pages.entries()) expectComplete(idsOf(await readLog(page)), 'tab ' + index)
  console.log(`share close: most=${most} overlap=${overlapMs}`)
  for (const page of pages) {
    const { consoleErrors, pageErrors } = browser.problems(page)
    expect(pageErrors).toEqual([])
    expect(consoleErrors.filter((message) => !EXPECTED_NOISE.test(message))).toEqual([])
  }
  await context.close()
})
