/**
 * A cap on open event streams, in all and per client address, that several channels can share.
 *
 * Why: every stream holds a socket, its kernel buffers, a replay and whatever it has not sent yet. Without a cap,
 * memory grows with whatever clients open; with one, it is at most about
 * `maxClients × (maxBufferedBytes + the kernel's send buffer)`.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { nonNegativeInteger } from './check'
import { reject } from './request'
import { claimSocket } from './socket'

/**
 * Options for `createClientLimiter()`. A limit of 0 turns that limit off.
 *
 * @example
 * ```ts
 * const options: ClientLimitOptions = {maxClients: 5000, maxClientsPerAddress: 100, retryAfterMs: 30_000}
 * const limiter = createClientLimiter(options)
 * ```
 * @public
 */
export interface ClientLimitOptions {
  /** The most streams open at once, over every channel that shares the limiter; 0 for no limit. @defaultValue 1000 */
  maxClients?: number
  /**
   * The most streams open at once from one address; 0 for no limit. An IPv6 address counts by its /64 prefix, since
   * one host commonly holds a whole /64. @defaultValue 50
   */
  maxClientsPerAddress?: number
  /** What a refused client is told to wait, as `Retry-After` (whole seconds, rounded up). @defaultValue 10000 */
  retryAfterMs?: number
  /**
   * The address a request counts against. Left out, the TCP peer's: behind a reverse proxy that is the proxy, so
   * read the client's address from a header only your proxy sets, or turn `maxClientsPerAddress` off.
   * @defaultValue `req.socket.remoteAddress`
   */
  addressOf?: (req: IncomingMessage) => string | undefined
}

/**
 * A shared count of open streams; see `createClientLimiter()`.
 *
 * @example
 * ```ts
 * const limiter: ClientLimiter = createClientLimiter({maxClients: 100})
 * const news = createChannel({limiter})
 * const prices = createChannel({limiter})
 * console.log(limiter.clients, limiter.refusedClients)
 * ```
 * @public
 */
export interface ClientLimiter {
  /**
   * Takes a slot for a new stream, or refuses it: then the limiter has answered `503 Service Unavailable` with
   * `Retry-After`, `Connection: close` and a plain-text reason, and returns `undefined`.
   * @param req - The stream's request.
   * @param res - Its response, not yet written.
   * @returns A function that gives the slot back (calling it again does nothing), or `undefined` when refused.
   */
  admit(req: IncomingMessage, res: ServerResponse): (() => void) | undefined
  /** How many slots are taken. */
  readonly clients: number
  /** How many streams were refused so far. */
  readonly refusedClients: number
}

/**
 * The key an address counts under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64 prefix.
 *
 * @param address - An address as node:net reports it, e.g. `::ffff:127.0.0.1` or `2001:db8::1`.
 * @returns The key, e.g. `127.0.0.1` or `2001:db8:0:0::/64`.
 * @internal
 */
export function addressKey(address: string): string {
  const plain = address.replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain)
  if (mapped) return mapped[1]
  if (!plain.includes(':')) return plain
  const [head, tail] = plain.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  // A dotted IPv4 tail fills two groups; it only sits in the last 64 bits, which the key leaves out anyway.
  const width = (groups: string[]): number => groups.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0)
  const zeros = tail === undefined ? [] : new Array<string>(Math.max(0, 8 - width(left) - width(right))).fill('0')
  const groups = [...left, ...zeros, ...right].slice(0, 4).map((group) => parseInt(group, 16).toString(16))
  return `${groups.join(':')}::/64`
}

/**
 * Creates a limiter of open streams. Give one to several channels (`createChannel({limiter})`) to cap them together;
 * `createServer()` shares one between its two clocks.
 *
 * @param options - See {@link ClientLimitOptions}.
 * @returns The limiter.
 * @throws RangeError when a limit or `retryAfterMs` is not a non-negative integer.
 *
 * @example
 * ```ts
 * const limiter = createClientLimiter({maxClients: 2000, maxClientsPerAddress: 20})
 * http.createServer((req, res) => {
 *   const release = limiter.admit(req, res) // answers 503 itself when full
 *   if (release === undefined) return
 *   res.on('close', release)
 *   res.writeHead(200, {'Content-Type': 'text/event-stream'})
 * })
 * ```
 * @public
 */
export function createClientLimiter(options: ClientLimitOptions = {}): ClientLimiter {
  const maxClients = nonNegativeInteger('createClientLimiter', 'maxClients', options.maxClients ?? 1000)
  const maxPerAddress = nonNegativeInteger(
    'createClientLimiter',
    'maxClientsPerAddress',
    options.maxClientsPerAddress ?? 50,
  )
  const retryAfterMs = nonNegativeInteger('createClientLimiter', 'retryAfterMs', options.retryAfterMs ?? 10_000)
  const addressOf = options.addressOf ?? ((req: IncomingMessage) => req.socket.remoteAddress)
  const perAddress = new Map<string, number>()
  let clients = 0
  let refusedClients = 0

  function refuse(req: IncomingMessage, res: ServerResponse, reason: string): undefined {
    refusedClients += 1
    const seconds = Math.ceil(retryAfterMs / 1000)
    res.setHeader('Retry-After', String(seconds))
    // Closing makes the refusal cheap to repeat: whatever the client pipelined behind it is not parsed into more.
    res.setHeader('Connection', 'close')
    claimSocket(req)
    reject(res, 503, `Too many streams: ${reason}; retry in ${seconds} s`)
    return undefined
  }

  function admit(req: IncomingMessage, res: ServerResponse): (() => void) | undefined {
    const raw = addressOf(req)
    const address = raw === undefined || raw === '' ? undefined : addressKey(raw)
    const fromAddress = address === undefined ? 0 : (perAddress.get(address) ?? 0)
    if (maxClients > 0 && clients >= maxClients) {
      return refuse(req, res, `${clients} open, the most this server takes (maxClients ${maxClients})`)
    }
    if (maxPerAddress > 0 && address !== undefined && fromAddress >= maxPerAddress) {
      const limit = `maxClientsPerAddress ${maxPerAddress}`
      return refuse(req, res, `${fromAddress} open from ${address}, the most one address may have (${limit})`)
    }
    clients += 1
    if (address !== undefined) perAddress.set(address, fromAddress + 1)
    let isReleased = false
    return () => {
      if (isReleased) return
      isReleased = true
      clients -= 1
      if (address === undefined) return
      const left = (perAddress.get(address) ?? 1) - 1
      if (left === 0) perAddress.delete(address)
      else perAddress.set(address, left)
    }
  }

  return {
    admit,
    get clients() {
      return clients
    },
    get refusedClients() {
      return refusedClients
    },
  }
}
