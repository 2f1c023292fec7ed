/**
 * Cases written from the WHATWG HTML "Server-sent events" section, registered once per transport by
 * spec-native.test.ts, spec-fetch.test.ts and spec-polyfill.test.ts, and run twice: with `retry: 'transport'` (the EventSource reconnects
 * as the spec says) and with the client's own policy. Where the client's policy, or what a transport can see,
 * departs from the spec on purpose, the case asserts what the client does and says why.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
import type { Page } from 'playwright-core'
import type { TestBrowser } from '../helpers/browser'
import { startBrowserAndServer } from '../helpers/browser-and-server'
import { createFaults, rawPath, type RawOptions } from '../helpers/faults'
import type { TestServer } from '../helpers/test-server'
import { waitFor } from '../helpers/wait-for'
import {
  WAIT_MS,
  disconnect,
  eventsOf,
  expectQuiet,
  readLog,
  preparePage,
  resumedFrom,
  startClient,
  statesOf,
  waitForEvents,
  waitForState,
  type HarnessWindow,
} from './harness'
import type { RetryOptions, TransportKind } from '../../src/types'

/** The client's own policy; 40 ms, so that its delay is told apart from the server's `retry: 50`. */
const OWN_POLICY: RetryOptions = { initialDelayMs: 40, maxDelayMs: 160, jitter: 0 }
const EXPECTED_NOISE =
  /^(Failed to load resource: |EventSource's response has |TypeError: (Failed to fetch|network error))/
/** Ends every parsing body, so that a case sees all its body dispatched, and nothing it should not have. */
const END = 'event: end\ndata: .\n\n'
const TYPES = ['message', 'add', 'remove', 'x', 'end']
const BOM = Buffer.from([0xef, 0xbb, 0xbf])
const MIXED_ENDINGS = 'data: one\r\rdata: two\n\ndata: three\r\n\r\nevent: x\rdata: a\r\ndata: b\n\r\n'

type Row = [type: string, data: string, lastEventId: string]
/** An expected event: its data, then its type and last event id where they are not `message` and ''. */
const ev = (data: string, type = 'message', id = ''): Row => [type, data, id]
const MIXED = [ev('one'), ev('two'), ev('three'), ev('a\nb', 'x')]
const NOT_UTF8 = Buffer.from([...Buffer.from('data: a'), 0xff, 0xfe, ...Buffer.from('b\n\n')])

const PARSING: Array<[name: string, body: string | Buffer, expected: Row[], options?: RawOptions]> = [
  // [spec] "Append the field value to the data buffer, then append a single U+000A LINE FEED (LF) character to the data buffer."
  ['data lines are joined with LF', 'data: a\ndata: b\ndata:\ndata: c\n\n', [ev('a\nb\n\nc')]],
  // [spec] "If value starts with a U+0020 SPACE character, remove it from value."
  [
    'one leading space is stripped, no more',
    'data:none\n\ndata: one\n\ndata:  two\n\n',
    [ev('none'), ev('one'), ev(' two')],
  ],
  // [spec] "Process the field using the steps described below, using the whole line as the field name, and the empty string as the field value."
  ['a line with no colon is a field with an empty value', 'data\n\ndata\ndata\n\n', [ev(''), ev('\n')]],
  // [spec] "If the line starts with a U+003A COLON character (:)" then "Ignore the line."
  ['comments are ignored', ': hi\ndata: a\n:\ndata: b\n\n: only a comment\n\n', [ev('a\nb')]],
  // [spec] "Otherwise" (any other field name) "The field is ignored."
  ['unknown fields are ignored; names are case-sensitive', 'foo: bar\nData: x\ndata: a\nDATA: y\n\n', [ev('a')]],
  // [spec] "If the event type buffer has a value other than the empty string, change the type of the newly created event to equal the value of the event type buffer."
  [
    'event names the type of one event',
    'event: add\ndata: 1\n\nevent: remove\ndata: 2\n\ndata: 3\n\n',
    [ev('1', 'add'), ev('2', 'remove'), ev('3')],
  ],
  // [spec] "If the data buffer is an empty string, set the data buffer and the event type buffer to the empty string and return."
  ['a block without data dispatches nothing and forgets its type', 'event: add\n\ndata: x\n\n', [ev('x')]],
  // [spec] "If the data buffer's last character is a U+000A LINE FEED (LF) character, then remove the last character from the data buffer."
  ['an empty data field dispatches an empty string', 'data:\n\ndata: \n\n', [ev(''), ev('')]],
  // [spec] "a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF) character not preceded by a U+000D CARRIAGE RETURN (CR) character, and a single U+000D CARRIAGE RETURN (CR) character not followed by a U+000A LINE FEED (LF) character being the ways in which a line can end."
  ['CR, LF and CRLF end lines', MIXED_ENDINGS, MIXED],
  // [spec] (the same sentence) A CRLF pair split between two reads is still one line ending.
  ['CR, LF and CRLF end lines, one byte at a time', MIXED_ENDINGS, MIXED, { dripMs: 1 }],
  // [spec] "The UTF-8 decode algorithm strips one leading UTF-8 Byte Order Mark (BOM), if any."
  [
    'one leading BOM is stripped; a second is part of a field name',
    Buffer.concat([BOM, Buffer.from('data: a\n\n\uFEFFdata: b\n\n')]),
    [ev('a')],
  ],
  // [spec] "Streams must be decoded using the UTF-8 decode algorithm."
  ['bytes that are not UTF-8 become U+FFFD', NOT_UTF8, [ev('a\uFFFD\uFFFDb')]],
  // [spec] "The buffer does not get reset, so the last event ID string of the event source remains set to this value until the next time it is set by the server."
  [
    'the last event id persists across events',
    'id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n',
    [ev('a', 'message', '1'), ev('b', 'message', '1'), ev('c', 'message', '2')],
  ],
  // [spec] "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the field value. Otherwise, ignore the field."
  [
    'an id containing NUL is ignored',
    'id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n',
    [ev('a', 'message', '1'), ev('b', 'message', '1')],
  ],
  // [spec] (the same sentence) An empty value sets the buffer to the empty string.
  ['an empty id resets the last event id', 'id: 1\ndata: a\n\nid\ndata: b\n\n', [ev('a', 'message', '1'), ev('b')]],
]

export function registerSpecSuite(kind: TransportKind): void {
  // Every wait inside a case is bounded by WAIT_MS (10 s); a case passes in about a second.
  jest.setTimeout(15_000)
  const isNative = kind === 'native'
  const isFetch = kind === 'fetch'
  let browser: TestBrowser
  let server: TestServer
  let page: Page
  let keys = 0

  beforeAll(async () => {
    ;[browser, server] = await startBrowserAndServer({ routes: createFaults().routes })
  }, 20_000)
  afterAll(async () => {
    await browser?.close()
    await server?.dispose()
  })
  const nextKey = () => `${kind}-${++keys}`
  const requestsOf = (key: string) => server.requests.filter((request) => request.query.key === key)
  const waitForRequests = (key: string, count: number) =>
    waitFor(() => requestsOf(key).length >= count && requestsOf(key), WAIT_MS, `${count} requests`)
  const statesNow = async () =>
    statesOf(await readLog(page)).map((state) => state.status + (state.code ? ':' + state.code : ''))

  describe.each([
    ["retry: 'transport'", 'transport' as const],
    ['the client policy', OWN_POLICY],
  ])('with %s', (_, retry) => {
    const isTransport = retry === 'transport'
    let seen = { consoleErrors: 0, pageErrors: 0 }
    const start = (path: string, types = ['message']) => startClient(page, path, { retry }, types)

    // One page per mode: loading it (and the polyfill chunk) is most of a case's time. Each case starts a new client.
    beforeAll(async () => {
      page = await browser.newPage()
      await preparePage(page, kind)
      await page.goto(server.url + '/pages/harness.html')
      await page.waitForFunction(() => 'ssekit' in window && 'harness' in window, undefined, { timeout: WAIT_MS })
    }, 20_000)
    afterAll(() => page?.context().close())
    beforeEach(async () => {
      await page.evaluate(() => {
        const w = window as unknown as Partial<HarnessWindow>
        if (w.client) w.client.disconnect()
        w.log = []
      })
    })
    // Refused and failed requests make the browser (and the polyfill) log errors; anything else is a surprise.
    afterEach(() => {
      const { consoleErrors, pageErrors } = browser.problems(page)
      const fresh = consoleErrors.slice(seen.consoleErrors).filter((message) => !EXPECTED_NOISE.test(message))
      expect([...pageErrors.slice(seen.pageErrors), ...fresh]).toEqual([])
      seen = { consoleErrors: consoleErrors.length, pageErrors: pageErrors.length }
    })

    const parsing = PARSING.map(([name, body, expected, options]) => ({ name, body, expected, options }))
    test.each(parsing)('parsing: $name', async ({ body, expected, options }) => {
      await start(rawPath(Buffer.concat([Buffer.from(body), Buffer.from(END)]), options), TYPES)
      await waitForEvents(page, 1, 'end')
      await disconnect(page)
      const events = eventsOf(await readLog(page)).filter((event) => event.type !== 'end')
      expect(events.map((event) => [event.type, event.data, event.id])).toEqual(expected)
    })

    // [spec] "Once the end of the file is reached, any pending data must be discarded. (If the file ends in the middle of an event, before the final empty line, the incomplete event is not dispatched.)"
    test('data with no blank line before the end of the stream is not dispatched', async () => {
      await start(rawPath('retry: 20\ndata: a\n\ndata: b', { end: true, key: nextKey() }))
      // The second `a` comes over a second connection, after the first stream has ended.
      await waitForEvents(page, 2)
      await disconnect(page)
      expect(new Set(eventsOf(await readLog(page)).map((event) => event.data))).toEqual(new Set(['a']))
    })

    // [spec] "If the event source's last event ID string is not the empty string, set (`Last-Event-ID`, last event ID string, encoded as UTF-8) in request's header list."
    test('a reconnect carries the last event id', async () => {
      const key = nextKey()
      await start(rawPath('retry: 20\nid: 7\ndata: a\n\n', { end: true, key }))
      const [, second] = await waitForRequests(key, 2)
      await disconnect(page)
      // Differs on purpose: a new native EventSource cannot send the header, so the client's own reconnect puts the
      // id in the query; the polyfill, reconnecting by itself, sends both; fetch sends the header only.
      const header = isNative && !isTransport ? undefined : '7'
      const query = !isFetch && isNative !== isTransport ? '7' : undefined
      expect(resumedFrom(second)).toEqual({ header, query })
    })

    // [spec] "If the field name is "id": if the field value does not contain U+0000 NULL, then set the last event ID buffer to the field value." An empty value empties it, and a reconnect then sends no id.
    test('an empty id field resets the id: the reconnect carries none', async () => {
      const key = nextKey()
      await start(rawPath('retry: 20\nid: 7\ndata: a\n\nid\ndata: b\n\n', { end: true, key }))
      const [, second] = await waitForRequests(key, 2)
      await disconnect(page)
      expect(resumedFrom(second)).toEqual({ header: undefined, query: undefined })
    })

    // [spec] "Set the last event ID string of the event source to the value of the last event ID buffer." (the first step of dispatch, before the check for empty data)
    test('a block with only an id sets the id of the next reconnect', async () => {
      const key = nextKey()
      await start(rawPath('retry: 20\ndata: a\n\nid: 5\n\n', { end: true, key }))
      const [, second] = await waitForRequests(key, 2)
      await disconnect(page)
      // Differs: only native EventSource and fetch reconnecting by themselves see an id without data; the client
      // learns ids from events, and the polyfill updates its id only when it dispatches an event.
      const header = !isNative && !isFetch ? undefined : isTransport ? '5' : undefined
      expect(resumedFrom(second)).toEqual({ header, query: undefined })
    })

    // [spec] "If the field value consists of only ASCII digits, then interpret the field value as an integer in base ten, and set the event stream's reconnection time to that integer. Otherwise, ignore the field."
    test('retry: only ASCII digits set the reconnection time', async () => {
      const key = nextKey()
      await start(rawPath('retry: 2500\nretry: 50\nretry: 1500x\nretry: abc\ndata: a\n\n', { end: true, key }))
      const [first, second] = await waitForRequests(key, 2)
      await disconnect(page)
      const gap = second.time - first.time
      const reconnecting = statesOf(await readLog(page)).find((state) => state.status === 'reconnecting')
      // Differs on purpose: the client's policy decides the delay (40 ms here); the server's `retry:` is not used.
      if (!isTransport) expect(reconnecting).toMatchObject({ delayMs: 40 })
      // Differs: event-source-polyfill reads the leading digits of `1500x`, and waits at least 1000 ms.
      if (isTransport && kind === 'polyfill') expect(gap).toBeGreaterThanOrEqual(1400)
      else expect(gap).toBeLessThan(1000)
    })

    // [spec] "HTTP 200 OK responses with a `Content-Type` header specifying the type `text/event-stream`, ignoring any MIME type parameters, must be processed line by line as described below."
    test.each(['text/event-stream; charset=utf-8', 'Text/Event-Stream', 'text/event-stream;charset=UTF-8;x=y'])(
      'content type %s is accepted',
      async (type) => {
        await start(rawPath('data: a\n\n', { type }))
        await waitForEvents(page, 1)
        await disconnect(page)
        expect(await statesNow()).toEqual(['idle', 'connecting', 'open', 'closed'])
      },
    )

    // [spec] "Clients will reconnect if the connection is closed; a client can be told to stop reconnecting using the HTTP 204 No Content response code."
    // [spec] "Any other HTTP response code not listed here, as well as the cancelation of the fetch algorithm by the user agent (e.g. in response to window.stop() or the user canceling the network connection manually) must cause the user agent to fail the connection."
    // [spec] "HTTP 200 OK responses that have a Content-Type specifying an unsupported type, or that have no Content-Type at all, must cause the user agent to fail the connection."
    test.each([
      ['204', '/fault/status?code=204', 'no-content', false],
      ['500', '/fault/status?code=500', 'http-status', true],
      // Ended: Chromium holds back a short text/plain body that stays open, to sniff it, and reports nothing meanwhile.
      ['text/plain', rawPath('data: a\n\n', { type: 'text/plain', end: true }), 'content-type', false],
    ])('a %s answer fails the connection', async (_, path, code, isRetryable) => {
      const key = nextKey()
      await start(`${path}&key=${key}`)
      // Differs on purpose: the client's policy retries a 5xx with backoff. Native hides the status, so under the
      // client's policy the native transport asks the server once more (one extra request) to learn it; under
      // `retry: 'transport'` it sends nothing the spec would not, and the failure stays `failed`.
      const retried = !isTransport && isRetryable
      await waitForState(page, { status: retried ? 'reconnecting' : 'closed' })
      if (!retried) await expectQuiet(page, server, path.split('?')[0], 500)
      await disconnect(page)
      const failure = `${retried ? 'reconnecting' : 'closed'}:${isNative && isTransport ? 'failed' : code}`
      expect((await statesNow()).slice(0, 3)).toEqual(['idle', 'connecting', failure])
      expect(eventsOf(await readLog(page))).toEqual([])
      if (!retried) expect(requestsOf(key)).toHaveLength(isNative && !isTransport ? 2 : 1)
    })
  })
}
