/**
 * The ES5 script-tag build in Chromium: loaded by a plain `<script src>` (no modules) into a page without
 * EventSource, it adds one global, `SseKit`, and streams through the polyfill bundled inside it.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import type { TestBrowser } from '../helpers/browser'
import { startBrowserAndServer } from '../helpers/browser-and-server'
import type { TestServer } from '../helpers/test-server'
import {
  clientState,
  disconnect,
  eventsOf,
  expectIncreasing,
  expectQuiet,
  type LogEntry,
  readLog,
  removeEventSource,
  startClient,
  statesOf,
  waitForEvents,
} from './harness'

const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }

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

/** Opens the blank page (optionally without EventSource) and returns the global names it has before any script. */
async function openBlank(withEventSource: boolean): Promise<string[]> {
  page = await browser.newPage()
  if (!withEventSource) await removeEventSource(page)
  await page.goto(server.url + '/pages/blank.html')
  return page.evaluate(() => Object.keys(window))
}

/**
 * Loads the script-tag file on the open page, streams `date` events through it until three arrive, disconnects and
 * checks that the client ran on the polyfill, that the events are dates with increasing ids and that nothing is
 * requested after the disconnect. Returns the page's log and the kind of every stream request Chromium saw.
 */
async function streamDates(): Promise<{ log: LogEntry[]; types: string[] }> {
  const types: string[] = []
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/stream/date') types.push(request.resourceType())
  })
  await page.addScriptTag({ url: '/dist/ssekit.legacy.min.js' })
  await page.addScriptTag({ url: '/pages/recorder.js' })
  await startClient(page, '/stream/date', { decode: 'json' }, ['date'])
  await waitForEvents(page, 3)
  expect(await clientState(page)).toEqual({ status: 'open', transport: 'polyfill' })
  await disconnect(page)

  const log = await readLog(page)
  const events = eventsOf(log)
  expect(events.every((event) => event.type === 'date' && !Number.isNaN(Date.parse(event.data as string)))).toBe(true)
  expectIncreasing(events.map((event) => event.id))
  await expectQuiet(page, server, '/stream/date')
  return { log, types }
}

describe('dist/ssekit.legacy.min.js by a script tag', () => {
  test('adds SseKit and nothing else to a page without EventSource', async () => {
    const before = await openBlank(false)
    expect(await page.evaluate(() => typeof (window as { EventSource?: unknown }).EventSource)).toBe('undefined')
    await page.addScriptTag({ url: '/dist/ssekit.legacy.min.js' })
    const added = await page.evaluate((before) => Object.keys(window).filter((key) => !before.includes(key)), before)
    expect(added).toEqual(['SseKit'])
    const api = await page.evaluate(() => {
      const kit = (window as unknown as { SseKit: Record<string, unknown> }).SseKit
      return { members: Object.keys(kit).sort(), version: kit.version, hasEventSource: 'EventSource' in window }
    })
    expect(api).toEqual({
      members: ['SsekitError', 'bindButton', 'bindStatus', 'createClient', 'isSsekitError', 'version'],
      version: pkg.version,
      hasEventSource: false,
    })
    expect(browser.problems(page)).toEqual({ consoleErrors: [], pageErrors: [] })
  }, 30_000)

  test('connects through the bundled polyfill, receives date events, disconnects and stays quiet', async () => {
    await openBlank(false)
    const { log, types } = await streamDates()
    // Chromium's fetch streams, so the polyfill runs over ssekit's fetch reader.
    expect(types).toEqual(['fetch'])
    expect(statesOf(log).map((state) => [state.status, state.transport])).toEqual([
      ['idle', undefined],
      ['connecting', 'polyfill'],
      ['open', 'polyfill'],
      ['closed', 'polyfill'],
    ])
    expect(server.requests.some((request) => request.path.startsWith('/dist/chunks/'))).toBe(false)
    expect(browser.problems(page)).toEqual({ consoleErrors: [], pageErrors: [] })
  }, 30_000)

  test('where the page has no fetch either, as on IE 11, the bundled polyfill streams over XMLHttpRequest', async () => {
    page = await browser.newPage()
    await page.addInitScript(() => {
      delete (window as { EventSource?: unknown }).EventSource
      delete (window as { fetch?: unknown }).fetch
    })
    await page.goto(server.url + '/pages/blank.html')
    const { types } = await streamDates()
    expect(types).toEqual(['xhr'])
    expect(browser.problems(page)).toEqual({ consoleErrors: [], pageErrors: [] })
  }, 30_000)

  test('share: true is accepted, and each tab keeps its own connection, with no role (this file does not share)', async () => {
    const context = await browser.browser.newContext()
    const tabs: Page[] = []
    const before = server.requestsTo('/stream/date').length
    for (let index = 0; index < 2; index++) {
      const tab = await browser.newPage(context)
      await tab.goto(server.url + '/pages/blank.html')
      await tab.addScriptTag({ url: '/dist/ssekit.legacy.min.js' })
      await tab.addScriptTag({ url: '/pages/recorder.js' })
      await startClient(tab, '/stream/date', { decode: 'json', share: true }, ['date'])
      await waitForEvents(tab, 2)
      tabs.push(tab)
    }
    expect(server.requestsTo('/stream/date').length - before).toBe(2)
    for (const tab of tabs) {
      expect(statesOf(await readLog(tab)).filter((state) => state.role)).toEqual([])
      expect(await clientState(tab)).toEqual({ status: 'open', transport: 'native' })
      expect(browser.problems(tab)).toEqual({ consoleErrors: [], pageErrors: [] })
    }
    await context.close()
  }, 30_000)

  test('uses the native EventSource where the browser has one', async () => {
    await openBlank(true)
    await page.addScriptTag({ url: '/dist/ssekit.legacy.min.js' })
    await page.addScriptTag({ url: '/pages/recorder.js' })
    await startClient(page, '/stream/date', { decode: 'json' }, ['date'])
    await waitForEvents(page, 1)
    expect(await clientState(page)).toEqual({ status: 'open', transport: 'native' })
    await disconnect(page)
    expect(await clientState(page)).toEqual({ status: 'closed', transport: 'native' })
    expect(browser.problems(page)).toEqual({ consoleErrors: [], pageErrors: [] })
  }, 30_000)
})
