/**
 * Clients that break the rules, on raw `net` sockets to 127.0.0.1: pipelined requests, sockets that never read,
 * many connections from one address. One case is one line:
 *
 *   const hostile = createHostileKit()
 *   afterEach(() => hostile.destroyAll())
 *   const client = hostile.open(port, { send: pipelined(streamRequest('/stream/date'), 2000), read: false })
 *
 * Every socket the kit opens is destroyed by `destroyAll()`, and every wait is bounded.
 */
import net from 'node:net'
import { waitFor } from './wait-for'

/** The text of one HTTP/1.1 GET request. */
export function rawRequest(path: string, headers: Record<string, string> = {}): string {
  const lines = Object.entries({ Host: '127.0.0.1', ...headers }).map(([name, value]) => `${name}: ${value}\r\n`)
  return `GET ${path} HTTP/1.1\r\n${lines.join('')}\r\n`
}

/** A request for an event stream; `lastEventId` asks for the replay. */
export function streamRequest(path: string, lastEventId?: string): string {
  return rawRequest(path, {
    Accept: 'text/event-stream',
    ...(lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId }),
  })
}

/** `request` written `count` times back to back, as one pipelined burst. */
export function pipelined(request: string, count: number): string {
  return request.repeat(count)
}

export interface HostileOptions {
  /** The bytes written at once after connecting. */
  send: string
  /** false: never read, like a stalled or hostile reader (the kernel buffers fill, then the server's). */
  read?: boolean
  /** The source address, e.g. '127.0.0.2' to count as another client address (Linux routes all of 127/8 to lo). */
  localAddress?: string
}

export interface HostileClient {
  readonly socket: net.Socket
  /** Everything received so far, as latin1 (only while reading). */
  readonly received: string
  /** The status code of the first response, once its status line arrived. */
  readonly status: number | undefined
  /** Whether the connection is gone (closed by either side, or reset). */
  readonly isClosed: boolean
  /** Waits until the status line arrived; fails after `timeoutMs`. */
  waitForStatus(timeoutMs?: number): Promise<number>
  /** Starts reading (a client that stalled reads again), so a close by the server is seen. */
  resume(): void
  /** Waits until the connection is gone; fails after `timeoutMs`. */
  waitForClose(timeoutMs?: number): Promise<void>
}

export interface HostileKit {
  /** Connects to `port` on 127.0.0.1 and writes `options.send`. */
  open(port: number, options: HostileOptions): HostileClient
  /** The clients opened so far. */
  readonly clients: readonly HostileClient[]
  /** Destroys every socket the kit opened. */
  destroyAll(): void
}

export function createHostileKit(): HostileKit {
  const clients: HostileClient[] = []

  function open(port: number, options: HostileOptions): HostileClient {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: options.localAddress })
    let received = ''
    let isClosed = false
    // Expected: the server resets and destroys connections it refuses; a write to them then fails.
    socket.on('error', () => undefined)
    socket.on('close', () => (isClosed = true))
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
    if (options.read === false) socket.pause()
    socket.write(options.send)
    const status = (): number | undefined => {
      const match = /^HTTP\/1\.1 (\d{3}) /.exec(received)
      return match ? Number(match[1]) : undefined
    }
    const client: HostileClient = {
      socket,
      get received() {
        return received
      },
      get status() {
        return status()
      },
      get isClosed() {
        return isClosed
      },
      waitForStatus: (timeoutMs = 3000) => waitFor(status, timeoutMs, `a status line from port ${port}`),
      resume: () => socket.resume(),
      waitForClose: async (timeoutMs = 3000) => {
        await waitFor(() => isClosed, timeoutMs, `the server to close a connection on port ${port}`)
      },
    }
    clients.push(client)
    return client
  }

  return {
    open,
    clients,
    destroyAll() {
      for (const client of clients.splice(0)) client.socket.destroy()
    },
  }
}
