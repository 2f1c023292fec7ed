/**
 * One event stream per socket: once a connection carries a stream, no other request is served on it.
 *
 * Why: HTTP/1.1 answers pipelined requests in order, and a stream never ends, so nothing sent behind it could ever
 * be answered. node:http 20 still parses every pipelined request, emits `request` for it and queues its response,
 * buffering whatever that response writes in memory. One socket that wrote 2000 stream requests became 1724
 * channel clients, each holding a 64 KB replay, and 60 such sockets took the demo server to 4 GB.
 *
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'

/** Sockets that serve nothing more: they carry a stream, or were refused with `Connection: close`. */
const claimed = new WeakSet<Socket>()

/**
 * Marks the request's socket as used up: any later request on it destroys the connection.
 *
 * @param req - A request that turned into an event stream, or was refused with `Connection: close`.
 * @internal
 */
export function claimSocket(req: IncomingMessage): void {
  claimed.add(req.socket)
}

/**
 * Destroys the connection when a request arrives on a socket that is already used up.
 *
 * The whole connection goes, the stream in front included: only a client that ignores HTTP sends a request behind a
 * response that never ends (browsers do not pipeline), and keeping the stream would mean reading, parsing and
 * queueing whatever else it sends. The rest of the chunk node:http has read is still parsed, but every request in it
 * ends here, so what one socket costs is bounded by one read.
 *
 * @param req - Any request.
 * @returns Whether the request was refused (and its connection destroyed).
 * @internal
 */
export function refuseOnClaimedSocket(req: IncomingMessage): boolean {
  if (!claimed.has(req.socket)) return false
  req.socket.destroy()
  return true
}
