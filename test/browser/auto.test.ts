/**
 * `transport: 'auto'` in Chromium: native EventSource for a plain GET; fetch when the request needs headers (or a
 * method and body); the polyfill where `fetch` cannot stream. Each case checks the state's transport, the request
 * the server saw, and that the stream delivers.
 */
import type { Page } from 'playwright-core'
import { useBrowserSuite } from '../helpers/browser-suite'
import { clientState, disconnect, removeFetchStreaming, startClient, waitForEvents } from './harness'
import type { ClientOptions, TransportKind } from '../../src/types'

const suite = useBrowserSuite()

const openPage = (withoutStreaming: boolean): Promise<Page> =>
  suite.openHarness(withoutStreaming ? removeFetchStreaming : undefined)

const isChunk = (path: string) => path.startsWith('/dist/chunks/')

test.each<[string, ClientOptions, boolean, TransportKind]>([
  ['no headers: native', {}, false, 'native'],
  ['headers: fetch', { headers: { 'X-Token': 'a' } }, false, 'fetch'],
  ['POST with a body: fetch', { method: 'POST', body: '{}' }, false, 'fetch'],
  ['headers where fetch cannot stream: the polyfill', { headers: { 'X-Token': 'a' } }, true, 'polyfill'],
])(
  '%s',
  async (_, options, withoutStreaming, kind) => {
    const page = await openPage(withoutStreaming)
    const { server } = suite
    const from = server.requests.length
    // How Chromium itself sees each request of the stream: an EventSource's, a fetch, or (the polyfill where fetch
    // cannot stream) an XMLHttpRequest.
    const types: string[] = []
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/scenario/counter') types.push(request.resourceType())
    })
    await startClient(page, '/scenario/counter?count=2', options, ['count'])
    await waitForEvents(page, 2, 'count')
    // The counter stream ends after its events, so the client may be reconnecting by now: the transport is what counts.
    expect((await clientState(page)).transport).toBe(kind)
    await disconnect(page)
    const requests = server.requests.slice(from)
    const streams = requests.filter((request) => request.path === '/scenario/counter')
    expect(streams[0].method).toBe(options.method || 'GET')
    expect(types[0]).toBe(kind === 'native' ? 'eventsource' : kind === 'fetch' ? 'fetch' : 'xhr')
    // Native needs no chunk; fetch its own chunk alone (the classification of a refused response is loaded only on
    // a refusal); the polyfill is reached through the fetch chunk, which finds that fetch cannot stream, and brings
    // that classification with it.
    const chunks = requests.filter((request) => isChunk(request.path)).length
    expect(chunks).toBe(kind === 'native' ? 0 : kind === 'fetch' ? 1 : 3)
    // Nothing at all is expected in the console: a match-nothing pattern.
    await suite.closeAndCheck(page, /(?!)/)
  },
  30_000,
)
