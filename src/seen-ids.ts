/**
 * A bounded memory of event ids: the last ids added, at most `size` of them and `maxChars` characters in all,
 * found by identity. Ids are opaque strings (the spec says nothing of their order), so a replay is recognised by
 * having been seen, never by comparing numbers. An id longer than `maxChars` is not remembered at all.
 * @internal
 */
export interface SeenIds {
  has(id: string): boolean
  /** Remembers `id`, forgetting the oldest once `size` ids are held. */
  add(id: string): void
}

/**
 * Creates a {@link SeenIds}: a lookup table plus a ring, oldest first, that says which id to forget.
 * @internal
 */
export function createSeenIds(size: number, maxChars: number): SeenIds {
  const table: Record<string, boolean> = Object.create(null)
  const ring: string[] = []
  // The oldest id is ring[head]; `count` ids of `chars` characters in all are held.
  let head = 0
  let count = 0
  let chars = 0
  return {
    has: (id) => table[id] === true,
    add(id) {
      if (id.length > maxChars) return
      while (count && (count === size || chars + id.length > maxChars)) {
        const oldest = ring[head]
        delete table[oldest]
        chars -= oldest.length
        // Let go of the id itself too: its slot is written again only when the ring comes round.
        ring[head] = ''
        head = (head + 1) % size
        count--
      }
      ring[(head + count++) % size] = id
      chars += id.length
      table[id] = true
    },
  }
}
