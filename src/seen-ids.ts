/**
 * A bounded memory of event ids: the last `size` ids added, found by identity. Ids are opaque strings (the spec
 * says nothing of their order), so a replay is recognised by having been seen, never by comparing numbers.
 * @internal
 */
export interface SeenIds {
  has(id: string): boolean
  /** Remembers `id`, forgetting the oldest once `size` ids are held. */
  add(id: string): void
}

/**
 * Creates a {@link SeenIds} holding at most `size` ids: a lookup table plus a ring that says which id to forget.
 * @internal
 */
export function createSeenIds(size: number): SeenIds {
  const table: Record<string, boolean> = Object.create(null)
  const ring: string[] = []
  let at = 0
  return {
    has: (id) => table[id] === true,
    add(id) {
      const oldest = ring[at]
      if (oldest !== undefined) delete table[oldest]
      ring[at] = id
      table[id] = true
      at = (at + 1) % size
    },
  }
}
