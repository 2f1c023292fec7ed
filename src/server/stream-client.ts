/**
 * One open stream's output, bounded in bytes, in time behind, and in age.
 *
 * Why three bounds: `maxBufferedBytes` sees only what node holds, and the kernel takes megabytes first (about 3.7 MB
 * on Linux loopback before node held a byte for a client that never read). `maxLagMs` catches a client that falls
 * behind without passing the byte bound. Neither can see a client that never reads at a low rate, because the kernel
 * absorbs hours of events first and node can neither read its queue nor cap its size (`setSendBufferSize` exists for
 * UDP only), so `maxStreamAgeMs` ends every stream in time: a reader resumes with `Last-Event-ID`, a dead one is gone.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'

/** The bounds on one stream, already checked. @internal */
export interface StreamLimits {
  /** Unsent bytes node may hold for the client; more drops it. */
  maxBufferedBytes: number
  /** How long the oldest unsent write may wait; longer drops it. 0: no bound. */
  maxLagMs: number
  /** How long a stream stays open before it is ended (less up to a tenth, at random). 0: no bound. */
  maxStreamAgeMs: number
}

/** An open stream. @internal */
export interface StreamClient {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  /** Writes a frame, then drops the client (through `onSlow`) when it is over `maxBufferedBytes`. */
  send(frame: string): void
  /** Stops the client's timers; call it once the client is gone. */
  stop(): void
}

/** What a stream client reports to its channel. @internal */
export interface StreamClientEvents {
  /** The client passed a bound; the channel drops it. */
  onSlow(client: StreamClient, error: Error): void
  /** The stream reached its age; the channel ends it. */
  onAged(client: StreamClient): void
}

/**
 * Starts the bookkeeping of one stream whose headers are written.
 *
 * @param req - The stream's request.
 * @param res - Its response.
 * @param limits - The bounds.
 * @param events - Where to report.
 * @returns The client.
 * @internal
 */
export function createStreamClient(
  req: IncomingMessage,
  res: ServerResponse,
  limits: StreamLimits,
  events: StreamClientEvents,
): StreamClient {
  const { maxBufferedBytes, maxLagMs, maxStreamAgeMs } = limits
  // When each write not yet handed to the kernel was made, oldest first. Write callbacks run in order, one per
  // write, so the first entry not yet called back is the oldest unsent output.
  const issuedAt: number[] = []
  let flushed = 0
  let lagTimer: ReturnType<typeof setTimeout> | undefined
  let ageTimer: ReturnType<typeof setTimeout> | undefined

  const onFlushed = (): void => {
    flushed += 1
    if (flushed !== issuedAt.length) return
    issuedAt.length = 0
    flushed = 0
  }

  const checkLag = (): void => {
    lagTimer = undefined
    if (flushed === issuedAt.length) return
    const behindMs = performance.now() - issuedAt[flushed]
    if (behindMs < maxLagMs) {
      lagTimer = setTimeout(checkLag, Math.ceil(maxLagMs - behindMs))
      lagTimer.unref()
      return
    }
    const message = `Client too slow: output unsent for ${Math.round(behindMs)} ms, over maxLagMs ${maxLagMs} (GET ${req.url ?? ''})`
    events.onSlow(client, new Error(message))
  }

  const client: StreamClient = {
    req,
    res,
    send(frame) {
      if (res.destroyed || res.writableEnded) return
      issuedAt.push(performance.now())
      res.write(frame, onFlushed)
      // writableLength counts what the response holds (all of it while queued behind another response on the same
      // socket) plus what its socket has not handed to the kernel.
      if (res.writableLength > maxBufferedBytes) {
        const message = `Client too slow: ${res.writableLength} bytes unsent, over maxBufferedBytes ${maxBufferedBytes} (GET ${req.url ?? ''})`
        events.onSlow(client, new Error(message))
        return
      }
      // At most one timer per client per maxLagMs; it only looks at the oldest unsent write when it fires.
      if (maxLagMs > 0 && lagTimer === undefined) {
        lagTimer = setTimeout(checkLag, maxLagMs)
        lagTimer.unref()
      }
    },
    stop() {
      clearTimeout(lagTimer)
      clearTimeout(ageTimer)
      lagTimer = undefined
      ageTimer = undefined
    },
  }

  if (maxStreamAgeMs > 0) {
    // Up to a tenth less at random, so the clients that came together (after a restart) do not all return together.
    ageTimer = setTimeout(
      () => events.onAged(client),
      maxStreamAgeMs - Math.floor((Math.random() * maxStreamAgeMs) / 10),
    )
    ageTimer.unref()
  }
  return client
}

/**
 * Drops a connection at once with a TCP reset, so the kernel frees what it still holds for the client (megabytes
 * for one that stopped reading) instead of trying to deliver it for minutes. Sockets that cannot be reset (TLS,
 * a Unix socket) are destroyed.
 *
 * @param req - The request whose connection to drop.
 * @internal
 */
export function dropConnection(req: IncomingMessage): void {
  const { socket } = req
  try {
    socket.resetAndDestroy()
  } catch {
    socket.destroy()
  }
}
