/**
 * Headless Chromium for browser tests: Debian's build (or CHROMIUM_PATH) driven by playwright-core, with the
 * flags this machine needs, and every console error and uncaught page error collected per page.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
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

const executablePath = () => process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** Launches headless Chromium; playwright gives it a fresh temporary profile. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: executablePath(),
    args: FLAGS,
    ignoreDefaultArgs: options.backForwardCache ? ['--disable-back-forward-cache'] : undefined,
    headless: true,
    timeout: 15_000,
  })
  return testBrowser(browser, () => browser.close())
}

/**
 * Launches headless Chromium with one window, started here and driven over CDP, for tests of the browser's own page
 * lifecycle. Its pages are tabs of that window: the one in front is visible and the others are hidden, as background
 * tabs are. Playwright's overrides of the default context are off (`noDefaults`): its focus emulation counts every
 * page as visible, and Chrome freezes only a hidden page (`Page.setWebLifecycleState`). None of playwright's launch
 * flags either, so hidden tabs' timers are slowed as in a browser a person uses. `context` is the default context,
 * whose pages share Web Locks and BroadcastChannel as the tabs of one profile do; `close()` ends the browser and
 * removes its fresh profile.
 */
export async function launchOneWindowBrowser(): Promise<TestBrowser & { context: BrowserContext }> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'ssekit-chromium-'))
  const child = spawn(
    executablePath(),
    [...FLAGS, '--headless', '--remote-debugging-port=0', '--user-data-dir=' + profile, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const close = async () => {
    if (child.exitCode === null) child.kill()
    await exited
    // The browser's helper processes may still be writing to the profile for a moment.
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  }
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      // Read to the end, even once the endpoint is known: a full pipe would stall the browser.
      let printed: string | undefined = ''
      const timer = setTimeout(() => reject(new Error('Chromium printed no DevTools endpoint: ' + printed)), 15_000)
      child.once('exit', (code) => reject(new Error('Chromium exited (' + code + '): ' + printed)))
      child.stderr.on('data', (chunk: Buffer) => {
        if (printed === undefined) return
        printed += chunk
        const found = /DevTools listening on (ws:\S+)/.exec(printed)
        if (!found) return
        printed = undefined
        clearTimeout(timer)
        resolve(found[1])
      })
    })
    const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true, timeout: 15_000 })
    return {
      ...testBrowser(browser, async () => {
        // As a person closes it: the browser ends its own helper processes and lets go of the profile.
        const session = await browser.newBrowserCDPSession()
        await session.send('Browser.close').catch(() => undefined)
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
        await close()
      }),
      context: browser.contexts()[0],
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** A {@link TestBrowser} over a connected browser, with `close` to end it. */
function testBrowser(browser: Browser, close: () => Promise<void>): TestBrowser {
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
    close,
  }
}
