// Compile-time tests of `ssekit/react`, checked by `tsc --noEmit`: each `@ts-expect-error` must be an error.
import { createClient, type ConnectionState, type LostNotice } from '../../src/index'
import { useClient, useConnectionState, useEvent, useLatestEvent, type StateSource } from '../../src/react'

type Events = { date: string; tick: { n: number } }
const client = createClient<Events>('/stream', { decode: 'json' })

// Event names and payloads are typed from the client's event map.
useEvent(client, 'tick', (tick, meta) => tick.n.toFixed(meta.lastEventId.length))
useEvent(client, 'ssekit-lost', (notice: LostNotice) => notice.reason)
// @ts-expect-error an unknown event name does not compile
useEvent(client, 'ticks', () => undefined)
// @ts-expect-error the payload is typed, not any
useEvent(client, 'date', (date) => date.n)

const tick: { n: number } | undefined = useLatestEvent(client, 'tick')
// @ts-expect-error the latest data may be undefined before the first event
const date: string = useLatestEvent(client, 'date')

// Any client fits the state hook, whatever its event map; its result is the readonly snapshot.
const state: ConnectionState = useConnectionState(client)
const source: StateSource = createClient('/other')
// @ts-expect-error the snapshot is readonly
useConnectionState(source).status = 'open'

const live = useClient<Events>('/stream', { decode: 'json' })
useEvent(live, 'date', (value) => value.toUpperCase())
// @ts-expect-error useClient takes the same options as createClient
useClient('/stream', { retyr: {} })
// @ts-expect-error and needs a decoder for the same payloads
useClient<Events>('/stream')

export { tick, date, state }
