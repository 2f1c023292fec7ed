/**
 * The sharing transport: each instance is one tab's membership of a share group, from the client's attempt to its
 * `disconnect()` (or the page's going to the back/forward cache, or offline). It queues for the group's Web Lock;
 * the tab that holds it (the leader) runs the real connection, as a client of its own with the same options, and
 * posts every event and every change of state on the group's BroadcastChannel; the others (followers) deliver what
 * they hear. The client over it shows the shared state as it is given (the `share` event), with `role`.
 *
 * Handover: [spec] Web Locks: a lock is released when its holder's document goes away (closed, navigated, crashed,
 * discarded), and the next request in the queue is granted. The new leader connects from the group's last event id,
 * which every member learns from each message, so the server replays what fell in between and no tab misses or
 * repeats an event (the client's dedupe window drops what a tab already has). A leader frozen by the browser steps
 * down on `freeze` and queues again on `resume`; one that is stuck without being frozen (a long task) is stolen from
 * (`steal`) by a follower that heard nothing for `heartbeatTimeoutMs`, and steps down as soon as it runs again.
 */
import type { TransportSource } from '../client'
import type { Channel, TransportFactory, TransportHandlers, TransportRequest } from '../transports/types'
import type { Client, ClientOptions, ConnectionState } from '../types'
import { shareKey } from './key'
import { fromWire, groupName, PROTOCOL, toWire, type Message, type Unsent } from './protocol'

/** The parts of `navigator.locks` the election uses. @internal */
export interface LocksLike {
  request(
    name: string,
    options: { signal?: AbortSignal; steal?: boolean },
    granted: (lock: unknown) => Promise<void> | void,
  ): Promise<unknown>
}

/** The parts of BroadcastChannel the relay uses. @internal */
export interface ChannelLike {
  postMessage(message: Message): void
  onmessage: ((event: { data: unknown }) => void) | null
  close(): void
}

/** What the sharing transport needs of the platform; the browser's, or fakes in tests. @internal */
export interface SharePlatform {
  locks: LocksLike
  Channel: new (name: string) => ChannelLike
  /** Where `freeze` and `resume` fire (the document), if anywhere. */
  page?: SharePage
}

/** The page's lifecycle events, as the sharing transport listens to them. @internal */
export interface SharePage {
  addEventListener(type: string, listener: () => void): void
  removeEventListener(type: string, listener: () => void): void
}

/** Creates the leader's own client (`createClientWith`). @internal */
export type CreateClient = (source: TransportSource, url: string, options: ClientOptions) => Client

/**
 * Wraps a real transport factory in the sharing transport.
 * @param real - the transport the leader connects with
 * @param create - creates the leader's client over `real`
 * @param options - the client's options (the leader's client gets them all, but for `share` and `decode`)
 * @param wanted - the `transport` option, part of the default share key
 * @param platform - Web Locks, BroadcastChannel and the page
 * @internal
 */
