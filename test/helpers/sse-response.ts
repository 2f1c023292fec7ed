/** Builds an SSE `Response` whose body is written chunk by chunk, for msw handlers. */
export function sseResponse(
  chunks: string[],
  init: { status?: number; headers?: Record<string, string>; keepOpen?: boolean } = {},
): Response {
  const encoder = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      chunks.forEach((chunk) => controller.enqueue(encoder.encode(chunk)))
      if (!init.keepOpen) controller.close()
    },
  })
  return new Response(body, {
    status: init.status ?? 200,
    headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', ...init.headers },
  })
}

/** Splits a string into chunks of random sizes (1 to `max` characters), seeded for repeatable runs. */
export function randomChunks(text: string, seed: number, max = 7): string[] {
  let state = seed
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
  const chunks: string[] = []
  for (let at = 0; at < text.length;) {
    const size = 1 + Math.floor(random() * max)
    chunks.push(text.slice(at, at + size))
    at += size
  }
  return chunks
}
