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
 * Creates a {@link SeenIds}: a lookup table plus an array, oldest first, that says which id to forget.
 * @internal
 */
export function createSeenIds(size: number, maxChars: number): SeenIds {
  const table: Record<string, boolean> = Object.create(null)
  // The ids held, oldest first, `chars` characters in all.
  const order: string[] = []
  let chars = 0
  return {
    has: (id) => id in table,
    add(id) {
      if (id.length > maxChars) return
      while (order.length && (order.length === size || chars + id.length > maxChars)) {
        const oldest = order.shift() as string
        delete table[oldest]
        chars -= oldest.length
      }
      order.push(id)
      chars += id.length
      table[id] = true
    },
  }
}
