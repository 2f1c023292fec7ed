/**
 * `ssekit/testing/server`: a scriptable SSE server for integration tests, in Node: `node:http` on 127.0.0.1 and a
 * free port. It sends events, comments and `retry:`, replays its history from `Last-Event-ID`, answers statuses with
 * `Retry-After`, stalls, drips bytes, cuts a connection in the middle of an event, restarts on the same port, logs
 * every request (method, headers, `Last-Event-ID`, body), and closes everything it opened.
 *
 * @example
 * ```ts
 * import { createClient } from 'ssekit'
 * import { createRecorder } from 'ssekit/testing'
 * import { createTestServer } from 'ssekit/testing/server'
 *
 * const server = await createTestServer()
 * const client = createClient(server.url + '/feed')
 * const recorder = createRecorder(client, ['message'])
 * client.connect()
 * await server.waitForRequests(1)
 * server.send({ id: '1', data: 'hello' })
 * await recorder.waitFor(() => recorder.events().length === 1)
 * client.disconnect()
 * await server.close()
 * ```
 * @module ssekit/testing/server
 */
export { createTestServer } from './test-server'
export type { TestScript, TestServer, WaitForRequestsOptions } from './test-server'
export type { DripOptions, RespondOptions, TestServerRequest, TestStream } from './test-stream'
export type { SseMessage } from '../server/encode'
