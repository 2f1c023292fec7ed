/** @jest-environment node */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { addressKey } from '../../src/server/limits'
import { createChannel, createClientLimiter } from '../../src/server'
import { createHostileKit, rawRequest } from '../helpers/hostile-client'
import { waitFor } from '../helpers/wait-for'

const hostile = createHostileKit()
afterEach(() => hostile.destroyAll())

describe('addressKey', () => {
  test.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:0:0:ffff::2', '2001:db8:0:0::/64'],
    ['2001:0db8:00aa:0001:1:2:3:4', '2001:db8:aa:1::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['2001:db8:1:2:3::1.2.3.4', '2001:db8:1:2::/64'],
  ])('%s counts as %s', (address, key) => {
    expect(addressKey(address)).toBe(key)
  })

  test('two hosts of one /64 count as one address, two /64 prefixes as two', () => {
    expect(addressKey('2001:db8:1:2::a')).toBe(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff'))
    expect(addressKey('2001:db8:1:2::a')).not.toBe(addressKey('2001:db8:1:3::a'))
  })
})

describe('createClientLimiter', () => {
  test('refuses bad options at once, naming them', () => {
    expect(() => createClientLimiter({ maxClients: -1 })).toThrow(
      'createClientLimiter: maxClients must be a non-negative integer, got -1',
    )
    expect(() => createClientLimiter({ maxClientsPerAddress: 1.5 })).toThrow(/maxClientsPerAddress/)
    expect(() => createClientLimiter({ retryAfterMs: Number.NaN })).toThrow(/retryAfterMs/)
  })

  test('starts empty', () => {
    const limiter = createClientLimiter()
    expect([limiter.clients, limiter.refusedClients]).toEqual([0, 0])
  })
})

test('addressOf decides whom a stream counts against, and a closed stream gives its slot back', async () => {
  // As behind a proxy that sets X-Client: every connection comes from 127.0.0.1, the header tells them apart.
  const limiter = createClientLimiter({ maxClientsPerAddress: 1, addressOf: (req) => String(req.headers['x-client']) })
  const channel = createChannel({ limiter, heartbeatMs: 0 })
  const server = http.createServer((req, res) => channel.handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const open = (client: string) => hostile.open(port, { send: rawRequest('/', { 'X-Client': client }) })
  try {
    const alice = open('alice')
    expect(await alice.waitForStatus()).toBe(200)
    expect(await open('alice').waitForStatus()).toBe(503)
    expect(await open('bob').waitForStatus()).toBe(200)
    alice.socket.destroy()
    await waitFor(() => limiter.clients === 1, 2000, 'the slot to come back')
    expect(await open('alice').waitForStatus()).toBe(200)
    expect(limiter.refusedClients).toBe(1)
  } finally {
    channel.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})
