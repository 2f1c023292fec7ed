/**
 * Headless Chromium for browser tests: Debian's build (or CHROMIUM_PATH) driven by playwright-core, with the
 * flags this machine needs, and every console error and uncaught page error collected per page.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

/** What went wrong inside one page, in order. */
export interface PageProblems {
  /** `console.error` messages (including the browser's own, such as failed loads). */
  consoleErrors: string[]
  /** Uncaught exceptions. */
  pageErrors: string[]
}

export interface TestBrowser {
  browser: Browser
  /**
   * A page in its own fresh context, or a new tab of `context` (tabs of one context share Web Locks and
   * BroadcastChannel, as the tabs of one profile do); its problems are in {@link TestBrowser.problems}.
   */
  newPage(context?: BrowserContext): Promise<Page>
  /** The console and page errors seen so far in a page made by `newPage()`. */
  problems(page: Page): PageProblems
  close(): Promise<void>
}

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
]

/** How to launch. */
export interface LaunchOptions {
  /** Keep the back/forward cache on (playwright turns it off by default). */
  backForwardCache?: boolean
}

/** Launches headless Chromium; playwright gives it a fresh temporary profile. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: FLAGS,
    ignoreDefaultArgs: options.backForwardCache ? ['--disable-back-forward-cache'] : undefined,
    headless: true,
    timeout: 15_000,
  })
  const seen = new WeakMap<Page, PageProblems>()
  return {
    browser,
    async newPage(context?: BrowserContext) {
      const page = await (context ?? (await browser.newContext())).newPage()
      const problems: PageProblems = { consoleErrors: [], pageErrors: [] }
      page.on('console', (message) => {
        if (message.type() === 'error') problems.consoleErrors.push(message.text())
      })
      page.on('pageerror', (error) => problems.pageErrors.push(String(error)))
      page.setDefaultTimeout(10_000)
      seen.set(page, problems)
      return page
    },
    problems(page) {
      const problems = seen.get(page)
      if (!problems) throw new Error('problems(): the page was not made by newPage()')
      return problems
    },
    close: () => browser.close(),
  }
}
