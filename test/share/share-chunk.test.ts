/** @jest-environment node */
/**
 * The share chunk's entry (src/share/share-chunk.ts) and the group's name: the real transport is chosen as the
 * client would choose it, wrapped only where Web Locks and BroadcastChannel exist; the share key.
 */
import { createClientWith } from '../../src/client'
import { groupName } from '../../src/share/key'
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

test("the group's name: the protocol's tag, then a key given, or what the request is made of", () => {
  const request = { url: 'https://a.example/s', method: 'GET', withCredentials: true, lastEventIdParam: 'since' }
  expect(groupName('prices', request as TransportRequest, 'auto')).toBe('ssekit/1 key prices')
  expect(groupName(true, request as TransportRequest, 'fetch')).toBe(
    'ssekit/1 ["https://a.example/s","GET",true,"since","fetch"]',
  )
})
