/**
 * A bounded replay buffer of encoded frames, keyed by integer event ids.
 *
 * @packageDocumentation
 */

/** One kept event: its id and the exact frame that was sent. @public */
export interface RingEntry {
  /** The event id: an integer written in ASCII digits. */
  id: string
  /** The encoded frame, as `encode()` returned it. */
  frame: string
}

/**
 * How a replay request went.
 *
 * - `ok`: nothing the client asked about was lost; `events` holds every kept event after its id.
 * - `expired`: the id is older than the oldest kept event, so some events after it may be gone (dropped to keep
 *   the buffer bounded, or sent before a restart); `events` holds all kept.
 * - `unknown`: the id is newer than anything this buffer has seen (another process, or made up); `events` is empty.
 *
 * @public
 */
export type ReplayStatus = 'ok' | 'expired' | 'unknown'

/** What `since()` returns. @public */
export interface Replay {
  /** The events to send again, oldest first. */
  events: RingEntry[]
  /** Whether the replay is complete. */
  status: ReplayStatus
}

/** A bounded buffer of the latest events. @public */
export interface Ring {
  /** Adds an event; the oldest one is dropped once `capacity` are kept. Ids must increase. */
  push(entry: RingEntry): void
  /** The events after `id`, and whether that is all the client missed. */
  since(id: string): Replay
  /** The oldest kept id, or `undefined` when nothing is kept. */
  readonly oldestId: string | undefined
  /** The newest id ever pushed, or `undefined` before the first push. */
  readonly newestId: string | undefined
  /** How many events are kept. */
  readonly size: number
  /** How many events can be kept. */
  readonly capacity: number
}

/**
 * Compares two ids made of ASCII digits as integers, without converting them to numbers (so any length works).
 *
 * @param a - An id made of ASCII digits.
 * @param b - Another.
 * @returns A negative number when `a < b`, zero when equal, a positive number when `a > b`.
 * @internal
 */
export function compareIds(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '')
  const y = b.replace(/^0+(?=\d)/, '')
  if (x.length !== y.length) return x.length - y.length
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * Creates a ring buffer that keeps the latest `capacity` events.
 *
 * `since()` is exact at the edges: it remembers the newest id it dropped, so a client whose last id is exactly
 * that one gets `ok` (every later event is still kept). Any other id older than the oldest kept one gets
 * `expired`, whether the events were dropped here or the id comes from an earlier run of the process.
 *
 * @param capacity - How many events to keep; 0 keeps none (every resume is then `ok` with nothing, or `expired`).
 * @returns The buffer.
 * @throws RangeError when `capacity` is not a non-negative integer.
 *
 * @example
 * ```ts
 * const ring = createRing(2)
 * ring.push({id: '1', frame: 'id: 1\ndata: a\n\n'})
 * ring.push({id: '2', frame: 'id: 2\ndata: b\n\n'})
 * ring.since('1') // {status: 'ok', events: [{id: '2', ...}]}
 * ```
 * @public
 */
export function createRing(capacity: number): Ring {
  if (!Number.isSafeInteger(capacity) || capacity < 0) {
    throw new RangeError(`bufferSize must be a non-negative integer, got ${String(capacity)}`)
  }
  const slots: Array<RingEntry | undefined> = new Array<RingEntry | undefined>(capacity)
  let start = 0
  let size = 0
  let newestId: string | undefined
  let droppedId: string | undefined

  const at = (index: number): RingEntry => slots[(start + index) % capacity] as RingEntry

  function push(entry: RingEntry): void {
    if (newestId !== undefined && compareIds(entry.id, newestId) <= 0) {
      throw new RangeError(`ring ids must increase: ${entry.id} after ${newestId}`)
    }
    newestId = entry.id
    if (capacity === 0) {
      droppedId = entry.id
      return
    }
    if (size === capacity) {
      droppedId = at(0).id
      slots[start] = entry
      start = (start + 1) % capacity
    } else {
      slots[(start + size) % capacity] = entry
      size += 1
    }
  }

  function since(id: string): Replay {
    if (newestId === undefined || compareIds(id, newestId) > 0) return { events: [], status: 'unknown' }
    // Older than everything kept means events may be missing (dropped here, or sent by an earlier process),
    // except when the id is exactly the newest dropped one: then every later event is still kept.
    const oldest = size === 0 ? newestId : at(0).id
    const expired = compareIds(id, oldest) < 0 && (droppedId === undefined || compareIds(id, droppedId) !== 0)
    const events: RingEntry[] = []
    for (let index = 0; index < size; index += 1) {
      const entry = at(index)
      if (expired || compareIds(entry.id, id) > 0) events.push(entry)
    }
    return { events, status: expired ? 'expired' : 'ok' }
  }

  return {
    push,
    since,
    get oldestId() {
      return size === 0 ? undefined : at(0).id
    },
    get newestId() {
      return newestId
    },
    get size() {
      return size
    },
    capacity,
  }
}
