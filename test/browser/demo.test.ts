/**
 * The demo dashboard end to end, as a user sees it: the real pages on the real server, driven through their
 * `data-testid` elements; `window.ssekitDemo` is only used to record every event id the date widget receives.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import type { TestBrowser } from '../helpers/browser'
import { startBrowserAndServer } from '../helpers/browser-and-server'
import type { TestServer } from '../helpers/test-server'
import { waitFor } from '../helpers/wait-for'
import { WAIT_MS, expectIncreasing, removeEventSource } from './harness'

const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts')
const { version } = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
  version: string
}

interface DemoWindow {
  ssekitDemo: {
    date: { on(type: string, handler: (data: unknown, meta: { lastEventId: string }) => void): () => void }
  }
  dateIds: string[]
}

let browser: TestBrowser
let server: TestServer
let page: Page

beforeAll(async () => {
  ;[browser, server] = await startBrowserAndServer()
}, 20_000)

afterAll(async () => {
  await browser?.close()
  await server?.dispose()
})

afterEach(async () => {
  await page?.context().close()
})

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`)
const textOf = async (id: string) => (await byTestId(id).textContent()) ?? ''

/** Waits until the element's text matches `pattern`. */
async function waitForText(id: string, pattern: RegExp): Promise<void> {
  await page.waitForFunction(
    ({ id, source }) => new RegExp(source).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''),
    { id, source: pattern.source },
    { timeout: WAIT_MS },
  )
}

/** Waits until the date widget's received counter reaches `count`; returns what it shows. */
async function waitForReceived(count: number): Promise<number> {
  await page.waitForFunction(
    (count) => Number(document.querySelector('[data-testid="date-received"]')?.textContent) >= count,
    count,
    { timeout: WAIT_MS },
  )
  return Number(await textOf('date-received'))
}

const readIds = () => page.evaluate(() => (window as unknown as DemoWindow).dateIds)

describe('the demo dashboard', () => {
  test('connects, survives a server restart without loss or duplicate, and disconnects', async () => {
    page = await browser.newPage()
    await page.goto(server.url + '/')
    await page.waitForFunction(() => 'ssekitDemo' in window, undefined, { timeout: WAIT_MS })
    await page.evaluate(() => {
      const demo = window as unknown as DemoWindow
      demo.dateIds = []
      demo.ssekitDemo.date.on('date', (_data, meta) => demo.dateIds.push(meta.lastEventId))
    })
    expect(await textOf('date-status')).toBe('Not connected')
    expect(await textOf('version')).toBe(version)

    await byTestId('date-button').click()
    await waitForText('date-status', /^Connection open!$/)
    expect(await textOf('date-button')).toBe('Disconnect')
    expect(await textOf('transport')).toBe('native')
    const before = await waitForReceived(3)
    expect(await textOf('date-value')).toMatch(/\(id \d+\)$/)

    await server.stop()
    await waitForText('date-status', /^Attempting to reconnect! \(attempt 1, next in [\d.]+m?s\)$/)
    // The first retry also finds the server down: the attempt count in the status goes up.
    await waitForText('date-status', /^Attempting to reconnect! \(attempt 2, next in [\d.]+m?s\)$/)
    const lastBefore = (await readIds()).pop() ?? ''
    await waitFor(
      () => server.publishedDateIds.length - server.publishedDateIds.indexOf(lastBefore) > 3,
      WAIT_MS,
      'missed events',
    )
    await server.start()
    await waitForText('date-status', /^Connection open!$/)
    const missed = server.publishedDateIds.length - server.publishedDateIds.indexOf(lastBefore) - 1
    await waitForReceived(before + missed + 2)

    expect(await textOf('date-duplicates')).toBe('0')
    expect(await byTestId('date-lost').isHidden()).toBe(true)
    expect(await page.locator('[data-testid="date-log"] li.is-duplicate').count()).toBe(0)
    const ids = await readIds()
    expectIncreasing(ids)
    const published = server.publishedDateIds
    expect(ids).toEqual(published.slice(published.indexOf(ids[0]), published.indexOf(ids[ids.length - 1]) + 1))
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: path.join(ARTIFACTS, 'demo.png'), fullPage: true })

    await byTestId('date-button').click()
    await waitForText('date-status', /^Connection closed!$/)
    expect(await textOf('date-button')).toBe('Connect')
    const since = Date.now()
    const received = await textOf('date-received')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(server.requestsTo('/stream/date').filter((request) => request.time >= since)).toEqual([])
    expect(await textOf('date-received')).toBe(received)
  }, 30_000)

  test('eight tabs of the dashboard: one stream per widget, one tab leads each, the bindings work in every tab', async () => {
    const context = await browser.browser.newContext()
    const tabs: Page[] = []
    for (let index = 0; index < 8; index++) {
      const tab = await browser.newPage(context)
      await tab.goto(server.url + '/?autoconnect=1')
      tabs.push(tab)
    }
    const text = (tab: Page, id: string) => tab.locator(`[data-testid="${id}"]`).textContent()
    for (const tab of tabs) {
      for (const widget of ['date', 'tick']) {
        await tab.waitForFunction(
          (widget) =>
            /Connection open!/.test(document.querySelector(`[data-testid="${widget}-status"]`)?.textContent ?? ''),
          widget,
          { timeout: WAIT_MS },
        )
      }
    }
    await waitFor(
      () => server.server.channels.date.clients === 1 && server.server.channels.tick.clients === 1,
      WAIT_MS,
      'one stream per widget',
    )
    for (const widget of ['date', 'tick']) {
      const roles = await Promise.all(tabs.map((tab) => text(tab, widget + '-role')))
      expect(roles.filter((role) => role === 'This tab streams it for all your tabs')).toHaveLength(1)
      expect(roles.filter((role) => role === 'Shared: another tab streams it')).toHaveLength(7)
    }
    for (const tab of tabs) expect(await text(tab, 'date-button')).toBe('Disconnect')
    // A follower's button disconnects that tab only.
    const follower =
      tabs[(await Promise.all(tabs.map((tab) => text(tab, 'date-role')))).indexOf('Shared: another tab streams it')]
    await follower.locator('[data-testid="date-button"]').click()
    await follower.waitForFunction(
      () => document.querySelector('[data-testid="date-status"]')?.textContent === 'Connection closed!',
      undefined,
      { timeout: WAIT_MS },
    )
    expect(await text(follower, 'date-role')).toBe('')
    expect(server.server.channels.date.clients).toBe(1)
    for (const tab of tabs) expect(browser.problems(tab)).toEqual({ consoleErrors: [], pageErrors: [] })
    await context.close()
  }, 60_000)

  test('the legacy page connects through the polyfill and shows a date', async () => {
    page = await browser.newPage()
    await removeEventSource(page)
    await page.goto(server.url + '/legacy.html')
    await page.waitForFunction(() => 'ssekitDemo' in window, undefined, { timeout: WAIT_MS })
    expect(await textOf('version')).toBe(version)

    await byTestId('date-button').click()
    await waitForText('date-status', /^Connection open!$/)
    expect(await textOf('transport')).toBe('polyfill')
    await waitForReceived(2)
    expect(await textOf('date-value')).toMatch(/^\d{1,2}:\d\d:\d\d.*\(id \d+\)$/)
    expect(await textOf('date-duplicates')).toBe('0')

    await byTestId('date-button').click()
    await waitForText('date-status', /^Connection closed!$/)
    expect(browser.problems(page)).toEqual({ consoleErrors: [], pageErrors: [] })
  }, 30_000)
})