export function shareTransport(
  real: TransportFactory,
  create: CreateClient,
  options: ClientOptions,
  wanted: string,
  platform: SharePlatform,
): TransportFactory {
  const { heartbeatTimeoutMs = 45000 } = options
  const beatMs = heartbeatTimeoutMs / 4
  const source: TransportSource = { native: () => real, lazy: (_wanted, done) => done(real) }
  const factory = (request: TransportRequest, handlers: TransportHandlers) => {
    const { locks, page } = platform
    const name = groupName(shareKey(options.share, request, wanted))
    const channel = new platform.Channel(name)
    // This tab's handlers by type, and every type the group listens to (this tab's and those it heard of).
    const mine: Record<string, Channel> = Object.create(null)
    const types: Record<string, boolean> = Object.create(null)
    let closed = false
    // The leader's term as this tab knows it; this tab's own while it leads.
    let term = 0
    let groupId = ''
    let shown = ''
    // The lock request now queued or held, the client of a leader, and the release of its lock.
    let request_: object | undefined
    let leader: Client | undefined
    let release = (): void => undefined
    let abort = (): void => undefined
    let heard = true
    let quiet = 0

    const post = (message: Unsent) => channel.postMessage({ ssekit: PROTOCOL, ...message } as Message)
    const deliver = (type: string, data: string, id: string, origin: string) => {
      const to = mine[type]
      if (to) handlers.onMessage(to, data, id, origin)
    }

    /** Shows a state of the shared connection in this tab; one that ended it ends this tab's attempt. */
    function show(state: ConnectionState): void {
      const seen = JSON.stringify(toWire(state)) + state.role
      if (seen === shown || state.status === 'idle') return
      shown = seen
      if (state.status !== 'closed') return handlers.onOpen({ type: 'share', state })
      if (state.error) handlers.onError(state.error, false)
    }

    function publish(state: ConnectionState): void {
      post({ kind: 'state', term, id: groupId, types: Object.keys(types), state: toWire(state) })
    }

    function listenAs(client: Client, type: string): void {
      client.on(type, (data, meta) => {
        if (leader !== client) return
        groupId = meta.lastEventId
        post({ kind: 'event', term, type, data: meta.raw, id: groupId, origin: meta.origin })
        deliver(type, meta.raw, groupId, meta.origin)
      })
    }

    function addType(type: string): boolean {
      const added = !types[type]
      types[type] = true
      if (added && leader) listenAs(leader, type)
      return added
    }

    /** Lock granted: lead until the lock is stolen, the page freezes, or the tab leaves. */
    function lead(ticket: object): Promise<void> | void {
      if (closed || ticket !== request_) return
      term = Math.floor(term) + 1 + Math.random()
      const client = create(source, request.url, {
        ...options,
        share: false,
        decode: undefined,
        lastEventId: groupId || request.lastEventId,
      })
      leader = client
      groupId = client.lastEventId
      for (const type in types) listenAs(client, type)
      client.subscribe((state) => {
        if (leader !== client || state.status === 'idle') return
        publish(state)
        show({ ...state, role: 'leader' })
      })
      client.connect()
      return new Promise((resolve) => (release = resolve))
    }

    function stepDown(): void {
      const client = leader
      leader = undefined
      if (client) client.disconnect()
      release()
    }

    /** Queues for the lock, or takes it from a leader that seems stuck (`steal`). */
    function join(steal?: boolean): void {
      if (closed || leader) return
      abort()
      const ticket = {}
      request_ = ticket
      const controller = steal ? undefined : new AbortController()
      abort = () => controller && controller.abort()
      heard = true
      quiet = 0
      // [spec] Web Locks: a request with `signal` cannot also `steal`; a stolen lock's request rejects (AbortError).
      locks
        .request(name, controller ? { signal: controller.signal } : { steal: true }, () => lead(ticket))
        .catch(() => {
          // Stolen while leading (an aborted request rejects too, but it is no longer the current one).
          if (leader && ticket === request_) {
            stepDown()
            join()
          }
        })
      post({ kind: 'hello', types: Object.keys(mine) })
    }

    function leave(): void {
      request_ = undefined
      abort()
      stepDown()
    }

    /** Whether a message comes from the current leader; a leader that hears of a newer one steps down. */
    function fromLeader(message: { term: number }): boolean {
      if (message.term < term || (leader && message.term === term)) return false
      if (leader) {
        stepDown()
        join()
      }
      term = message.term
      heard = true
      return true
    }

    channel.onmessage = ({ data }) => {
      const message = data as Message
      if (closed || !message || message.ssekit !== PROTOCOL) return
      if (message.kind === 'hello') {
        message.types.forEach(addType)
        if (leader) publish(leader.state)
      } else if (message.kind === 'state') {
        if (!fromLeader(message)) return
        groupId = message.id
        message.types.forEach(addType)
        show(fromWire(message.state, 'follower'))
      } else if (message.kind === 'event' && fromLeader(message)) {
        groupId = message.id
        deliver(message.type, message.data, message.id, message.origin)
      }
    }

    // The client's own stall watchdog would count a quiet leader as a dead stream: the leader's client watches the
    // stream, and this timer watches the leader. The leader's heartbeat is its state, four times per timeout.
    const timer = beatMs
      ? setInterval(() => {
          request.onActivity()
          if (leader) return publish(leader.state)
          quiet = heard ? 0 : quiet + 1
          heard = false
          if (quiet >= 4) join(true)
        }, beatMs)
      : undefined

    // A frozen page runs nothing: it must not hold the lock, nor be next in the queue.
    const rejoin = () => join()
    if (page) {
      page.addEventListener('freeze', leave)
      page.addEventListener('resume', rejoin)
    }

    // Not before the client has the transport and has listened to its types: a callback from inside this factory
    // call would reach a client that cannot yet close it.
    Promise.resolve().then(rejoin)

    return {
      listen(channel: Channel) {
        mine[channel.type] = channel
        if (addType(channel.type) && request_ && !leader) post({ kind: 'hello', types: [channel.type] })
      },
      close() {
        leave()
        closed = true
        clearInterval(timer)
        channel.close()
        if (page) {
          page.removeEventListener('freeze', leave)
          page.removeEventListener('resume', rejoin)
        }
      },
    }
  }
  return Object.defineProperty(factory, 'kind', { value: real.kind }) as TransportFactory
}
