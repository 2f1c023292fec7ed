/**
 * `ssekit/testing`: what an app needs to test its own real-time UI without a network. A test client is the real
 * client over a transport the test answers by hand (open, events with ids, statuses, network errors, 204), so
 * `bindButton`, `bindStatus` and the `ssekit/react` hooks work on it as they are; a recorder keeps one ordered log
 * of what a client did. It needs no `EventSource`, `fetch`, React or msw, and the other entries never import it.
 *
 * For integration tests against a real socket, `ssekit/testing/server` has a scriptable server (Node); for apps
 * that mock with msw, `ssekit/testing/msw` has a handler factory.
 *
 * @example
 * ```ts
 * import { createRecorder, createTestClient } from 'ssekit/testing'
 *
 * const { client, server } = createTestClient<{ price: number }>('https://example.test/prices', { decode: 'json' })
 * const recorder = createRecorder(client, ['price'])
 * client.connect()
 * server.open()
 * server.emit('price', 7, { id: '1' })
 * server.drop()
 * expect(recorder.events()).toEqual([{ kind: 'event', type: 'price', data: 7, lastEventId: '1' }])
 * expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1 })
 * ```
 * @module ssekit/testing
 */
export { createTestClient } from './test-client'
export { createRecorder } from './recorder'
export type { EmitOptions, FailOptions, FakeServer, TestClient, TestRequest } from './types'
export type { EventEntry, RecordEntry, Recorder, StateEntry, WaitOptions } from './recorder'
