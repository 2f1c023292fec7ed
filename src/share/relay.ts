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
 * repeats an event (the client's dedupe window drops what a tab already has, and each tab a new leader's first event
 * when it repeats the tab's last). A tab that comes to lead before it has heard anything takes the id the leaders
 * keep in localStorage. A leader frozen by the browser steps down on `freeze` and queues again on `resume`. A
 * follower that heard nothing for three quarters of `heartbeatTimeoutMs` asks whether the leader is there, and takes
 * the lock (`steal`) when no answer came a quarter later: a leader stuck in a long task does not answer, and steps
 * down as soon as it runs again; one whose timers the browser slows (a hidden tab) answers at once, and keeps the
 * lock.
 */
import type { TransportSource } from '../client'
import { SsekitError } from '../errors'
import type { Channel, TransportFactory, TransportHandlers, TransportRequest } from '../transports/types'
import type { Client, ClientOptions, ConnectionState } from '../types'
import { groupName } from './key'
import type { CreateClient, LockOptions, SharePlatform } from './platform'
import { EVENT, HELLO, STATE, TAG, type Message } from './protocol'

/**
 * Wraps a real transport factory in the sharing transport.
 * @param real - the transport the leader's client will choose (the sharing transport takes its kind)
 * @param create - creates the leader's client
 * @param source - the default transports, from which the leader's client chooses as any client does
 * @param options - the client's options (the leader's client gets them all, but for `share` and `decode`)
 * @param wanted - the `transport` option, part of the default share key
 * @param platform - where Web Locks, BroadcastChannel, localStorage and the page's events are: the global object
 * @internal
 */
export function shareTransport(
  real: TransportFactory,
  create: CreateClient,
  source: TransportSource,
  options: ClientOptions,
  wanted: string,
  platform: SharePlatform,
): TransportFactory {
  const { heartbeatTimeoutMs = 45000 } = options
  const beatMs = heartbeatTimeoutMs / 4
  const factory = (request: TransportRequest, handlers: TransportHandlers) => {
    const name = groupName(options.share, request, wanted)
    const channel = new platform.BroadcastChannel(name)
    // This tab's handlers by type, and every type the group listens to (this tab's and those it heard of).
    const mine: Record<string, Channel> = Object.create(null)
    const types: Record<string, boolean> = Object.create(null)
    // This tab's place among the followers that ask at once whether the leader is there: the lowest steals.
    const rank = Math.random()
    let closed: boolean | undefined
    // The leader's term as this tab knows it; this tab's own while it leads.
    let term = 0
    let groupId = ''
    // The term and id of the last event this tab delivered: a new leader's first event with that id is one this tab
    // has (see `deliver`).
    let deliveredTerm: number | undefined
    let deliveredId: string | undefined
    let shown: string | undefined
    // The lock request now queued or held, the client of a leader, and the release of its lock.
    let request_: object | undefined
    let leader: Client | undefined
    let abort = (): void => undefined
    let release = (): void => undefined
    // Whether a leader was heard since the last beat, and for how many beats none was.
    let heard: boolean | undefined
    let quiet = 0
    // Events relayed since the id was last kept; a tab's first event as a leader is kept at once, so that the id kept
    // is not the empty one of a group that had events.
    let relayed = 15
    // Whether the shared connection ended for good.
    let ended: boolean | undefined

    const post = (message: Message) => channel.postMessage(message)
    const hello = () => post([TAG, HELLO, Object.keys(mine), rank])
    /**
     * Keeps the group's last id where every tab of the origin can read it, for a tab that comes to lead before it
     * has heard anything: as a leader starts, at its first event, then after every 16 (a write costs about what
     * posting the event does: a write per event halved a shared client's rate). So the id kept is at most 15 events
     * behind: a tab that resumes from it has the server replay those, which the dedupe window of every other tab
     * drops. Written after the event is posted, so it is never ahead of what the followers have. An id over
     * 100,000 characters is not kept, so as not to fill the origin's storage (the dedupe window holds none over
     * 65,536 either). Storage that throws (quota, private modes, storage turned off) or is missing is done without:
     * nothing else depends on it.
     */
    const keep = () => {
      try {
        if (groupId.length < 1e5) platform.localStorage.setItem(name, groupId)
      } catch {
        // Then a tab that leads before it has heard anything starts from its own last id.
      }
    }
    /**
     * Hands an event to the client, but for a new leader's first one that repeats this tab's last: the event the
     * group resumed from, replayed (or one without an id just after it, which carries that id), or the old leader's
     * last event, when the new one's lock came before that event's message (a lock grant and a message come by
     * different ways) and it resumed from the id before. The client would take such a repeat for an event without
     * an id (it carries the id of the one before) and deliver it again. Without an id there is nothing to resume from
     * and nothing to tell a repeat by: the new leader's stream is a new one, delivered whole. The origin is left to the
     * client, which takes the stream URL's (a redirect to another origin is not seen).
     */
    const deliver = (type: string, data: string, id: string) => {
      const to = mine[type]
      if (!to) return
      if (!id || id !== deliveredId || term === deliveredTerm) handlers.onMessage(to, data, id)
      deliveredTerm = term
      deliveredId = id
    }

    /** Shows a state of the shared connection in this tab; one that ended it ends this tab's attempt. */
    function show(state: ConnectionState): void {
      if (state.status !== 'closed') return handlers.onOpen({ type: 'share', state })
      ended = true
      if (state.error) handlers.onError(state.error, false)
    }

    function publish(state: ConnectionState): void {
      // Structured clone keeps an SsekitError's own fields, but not its message (not enumerable) nor its class, and
      // cannot clone its cause (an Event, say): left behind.
      const { error } = state
      const wire = { ...state, error: error && { ...error, message: error.message, cause: undefined } }
      post([TAG, STATE, term, groupId, Object.keys(types), wire])
    }

    function listenAs(client: Client, type: string): void {
      // A client that stepped down was disconnected: it delivers nothing more.
      client.on(type, (data, meta) => {
        // Relayed as it comes, a replay of the event the group resumed from too: each tab drops it (`deliver`).
        groupId = meta.lastEventId
        post([TAG, EVENT, term, groupId, type, meta.raw])
        if (++relayed > 15) {
          relayed = 0
          keep()
        }
        deliver(type, meta.raw, groupId)
      })
    }

    function addType(type: string): boolean {
      const added = !types[type]
      types[type] = true
      if (added && leader) listenAs(leader, type)
      return added
    }

    /**
     * Lock granted: lead until the lock is stolen, the page freezes, or the tab leaves. `waited`: the lock was not
     * free when this tab asked, so there was a group, whose last id a tab that heard nothing of it takes from storage.
     */
    function lead(ticket: object, waited?: boolean): Promise<void> | void {
      // A request that is no longer the current one (the tab left or stole since): released at once.
      if (ticket !== request_) return
      try {
        // Nothing kept (null) falls to this tab's own last id below.
        if (waited && !term) groupId = platform.localStorage.getItem(name) as string
      } catch {
        // Storage turned off: this tab's own last id.
      }
      // Above every term heard of, and, for a tab that heard of none, above those of the leaders before it (elected
      // earlier); the fraction tells apart two tabs that take a term at once.
      term = Math.max(term + 1, Date.now()) + Math.random()
      groupId = groupId || request.lastEventId
      // The first leader of a group writes too, so that a later tab never takes an earlier group's id for this one's.
      keep()
      const client = create(source, request.url, { ...options, share: false, decode: undefined, lastEventId: groupId })
      leader = client
      shown = ''
      for (const type in types) listenAs(client, type)
      client.connect()
      // Subscribed once connecting, so that its first call is not the idle state.
      client.subscribe((state) => {
        if (leader !== client) return
        publish(state)
        show({ ...state, role: 'leader' })
      })
      return new Promise((resolve) => (release = resolve))
    }

    function stepDown(): void {
      const client = leader
      leader = undefined
      if (client) client.disconnect()
      // After a failure that ended the connection, the lock is kept a moment, so that the followers hear of it and
      // leave rather than take over and fail again. Else at once: a page about to be frozen runs no timer.
      if (ended) setTimeout(release, 1000)
      else release()
    }

    /** Queues for the lock (or takes it at once where it is free), or takes it from a leader that seems stuck. */
    function join(steal?: boolean): void {
      if (closed || leader) return
      abort()
      const ticket = {}
      request_ = ticket
      const controller = new AbortController()
      abort = () => controller.abort()
      heard = true
      quiet = 0
      // [spec] Web Locks: `ifAvailable` grants a lock only if it is held by none and asked for by none, else the
      // callback gets null (then this tab queues); `signal` cannot go with `steal` or `ifAvailable`; a stolen lock's
      // request rejects (AbortError).
      const ask = (options: LockOptions, waited?: boolean): Promise<unknown> =>
        platform.navigator.locks
          .request(name, options, (lock) => (lock ? lead(ticket, waited) : ask({ signal: controller.signal }, true)))
          .catch(() => {
            // Stolen while leading (an aborted request rejects too, but it is no longer the current one).
            if (leader && ticket === request_) {
              stepDown()
              join()
            }
          })
      ask(steal ? { steal } : { ifAvailable: true }, steal)
      hello()
    }

    function leave(): void {
      request_ = undefined
      abort()
      stepDown()
    }

    channel.onmessage = (event) => {
      const message = event.data as Message
      if (!message || message[0] !== TAG) return
      if (message[1] === HELLO) {
        message[2].forEach(addType)
        if (leader) publish(leader.state)
        // A follower placed before this one asked: it steals if no answer comes, so this one waits for the next round.
        else if (message[3] < rank) heard = true
        return
      }
      // From a leader: an older one (stolen from while it was stuck) is not heard; a leader that hears of a newer
      // one steps down.
      if (message[2] < term) return
      if (leader) {
        stepDown()
        join()
      }
      term = message[2]
      groupId = message[3]
      heard = true
      if (message[1] === EVENT) return deliver(message[4], message[5], groupId)
      message[4].forEach(addType)
      // The answers to other tabs' hellos repeat the state: shown once.
      const wire = message[5]
      const seen = JSON.stringify(wire)
      const { error } = wire
      if (seen !== shown) {
        show({ ...wire, role: 'follower', error: error && new SsekitError(error.message as string, error as never) })
      }
      shown = seen
    }

    // The client's own stall watchdog would count a quiet leader as a dead stream: the leader's client watches the
    // stream, and this timer, four beats per timeout, watches the leader.
    const timer = beatMs
      ? setInterval(() => {
          request.onActivity()
          if (leader) return
          quiet = heard ? 0 : quiet + 1
          heard = false
          if (quiet < 3) return
          // Silence may be a leader whose timers the browser slows (a hidden tab's run once a second, and once a
          // minute after five minutes in Chrome), not a stuck one: ask, and steal a beat later only if no answer
          // came. [spec] HTML: a message is a task, not a timer, so a slowed but live leader answers at once; a
          // frozen or busy one does not.
          if (quiet < 4) return hello()
          join(true)
        }, beatMs)
      : undefined

    // A frozen page runs nothing: it must not hold the lock, nor be next in the queue. [spec] Page Lifecycle: both
    // are fired at the document, and reach a capturing listener of its window on the way.
    const rejoin = () => join()
    platform.addEventListener('freeze', leave, true)
    platform.addEventListener('resume', rejoin, true)

    // Not before the client has the transport and has listened to its types: a callback from inside this factory
    // call would reach a client that cannot yet close it.
    setTimeout(rejoin)

    return {
      listen(channel: Channel) {
        mine[channel.type] = channel
        if (addType(channel.type) && request_ && !leader) hello()
      },
      close() {
        leave()
        closed = true
        clearInterval(timer)
        channel.close()
        platform.removeEventListener('freeze', leave, true)
        platform.removeEventListener('resume', rejoin, true)
      },
    }
  }
  return Object.assign(factory, { kind: real.kind })
}
