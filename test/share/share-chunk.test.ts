/** @jest-environment node */
/**
 * The share chunk's entry (src/share/share-chunk.ts) and the protocol's pure parts: the real transport is chosen as
 * the client would choose it, wrapped only where Web Locks and BroadcastChannel exist; the share key; states that
 * survive structured clone with their error rebuilt.
 */
import { createClientWith } from '../../src/client'
import { SsekitError } from '../../src/errors'
import { shareKey } from '../../src/share/key'
import { fromWire, groupName, toWire } from '../../src/share/protocol'
import { share } from '../../src/share/share-chunk'
import type { TransportFactory, TransportRequest } from '../../src/transports/types'
import type { ClientOptions } from '../../src/types'
import { createFakeTransport } from '../helpers/fake-transport'

function load(options: ClientOptions, wanted = 'auto', kind: 'native' | 'fetch' = 'native') {
  const fake = createFakeTransport(kind)
  let factory: TransportFactory | undefined
  const failed = (cause: unknown) => {
    throw cause
  }
  share(createClientWith, fake.source, options, wanted, (loaded) => (factory = loaded), failed)
  return { fake, factory }
}

describe('without Web Locks or BroadcastChannel (Node here has no navigator.locks)', () => {
  test('the real transport is handed over as it is: native for a plain GET', () => {
    const { fake, factory } = load({ share: true })
    expect(factory).toBe(fake.source.native())
    expect(fake.wanted).toEqual([])
  })

  test('the lazy transport where the request needs more than native can send', () => {
    const { fake, factory } = load({ share: true, headers: { A: 'b' } }, 'auto', 'fetch')
    expect(fake.wanted).toEqual(['auto'])
    expect(factory?.kind).toBe('fetch')
  })
})

describe('with them', () => {
  const root = globalThis as { navigator?: unknown }
  beforeEach(() => Object.defineProperty(root, 'navigator', { value: { locks: {} }, configurable: true }))
  afterEach(() => Object.defineProperty(root, 'navigator', { value: undefined, configurable: true }))

  test('the real transport is wrapped, under its own kind', () => {
    const { fake, factory } = load({ share: true })
    expect(factory).not.toBe(fake.source.native())
    expect(factory?.kind).toBe('native')
  })
})

test('the share key: a name given, or what the request is made of', () => {
  const request = { url: 'https://a.example/s', method: 'GET', withCredentials: true, lastEventIdParam: 'since' }
  expect(shareKey('prices', request as TransportRequest, 'auto')).toBe('key prices')
  expect(shareKey(true, request as TransportRequest, 'fetch')).toBe(
    '["https://a.example/s","GET",true,"since","fetch"]',
  )
  expect(groupName('key prices')).toBe('ssekit/1 key prices')
})

test('a state crosses structured clone with its error rebuilt as an SsekitError, without its cause', () => {
  const cause = new (class FakeEvent {
    readonly listener = () => undefined
  })()
  const error = new SsekitError('Connection failed with status 503: GET /s', {
    code: 'http-status',
    status: 503,
    url: '/s',
    retryAfterMs: 2000,
    cause,
  })
  const wire = structuredClone(toWire({ status: 'reconnecting', attempt: 2, delayMs: 2000, error, transport: 'fetch' }))
  const state = fromWire(wire, 'follower')
  expect(state).toMatchObject({
    status: 'reconnecting',
    attempt: 2,
    delayMs: 2000,
    transport: 'fetch',
    role: 'follower',
  })
  expect(state.error).toBeInstanceOf(SsekitError)
  expect(state.error).toMatchObject({ name: 'SsekitError', code: 'http-status', status: 503, retryAfterMs: 2000 })
  expect(state.error?.message).toBe(error.message)
  expect(state.error?.cause).toBeUndefined()
})
