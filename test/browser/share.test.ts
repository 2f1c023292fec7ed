/**
 * Sharing one connection between tabs (`share: true`), in headless Chromium: the tabs are pages of one browser
 * context, which share Web Locks and BroadcastChannel as the tabs of one profile do, against the real server's
 * `/stream/date` (a clock every 50 ms that replays from `Last-Event-ID`). Leaders are killed for real: the page
 * closed, its renderer crashed (`chrome://crash`), sent to the back/forward cache (kept on for this file), or stuck
 * in a long task. Every assertion reads ordered logs: each tab's events against the ids the server published, and
 * the streams the server had open, sampled every 10 ms.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import type { TestBrowser } from '../helpers/browser'
import { startBrowserWithServer } from '../helpers/browser-and-server'
import type { TestServer } from '../helpers/test-server'
import { waitFor, waitForAsync } from '../helpers/wait-for'
import { WAIT_MS, eventsOf, readLog, statesOf, type HarnessWindow, type LogEntry } from './harness'

/** What the browser logs for a stream cut by a crash, a navigation or a steal. */
const EXPECTED_NOISE = /^(Failed to load resource: |TypeError: (Failed to fetch|network error))/
const OPTIONS = { share: true, heartbeatTimeoutMs: 3000, retry: { initialDelayMs: 50, maxDelayMs: 200 } }
/** Longest time two streams may be open at once when a leader goes away (a stuck leader is another matter). */
const MAX_OVERLAP_MS = 1000

let browser: TestBrowser
let server: TestServer
/** Figures of the whole file, printed at the end. */
const totals = { tabs: 0, handovers: 0, events: 0, lost: 0, duplicated: 0, mostStreams: 0, overlapMs: 0 }

beforeAll(async () => {
  // The test pages are served with `no-store`, which keeps a page out of the back/forward cache: this one is not.
  const html = readFileSync(path.resolve(__dirname, 'pages/harness.html'))
  const tab = (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' })
    res.end(html)
  }
  ;[browser, server] = await startBrowserWithServer({ backForwardCache: true }, { routes: { '/share/tab.html': tab } })
}, 20_000)

afterAll(async () => {
  console.log(
    `share totals: tabs=${totals.tabs} handovers=${totals.handovers} events=${totals.events} lost=${totals.lost} ` +
      `duplicated=${totals.duplicated} most streams at once=${totals.mostStreams} longest overlap=${totals.overlapMs} ms`,
  )
  await browser?.close()
  await server?.dispose()
})

jest.setTimeout(90_000)

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
      totals.mostStreams = Math.max(totals.mostStreams, most)
      return { most, overlapMs }
    },
  }
}

/** Opens a tab of `context`, marks its page transitions in its log, and starts a recorded client on `/stream/date`. */
async function openTab(context: BrowserContext, options: object = OPTIONS): Promise<Page> {
  const page = await browser.newPage(context)
  await page.goto(server.url + '/share/tab.html')
  await page.waitForFunction(() => 'ssekit' in window && 'harness' in window, undefined, { timeout: WAIT_MS })
  await page.evaluate(
    ({ url, options }) => {
      const w = window as unknown as HarnessWindow
      const mark = (event: PageTransitionEvent) => w.log.push({ kind: event.type, persisted: event.persisted } as never)
      addEventListener('pagehide', mark)
      addEventListener('pageshow', mark)
      w.harness.start(w.ssekit, url, options, ['date'])
    },
    { url: server.url + '/stream/date', options },
  )
  totals.tabs++
  return page
}

/** `status role` of a tab's client. */
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

