// Compile-time tests, checked by `tsc --noEmit` in `npm test`: each `@ts-expect-error` must be an error.
import { createClient, type Client, type EventSourceLike } from '../../src/index'
import type { ConnectionState } from '../../src/types'

type Events = { date: string; tick: { n: number } }
const client = createClient<Events>('/stream', { decode: 'json' })

client.on('date', (date) => date.toUpperCase())
client.on('tick', (tick, meta) => tick.n.toFixed(meta.lastEventId.length))

// @ts-expect-error an unknown event name does not compile
client.on('dates', () => undefined)
// @ts-expect-error a wrong payload type does not compile
client.on('tick', (tick: string) => tick)
// @ts-expect-error the payload is typed, not any
client.on('date', (date) => date.n)

// Untyped use: every event is a string.
const plain = createClient('/stream')
plain.on('anything', (data) => data.toUpperCase())

// The state is a readonly snapshot with string statuses.
const status: ConnectionState['status'] = client.state.status
// @ts-expect-error statuses are a closed union
const wrong: ConnectionState['status'] = 'reconnected'
// @ts-expect-error the snapshot is readonly
client.state.status = 'open'

// @ts-expect-error unknown options do not compile
createClient('/stream', { retyr: {} })
// @ts-expect-error retry takes an object, 'transport' or false
createClient('/stream', { retry: true })

// A payload other than a string needs a decoder: the default `text` would deliver strings.
// @ts-expect-error no options at all for a map with an object payload
createClient<Events>('/stream')
// @ts-expect-error options without `decode` for a map with an object payload
createClient<Events>('/stream', { retry: { maxAttempts: 3 } })
// @ts-expect-error `decode: 'text'` delivers strings, not `{ n: number }`
createClient<Events>('/stream', { decode: 'text' })
// @ts-expect-error a number payload is not a string either
createClient<{ count: number }>('/stream', {})
createClient<Events>('/stream', { decode: (raw) => JSON.parse(raw) as unknown })
createClient<{ count: number }>('/stream', { decode: 'json' })
// String-only maps and the default map need no decoder, and may keep `text`.
createClient<{ date: string; notice: string }>('/stream')
createClient<{ date: string }>('/stream', { decode: 'text', retry: false })
createClient('/stream', { decode: 'text' })
// A `URL` is accepted as well as a string.
createClient(new URL('https://example.test/stream'))

// A client of any event map binds to the UI helpers' structural type.
const typed: Client<Events> = client
// The browser's EventSource satisfies the structural type the transports use.
const native: EventSourceLike = new EventSource('/stream')

export { status, wrong, typed, native }
