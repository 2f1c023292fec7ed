/**
 * The frame of a browser test file, in one call: Chromium and a real server started before the file's tests and
 * shut down after them, a fresh page on the harness per test, and a check that the page logged nothing unexpected.
 */
import type { Page } from 'playwright-core'
import type { TestBrowser } from './browser'
import { startBrowserAndServer } from './browser-and-server'
import type { TestServer } from './test-server'

/** Bounded wait for the harness page to load its modules. */
const LOAD_MS = 10_000

/** What a test file gets: the browser and the server (set once `beforeAll` ran). */
export interface BrowserSuite {
  readonly browser: TestBrowser
  readonly server: TestServer
  /** A page in a fresh context on test/browser/pages/harness.html, `prepare`d before it loads. */
  openHarness(prepare?: (page: Page) => Promise<void>): Promise<Page>
  /** Closes the page's context, then fails on any page error, or any console error that `noise` does not match. */
  closeAndCheck(page: Page, noise: RegExp): Promise<void>
}

/** Registers `beforeAll`/`afterAll` for Chromium and a server started with `startTestServer(...serverArgs)`. */
export function useBrowserSuite(...serverArgs: Parameters<typeof startBrowserAndServer>): BrowserSuite {
  let browser: TestBrowser | undefined
  let server: TestServer | undefined
  beforeAll(async () => {
    ;[browser, server] = await startBrowserAndServer(...serverArgs)
  }, 20_000)
  afterAll(async () => {
    await browser?.close()
    await server?.dispose()
  })
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the browser suite is used before beforeAll ran')
    return value
  }
  return {
    get browser() {
      return started(browser)
    },
    get server() {
      return started(server)
    },
    async openHarness(prepare) {
      const page = await started(browser).newPage()
      if (prepare) await prepare(page)
      await page.goto(started(server).url + '/pages/harness.html')
      await page.waitForFunction(() => 'ssekit' in window && 'harness' in window, undefined, { timeout: LOAD_MS })
      return page
    },
    async closeAndCheck(page, noise) {
      const { consoleErrors, pageErrors } = started(browser).problems(page)
      await page.context().close()
      expect(pageErrors).toEqual([])
      expect(consoleErrors.filter((message) => !noise.test(message))).toEqual([])
    },
  }
}
