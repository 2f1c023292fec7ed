/**
 * Tabs of a share group for the browser tests of sharing (test/browser/share.test.ts): pages of one browser context
 * (they share Web Locks and BroadcastChannel as the tabs of one profile do), each with a recorded client on the real
 * server's `/stream/date`, and the checks every test makes of them from ordered logs: each tab's events against the
 * ids the server published, and the streams the server had open.
 */
import type { BrowserContext, Page } from 'playwright-core'
import type { TestBrowser } from '../helpers/browser'
import type { TestServer } from '../helpers/test-server'
import { waitForAsync } from '../helpers/wait-for'
import { WAIT_MS, eventsOf, readLog, type HarnessWindow, type LogEntry } from './harness'

/** What the browser logs for a stream cut by a crash, a navigation or a steal. */
export const EXPECTED_NOISE = /^(Failed to load resource: |TypeError: (Failed to fetch|network error))/

/** The options of a tab's client unless a test gives others. */
export const OPTIONS = { share: true, heartbeatTimeoutMs: 3000, retry: { initialDelayMs: 50, maxDelayMs: 200 } }

/** Figures of a whole test file, added to by its checks and printed at its end. */
export interface ShareTotals {
  tabs: number
  handovers: number
  events: number
  lost: number
  duplicated: number
  /** The most streams the server had open at once. */
  mostStreams: number
  /** The longest time two or more streams were open at once, in ms. */
  overlapMs: number
  /** The longest time from a leader's freeze to the next leader's stream, in ms. */
  freezeHandoverMs: number
}

/** Totals at zero. */
export const createTotals = (): ShareTotals => ({
  tabs: 0,
  handovers: 0,
  events: 0,
  lost: 0,
  duplicated: 0,
  mostStreams: 0,
  overlapMs: 0,
  freezeHandoverMs: 0,
})

/** `status role` of a tab's client (`closed undefined` for a tab that left). */
export const roleOf = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const { status, role } = (window as unknown as HarnessWindow).client.state as { status: string; role?: string }
    return status + ' ' + role
  })

/** Waits until every tab is open and exactly one leads; returns the leader. */
export async function settled(pages: Page[]): Promise<Page> {
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

/** A tab's delivered ids, in order, in runs: a tab that went to the back/forward cache starts a new run on return. */
export function runsOf(log: LogEntry[]): string[][] {
  const runs: string[][] = [[]]
  for (const entry of log) {
    if ((entry.kind as string) === 'pagehide') runs.push([])
    else if (entry.kind === 'event') runs[runs.length - 1].push(entry.id)
  }
  return runs.filter((run) => run.length > 0)
}

/** How many events a tab has delivered. */
export const eventCount = async (page: Page): Promise<number> => eventsOf(await readLog(page)).length

/** How many events a tab has delivered, counted in the page. */
const countInPage = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as HarnessWindow).log.filter((entry) => entry.kind === 'event').length)

/**
 * Waits until every tab has delivered `more` events beyond what it has now. Polled from here, not in the page: a
 * hidden tab runs no animation frame and slows its timers.
 */
export async function waitForMore(pages: Page[], more: number): Promise<void> {
  const targets = await Promise.all(pages.map(async (page) => (await countInPage(page)) + more))
  await waitForAsync(
    async () => (await Promise.all(pages.map(countInPage))).every((count, index) => count >= targets[index]),
    WAIT_MS,
    more + ' more events in every tab',
  )
}

/** Crashes a tab's renderer for real (`chrome://crash`: that renderer alone), and closes the page once it crashed. */
export async function crashTab(page: Page): Promise<void> {
  const crashed = new Promise((resolve) => page.once('crash', resolve))
  page.goto('chrome://crash').catch(() => undefined)
  await crashed
  await page.close()
}

/**
 * The name of the share group (lock, channel and kept id) of a plain `share: true` client of `url`, as
 * src/share/key.ts makes it.
 */
export const groupName = (url: string): string =>
  'ssekit/1 ' + JSON.stringify([url, 'GET', false, 'lastEventId', 'auto'])

/** Calls `disconnect()` in a tab. */
export const disconnect = (page: Page): Promise<void> =>
  page.evaluate(() => (window as unknown as HarnessWindow).client.disconnect())

/**
 * What opens tabs of `browser` on `server`, and checks them, adding to `totals`.
 * @param browser - where the tabs are opened
 * @param server - the test server, whose `/share/tab.html` is the harness page and whose `/stream/date` they share
 * @param totals - the file's figures
 */
export function createShareTabs(browser: TestBrowser, server: TestServer, totals: ShareTotals) {
  /** Opens a tab of `context` on the harness page, marking its page transitions in its log; no client yet. */
  async function loadTab(context: BrowserContext): Promise<Page> {
    const page = await browser.newPage(context)
    await page.goto(server.url + '/share/tab.html')
    await page.waitForFunction(() => 'ssekit' in window && 'harness' in window, undefined, { timeout: WAIT_MS })
    await page.evaluate(() => {
      const w = window as unknown as HarnessWindow
      const mark = (event: Event) =>
        w.log.push({ kind: event.type, persisted: (event as PageTransitionEvent).persisted } as never)
      for (const type of ['pagehide', 'pageshow', 'freeze', 'resume']) addEventListener(type, mark, true)
    })
    return page
  }

  /** Starts a recorded client on `/stream/date` in a tab opened by `loadTab`. */
  async function startTab(page: Page, options: object = OPTIONS): Promise<void> {
    await page.evaluate(
      ({ url, options }) => {
        const w = window as unknown as HarnessWindow
        w.harness.start(w.ssekit, url, options, ['date'])
      },
      { url: server.url + '/stream/date', options },
    )
    totals.tabs++
  }

  /** Opens a tab of `context` and starts its client. */
  async function openTab(context: BrowserContext, options: object = OPTIONS): Promise<Page> {
    const page = await loadTab(context)
    await startTab(page, options)
    return page
  }

  /**
   * Every run holds every id from its first on, as the server published them: none lost, none twice, in order.
   * Adds the counts to the totals.
   */
  function expectComplete(log: LogEntry[], what: string): void {
    const published = server.publishedDateIds
    for (const ids of runsOf(log)) {
      const first = published.indexOf(ids[0])
      const expected = first < 0 ? [] : published.slice(first, first + ids.length)
      const lost = expected.filter((id) => !ids.includes(id)).length
      const duplicated = ids.length - new Set(ids).size
      totals.events += ids.length
      totals.lost += lost
      totals.duplicated += duplicated
      expect({ what, lost, duplicated, ids }).toEqual({ what, lost: 0, duplicated: 0, ids: expected })
    }
  }

  /** No uncaught error in the tab, and no console error but the expected noise. */
  function expectHealthy(page: Page): void {
    const { consoleErrors, pageErrors } = browser.problems(page)
    expect(pageErrors).toEqual([])
    expect(consoleErrors.filter((message) => !EXPECTED_NOISE.test(message))).toEqual([])
  }

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
    // A test that fails before `stop()` must not keep jest from exiting.
    timer.unref()
    return {
      stop() {
        clearInterval(timer)
        if (since !== undefined) overlapMs = Math.max(overlapMs, Date.now() - since)
        totals.mostStreams = Math.max(totals.mostStreams, most)
        return { most, overlapMs }
      },
    }
  }

  return { loadTab, startTab, openTab, expectComplete, expectHealthy, sampleStreams }
}

/** The helpers of {@link createShareTabs}. */
export type ShareTabs = ReturnType<typeof createShareTabs>
