/**
 * Node-side helpers around test/browser/pages/recorder.js: start a recorded client in a page, wait for entries of
 * its ordered log (`window.log`) with `page.waitForFunction`, and read the log back.
 */
import type { Page } from 'playwright-core'
import type { ClientOptions, TransportKind } from '../../src/types'
import type { RequestRecord, TestServer } from '../helpers/test-server'

/** A state change, as recorder.js writes it. */
export interface StateEntry {
  kind: 'state'
  status: string
  attempt: number
  transport?: TransportKind
  delayMs?: number
  code?: string
  httpStatus?: number
  role?: 'leader' | 'follower'
}

/** A server event, as recorder.js writes it. */
export interface EventEntry {
  kind: 'event'
  type: string
  data: unknown
  id: string
}

export type LogEntry = StateEntry | EventEntry

/** A client library in the page: the ESM module or the `SseKit` global. */
interface PageClient {
  readonly state: { status: string; transport?: TransportKind }
  connect(): void
  disconnect(): void
}

/** The page globals the harness uses (kept off the global `Window` type on purpose). */
export interface HarnessWindow {
  log: LogEntry[]
  client: PageClient
  ssekit?: unknown
  SseKit?: unknown
  harness: { start(lib: unknown, url: string, options: ClientOptions, types: string[]): string }
}

/** Bounded wait for any page condition. */
export const WAIT_MS = 10_000

/** Removes the browser's EventSource before any page script runs. */
export async function removeEventSource(page: Page): Promise<void> {
  await page.addInitScript(() => {
    delete (window as { EventSource?: unknown }).EventSource
  })
}

/**
 * Makes the page one on which a plain GET runs on `kind`: nothing for native; no EventSource for fetch (as in a
 * worker, `auto` picks fetch); no EventSource and `transport: 'polyfill'` for every client (recorder.js reads
 * `window.defaultOptions`), so the polyfill streams over its fetch reader as before.
 */
export async function preparePage(page: Page, kind: TransportKind): Promise<void> {
  if (kind !== 'native') await removeEventSource(page)
  if (kind === 'polyfill') {
    await page.addInitScript(() => {
      ;(window as { defaultOptions?: unknown }).defaultOptions = { transport: 'polyfill' }
    })
  }
}

/** Removes `ReadableStream` before any page script runs: `fetch` still answers, but ssekit finds it cannot stream. */
export async function removeFetchStreaming(page: Page): Promise<void> {
  await page.addInitScript(() => {
    delete (window as { ReadableStream?: unknown }).ReadableStream
  })
}

/** Creates, records and connects a client in the page, from `window.ssekit` (ESM) or `window.SseKit` (script tag). */
export async function startClient(page: Page, url: string, options: ClientOptions, types: string[]): Promise<void> {
  await page.evaluate(
    ({ url, options, types }) => {
      const w = window as unknown as HarnessWindow
      w.harness.start(w.ssekit || w.SseKit, url, options, types)
    },
    { url, options, types },
  )
}

export async function disconnect(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as HarnessWindow).client.disconnect())
}

export async function clientState(page: Page): Promise<{ status: string; transport?: TransportKind }> {
  return page.evaluate(() => {
    const { status, transport } = (window as unknown as HarnessWindow).client.state
    return { status, transport }
  })
}

export async function readLog(page: Page): Promise<LogEntry[]> {
  return page.evaluate(() => (window as unknown as HarnessWindow).log)
}

/** Waits until the log holds at least `count` events (of `type`, if given). */
export async function waitForEvents(page: Page, count: number, type?: string): Promise<void> {
  await page.waitForFunction(
    ({ count, type }) =>
      (window as unknown as HarnessWindow).log.filter(
        (entry) => entry.kind === 'event' && (!type || entry.type === type),
      ).length >= count,
    { count, type },
    { timeout: WAIT_MS },
  )
}

/** Waits until the log holds a state entry with every field of `match`. */
export async function waitForState(page: Page, match: Partial<StateEntry>): Promise<void> {
  await page.waitForFunction(
    (match) =>
      (window as unknown as HarnessWindow).log.some(
        (entry) =>
          entry.kind === 'state' &&
          Object.keys(match).every(
            (key) => (entry as unknown as Record<string, unknown>)[key] === (match as Record<string, unknown>)[key],
          ),
      ),
    match,
    { timeout: WAIT_MS },
  )
}

export const statesOf = (log: LogEntry[]): StateEntry[] =>
  log.filter((entry): entry is StateEntry => entry.kind === 'state')
export const eventsOf = (log: LogEntry[]): EventEntry[] =>
  log.filter((entry): entry is EventEntry => entry.kind === 'event')

/** Throws unless the ids are integers in strictly increasing order (no duplicate, no step back). */
export function expectIncreasing(ids: string[]): void {
  ids.forEach((id, index) => {
    expect(id).toMatch(/^\d+$/)
    if (index > 0) expect(Number(id)).toBeGreaterThan(Number(ids[index - 1]))
  })
}

/**
 * Watches a quiet window: fails if any request to `pathname` reaches the server, or the page log grows, within
 * `windowMs` from now. A bounded window is the only way to show that nothing happens.
 */
export async function expectQuiet(page: Page, server: TestServer, pathname: string, windowMs = 1500): Promise<void> {
  const since = Date.now()
  const logLength = (await readLog(page)).length
  await new Promise((resolve) => setTimeout(resolve, windowMs))
  const late: RequestRecord[] = server.requestsTo(pathname).filter((request) => request.time >= since)
  expect(late).toEqual([])
  expect((await readLog(page)).length).toBe(logLength)
}

/** The id a request resumed from, wherever the transport put it: the header (polyfill) or the query (native). */
export function resumedFrom(request: RequestRecord): { header?: string; query?: string } {
  return { header: request.lastEventId, query: request.query.lastEventId }
}
