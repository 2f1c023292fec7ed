// Compile-time tests of ssekit/testing, checked by `tsc --noEmit` in `npm test`: each `@ts-expect-error` must be an
// error. A test client has the real client's type and the same options rule; what its server sends is typed by the
// event map, and so is what the msw stream sends.
import type { Client } from '../../src/index'
import { createTestClient } from '../../src/testing/index'
import { createMswStream } from '../../src/testing/msw'

type Events = { price: { value: number }; notice: string }

const { client, server } = createTestClient<Events>('/stream', { decode: 'json' })
const real: Client<Events> = client
real.on('price', (price) => price.value.toFixed())
server.emit('price', { value: 1 }, { id: '1' })
server.emit('notice', 'text')
server.emit('ssekit-lost', { lastEventId: '1', reason: 'expired', oldestId: null })
server.emitRaw('anything', '{"any": "wire text"}')

// @ts-expect-error an unknown event name does not compile
server.emit('prices', { value: 1 })
// @ts-expect-error a wrong payload does not compile
server.emit('price', { value: '1' })
// @ts-expect-error a payload other than a string needs a decoder, as for createClient
createTestClient<Events>('/stream')
// @ts-expect-error the request log is read-only
server.requests.push(server.requests[0])

const prices = createMswStream<Events>('/stream', { decode: 'json' })
prices.send('price', { value: 1 }, { id: '1' })
// @ts-expect-error a wrong payload does not compile
prices.send('notice', { value: 1 })
// @ts-expect-error the msw stream encodes for 'text' or 'json' only: a decoder function needs its own wire text
createMswStream<Events>('/stream', { decode: (raw: string) => raw })