/** A tab's delivered ids, in order, in runs: a tab that went to the back/forward cache starts a new run on return. */
function runsOf(log: LogEntry[]): string[][] {
  const runs: string[][] = [[]]
  for (const entry of log) {
    if ((entry.kind as string) === 'pagehide') runs.push([])
    else if (entry.kind === 'event') runs[runs.length - 1].push(entry.id)
  }
  return runs.filter((run) => run.length > 0)
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

const eventCount = async (page: Page) => eventsOf(await readLog(page)).length

/** Waits until every tab has delivered `more` events beyond what it has now. */
async function waitForMore(pages: Page[], more: number): Promise<void> {
  await Promise.all(
    pages.map(async (page) =>
      page.waitForFunction(
        (count) => (window as unknown as HarnessWindow).log.filter((entry) => entry.kind === 'event').length >= count,
        (await eventCount(page)) + more,
        { timeout: WAIT_MS },
      ),
    ),
  )
}

/** No uncaught error in the tab, and no console error but the expected noise. */
function expectHealthy(page: Page): void {
  const { consoleErrors, pageErrors } = browser.problems(page)
  expect(pageErrors).toEqual([])
  expect(consoleErrors.filter((message) => !EXPECTED_NOISE.test(message))).toEqual([])
}

const streamRequests = () => server.requestsTo('/stream/date').length

test('eight tabs on one share key: the server sees one stream, every tab is open, one leads', async () => {
  const context = await browser.browser.newContext()
  const sampler = sampleStreams()
  const before = streamRequests()
  const pages: Page[] = []
  for (let index = 0; index < 8; index++) pages.push(await openTab(context))
  await settled(pages)
  await waitForMore(pages, 20)
  const { most } = sampler.stop()
  console.log(`share, 8 tabs: streams requested=${streamRequests() - before} most open at once=${most}`)
  expect(server.server.channels.date.clients).toBe(1)
  expect(most).toBe(1)
  expect(streamRequests() - before).toBe(1)
  const leaders: number[] = []
  for (const [index, page] of pages.entries()) {
    const log = await readLog(page)
    expectComplete(log, 'tab ' + index)
    if (statesOf(log).some((state) => state.role === 'leader')) leaders.push(index)
    expectHealthy(page)
  }
  // The first tab led from the start, and no other ever did.
  expect(leaders).toEqual([0])
  await context.close()
})

/** How a leader is taken away, and whether the tab comes back (from the back/forward cache). */
type Kill = (leader: Page) => Promise<'gone' | 'back'>

const kills: Array<[string, Kill]> = [
  ['closed', async (leader) => (await leader.close(), 'gone')],
  [
    'crashed (chrome://crash)',
    async (leader) => {
      const crashed = new Promise((resolve) => leader.once('crash', resolve))
      leader.goto('chrome://crash').catch(() => undefined)
      await crashed
      await leader.close()
      return 'gone'
    },
  ],
  [
    'sent to the back/forward cache and back',
    async (leader) => {
      await leader.goto(server.url + '/pages/blank.html')
      await leader.goBack({ waitUntil: 'commit' })
      return 'back'
    },
  ],
]

describe.each(kills)('the leader %s, ten times, with a tab joining each time', (_name, kill) => {
  test('the next tab takes over from the last id: every tab gets every event once, in order', async () => {
    const context = await browser.browser.newContext()
    const pages: Page[] = []
    for (let index = 0; index < 4; index++) pages.push(await openTab(context))
    await settled(pages)
    const sampler = sampleStreams()
    const before = streamRequests()
    const gone: LogEntry[][] = []
    for (let round = 0; round < 10; round++) {
      const leader = await settled(pages)
      await waitForMore(pages, 5)
      const log = await readLog(leader)
      const joining = openTab(context)
      if ((await kill(leader)) === 'gone') {
        pages.splice(pages.indexOf(leader), 1)
        gone.push(log)
      } else {
        // Back from the cache, the tab rejoins as a follower.
        await waitForAsync(async () => (await roleOf(leader)) !== 'open leader', WAIT_MS)
      }
      pages.push(await joining)
      const next = await settled(pages)
      expect(next).not.toBe(leader)
      totals.handovers++
      await waitForMore(pages, 5)
    }
    const { most, overlapMs } = sampler.stop()
    totals.overlapMs = Math.max(totals.overlapMs, overlapMs)
    // Each new leader resumed from an id (a tab that joins as the leader of a new group would not).
    const resumes = server.requestsTo('/stream/date').slice(before)
    for (const [index, log] of gone.entries()) expectComplete(log, 'killed leader ' + index)
    for (const [index, page] of pages.entries()) {
      expectComplete(await readLog(page), 'tab ' + index)
      expectHealthy(page)
    }
    console.log(
      `share, leader ${_name}: handovers=10 stream requests=${resumes.length} most open at once=${most} overlap=${overlapMs} ms`,
    )
    expect(resumes.length).toBeGreaterThanOrEqual(10)
    for (const request of resumes) expect(request.query.lastEventId).toMatch(/^\d+$/)
    expect(overlapMs).toBeLessThan(MAX_OVERLAP_MS)
    await context.close()
  })
})

/** Calls `disconnect()` in a tab. */
const disconnect = (page: Page) => page.evaluate(() => (window as unknown as HarnessWindow).client.disconnect())

describe('disconnect', () => {
  test('in a follower: that tab is out, the stream and the others go on', async () => {
    const context = await browser.browser.newContext()
    const pages = [await openTab(context), await openTab(context), await openTab(context)]
    const leader = await settled(pages)
    const follower = pages.find((page) => page !== leader) as Page
    await waitForMore(pages, 3)
    const before = streamRequests()
    await disconnect(follower)
    const rest = pages.filter((page) => page !== follower)
    const quiet = await eventCount(follower)
    await waitForMore(rest, 10)
    expect(await roleOf(follower)).toBe('closed undefined')
    expect(await eventCount(follower)).toBe(quiet)
    expect(await settled(rest)).toBe(leader)
    expect(streamRequests()).toBe(before)
    expect(server.server.channels.date.clients).toBe(1)
    for (const page of pages) {
      expectComplete(await readLog(page), 'tab')
      expectHealthy(page)
    }
    await context.close()
  })

  test('in the leader: it hands over, and stays out', async () => {
    const context = await browser.browser.newContext()
    const pages = [await openTab(context), await openTab(context), await openTab(context)]
    const leader = await settled(pages)
    await waitForMore(pages, 3)
    await disconnect(leader)
    const rest = pages.filter((page) => page !== leader)
    const next = await settled(rest)
    const quiet = await eventCount(leader)
    await waitForMore(rest, 10)
    totals.handovers++
    expect(next).not.toBe(leader)
    expect(await roleOf(leader)).toBe('closed undefined')
    expect(await eventCount(leader)).toBe(quiet)
    expect(server.server.channels.date.clients).toBe(1)
    for (const page of pages) {
      expectComplete(await readLog(page), 'tab')
      expectHealthy(page)
    }
    await context.close()
  })

  test('in every tab, the leader last: the stream closes', async () => {
    const context = await browser.browser.newContext()
    const pages = [await openTab(context), await openTab(context), await openTab(context)]
    const leader = await settled(pages)
    await waitForMore(pages, 3)
    for (const page of pages) if (page !== leader) await disconnect(page)
    expect(server.server.channels.date.clients).toBe(1)
    await disconnect(leader)
    await waitFor(() => server.server.channels.date.clients === 0, WAIT_MS, 'the stream to close')
    for (const page of pages) expect(await roleOf(page)).toBe('closed undefined')
    // And a tab that connects again starts a group of its own.
    await pages[1].evaluate(() => (window as unknown as HarnessWindow).client.connect())
    expect(await settled([pages[1]])).toBe(pages[1])
    await context.close()
  })
})

test('a stuck leader (a long task): a follower steals the lock, and the old leader steps down when it wakes', async () => {
  const context = await browser.browser.newContext()
  const options = { ...OPTIONS, heartbeatTimeoutMs: 1000 }
  const pages = [await openTab(context, options), await openTab(context, options), await openTab(context, options)]
  const leader = await settled(pages)
  const rest = pages.filter((page) => page !== leader)
  await waitForMore(pages, 3)
  const sampler = sampleStreams()
  const start = Date.now()
  // Busy for 4 s: no timer, no message, no event runs in that tab meanwhile.
  const stuck = leader.evaluate(() => {
    const until = Date.now() + 4000
    while (Date.now() < until);
  })
  await settled(rest)
  await waitForMore(rest, 20)
  // The others went on while the leader was stuck.
  expect(Date.now() - start).toBeLessThan(4000)
  await stuck
  const next = await settled(pages)
  const { most, overlapMs } = sampler.stop()
  totals.handovers++
  await waitForMore(pages, 10)
  expect(next).not.toBe(leader)
  expect(server.server.channels.date.clients).toBe(1)
  console.log(`share, stuck leader: most streams at once=${most}, two open for ${overlapMs} ms (the long task)`)
  for (const page of pages) {
    expectComplete(await readLog(page), 'tab')
    expectHealthy(page)
  }
  await context.close()
})

test('a tab that comes to lead before it has delivered anything resumes from the id the group told it', async () => {
  const context = await browser.browser.newContext()
  const leader = await openTab(context)
  await settled([leader])
  await waitForMore([leader], 3)
  // This tab listens to a type the stream never sends: it never delivers an event, but hears every one.
  const page = await browser.newPage(context)
  await page.goto(server.url + '/share/tab.html')
  await page.waitForFunction(() => 'ssekit' in window && 'harness' in window, undefined, { timeout: WAIT_MS })
  await page.evaluate((url) => {
    const w = window as unknown as HarnessWindow
    w.harness.start(w.ssekit, url, { share: true, heartbeatTimeoutMs: 3000 }, ['nothing'])
  }, server.url + '/stream/date')
  await waitForAsync(async () => (await roleOf(page)) === 'open follower', WAIT_MS, 'a follower')
  const before = streamRequests()
  const last = eventsOf(await readLog(leader)).pop()?.id as string
  await leader.close()
  await waitForAsync(async () => (await roleOf(page)) === 'open leader', WAIT_MS, 'the new leader')
  const [resume] = server.requestsTo('/stream/date').slice(before)
  totals.handovers++
  expect(eventsOf(await readLog(page))).toEqual([])
  expect(Number(resume.query.lastEventId)).toBeGreaterThanOrEqual(Number(last))
  expect(server.publishedDateIds).toContain(resume.query.lastEventId)
  await context.close()
})

test('no Web Locks (deleted before the client loads): each tab connects on its own, with no role', async () => {
  const context = await browser.browser.newContext()
  await context.addInitScript(() => {
    delete (Navigator.prototype as { locks?: unknown }).locks
  })
  const before = streamRequests()
  const pages = [await openTab(context), await openTab(context), await openTab(context)]
  await Promise.all(
    pages.map((page) => waitForAsync(async () => (await roleOf(page)) === 'open undefined', WAIT_MS, 'open tabs')),
  )
  await waitForMore(pages, 5)
  expect(streamRequests() - before).toBe(3)
  expect(server.server.channels.date.clients).toBe(3)
  for (const page of pages) {
    const log = await readLog(page)
    expectComplete(log, 'tab')
    expect(statesOf(log).filter((state) => state.role)).toEqual([])
    expectHealthy(page)
  }
  await context.close()
})

test('messages on the channel that are not ssekit protocol 1 are ignored', async () => {
  const context = await browser.browser.newContext()
  const pages = [await openTab(context), await openTab(context)]
  const leader = await settled(pages)
  await waitForMore(pages, 3)
  const name = 'ssekit/1 ' + JSON.stringify([server.url + '/stream/date', 'GET', false, 'lastEventId', 'auto'])
  await leader.evaluate((name) => {
    const channel = new BroadcastChannel(name)
    const event = ['event', 1e9, '1', 'date', '"forged"']
    const object = { ssekit: 1, kind: 'event', term: 1e9, id: '1', type: 'date', data: '"forged"' }
    for (const message of [null, 'ssekit/1', ['ssekit/2', ...event], ['ssekit', ...event], event, object]) {
      channel.postMessage(message)
    }
    channel.close()
  }, name)
  await waitForMore(pages, 10)
  expect(await settled(pages)).toBe(leader)
  for (const page of pages) {
    const log = await readLog(page)
    expect(eventsOf(log).filter((entry) => entry.id === '1')).toEqual([])
    expectComplete(log, 'tab')
    expectHealthy(page)
  }
  await context.close()
})

test('share with headers: the fetch transport, one stream, and every tab complete', async () => {
  const context = await browser.browser.newContext()
  const options = { ...OPTIONS, headers: { 'X-Tab': 'shared' } }
  const before = streamRequests()
  const pages = [await openTab(context, options), await openTab(context, options), await openTab(context, options)]
  const leader = await settled(pages)
  await waitForMore(pages, 5)
  await leader.close()
  const rest = pages.filter((page) => page !== leader)
  await settled(rest)
  await waitForMore(rest, 5)
  totals.handovers++
  const requests = server.requestsTo('/stream/date').slice(before)
  expect(requests).toHaveLength(2)
  // The fetch transport resumes with the Last-Event-ID header.
  expect(requests[1].lastEventId).toMatch(/^\d+$/)
  for (const page of rest) {
    const log = await readLog(page)
    expect(statesOf(log).pop()?.transport).toBe('fetch')
    expectComplete(log, 'tab')
    expectHealthy(page)
  }
  await context.close()
})
