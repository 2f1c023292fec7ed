/**
 * Fakes of Web Locks and BroadcastChannel for the unit tests of sharing (src/share/), with just the behaviour the
 * election and the relay rely on: exclusive locks granted in request order, `steal`, `signal`, a lock held until
 * its callback's promise settles; messages structured-cloned and delivered by a timer, in order, to every other
 * channel of the same name. `mute` cuts one channel off, as a tab stuck in a long task would be. `localStorage` is
 * one origin's, shared by every tab of the platform; `breakStorage` makes it throw as storage does when it is full
 * or turned off.
 */
import type { ChannelLike, LocksLike, SharePlatform, StorageLike } from '../../src/share/platform'
import type { Message } from '../../src/share/protocol'

interface Held {
  reject(error: Error): void
}

interface Pending {
  name: string
  grant(): void
  reject(error: Error): void
}

/** Every lock and channel of one "origin". */
export function createSharePlatform() {
  const held = new Map<string, Held>()
  const queue: Pending[] = []
  const channels = new Set<FakeChannel>()
  const muted = new Set<FakeChannel>()
  /** Every message posted, in order, with the channel it came from. */
  const posted: Array<{ from: FakeChannel; message: Message }> = []

  const abortError = (message: string) => Object.assign(new Error(message), { name: 'AbortError' })

  function grantNext(name: string): void {
    if (held.has(name)) return
    const next = queue.find((request) => request.name === name)
    if (!next) return
    queue.splice(queue.indexOf(next), 1)
    next.grant()
  }

  const locks: LocksLike = {
    request(name, options, granted) {
      return new Promise((resolve, reject) => {
        const grant = () => {
          let broken = false
          held.set(name, {
            reject: (error) => {
              broken = true
              reject(error)
            },
          })
          Promise.resolve()
            .then(() => granted({ name }))
            .then(
              (value) => !broken && resolve(value),
              (error) => !broken && reject(error),
            )
            .finally(() => {
              if (broken) return
              held.delete(name)
              grantNext(name)
            })
        }
        if (options.ifAvailable && (held.has(name) || queue.some((request) => request.name === name))) {
          return Promise.resolve()
            .then(() => granted(null))
            .then(resolve, reject)
        }
        if (options.steal) {
          const current = held.get(name)
          held.delete(name)
          if (current) current.reject(abortError('stolen'))
          return grant()
        }
        const pending: Pending = { name, grant, reject }
        queue.push(pending)
        options.signal?.addEventListener('abort', () => {
          const at = queue.indexOf(pending)
          if (at < 0) return
          queue.splice(at, 1)
          reject(abortError('aborted'))
        })
        grantNext(name)
      })
    },
  }

  class FakeChannel implements ChannelLike {
    onmessage: ((event: { data: unknown }) => void) | null = null
    closed = false
    constructor(readonly name: string) {
      channels.add(this)
    }
    postMessage(message: Message): void {
      if (this.closed) throw new Error('InvalidStateError: the channel is closed')
      posted.push({ from: this, message })
      if (muted.has(this)) return
      const data = structuredClone(message)
      for (const other of channels) {
        if (other === this || other.name !== this.name) continue
        setTimeout(() => !other.closed && !muted.has(other) && other.onmessage && other.onmessage({ data }), 0)
      }
    }
    close(): void {
      this.closed = true
      channels.delete(this)
    }
  }

  const stored = new Map<string, string>()
  /** Every write that went through, with how many messages had been posted by then. */
  const writes: Array<{ key: string; value: string; posted: number }> = []
  /** What throws: nothing, writes (a full quota), or every access, the getter included (storage turned off). */
  let broken: 'no' | 'writes' | 'all' = 'no'
  const storage: StorageLike = {
    getItem: (key) => stored.get(key) ?? null,
    setItem(key, value) {
      if (broken !== 'no')
        throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' })
      stored.set(key, value)
      writes.push({ key, value, posted: posted.length })
    },
  }

  return {
    navigator: { locks },
    BroadcastChannel: FakeChannel,
    get localStorage(): StorageLike {
      if (broken === 'all')
        throw Object.assign(new Error('Access is denied for this document.'), { name: 'SecurityError' })
      return storage
    },
    /** The origin's stored items. */
    stored,
    writes,
    /** Makes storage throw on writes, on every access, or not at all. */
    breakStorage: (what: typeof broken) => (broken = what),
    posted,
    /** Whether a lock of this name is held. */
    isHeld: (name: string) => held.has(name),
    /** The open channels. */
    channels,
    /** Cuts a channel off (both ways) or lets it talk again. */
    mute: (channel: ChannelLike, on = true) =>
      on ? muted.add(channel as FakeChannel) : muted.delete(channel as FakeChannel),
    /** Posts a raw message on a channel name, as another script of the origin could. */
    inject(name: string, data: unknown): void {
      for (const other of channels) {
        if (other.name === name) setTimeout(() => other.onmessage && other.onmessage({ data }), 0)
      }
    },
  }
}

/** The page's events, as the sharing transport listens to them on the global object. */
type SharePage = Pick<SharePlatform, 'addEventListener' | 'removeEventListener'>

/**
 * A page whose `freeze` and `resume` the test fires. Listeners must capture, as they must in a browser to hear
 * these events from the window: they are fired at the document.
 */
export function createFakePage(): SharePage & { fire(type: string): void; count(): number } {
  const listeners = new Map<string, Set<() => void>>()
  return {
    addEventListener(type, listener, capture) {
      if (capture !== true) throw new Error('a listener of ' + type + ' on the window must capture')
      if (!listeners.has(type)) listeners.set(type, new Set())
      listeners.get(type)?.add(listener)
    },
    removeEventListener(type, listener, capture) {
      if (capture !== true) throw new Error('a listener of ' + type + ' on the window must capture')
      listeners.get(type)?.delete(listener)
    },
    fire(type) {
      for (const listener of [...(listeners.get(type) ?? [])]) listener()
    },
    count: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0),
  }
}

export type FakeSharePlatform = ReturnType<typeof createSharePlatform>
export type { SharePlatform }
