/** @jest-environment node */
import { createClient } from 'ssekit'
import { createRecorder } from 'ssekit/testing'
import { createTestServer, type TestServer } from 'ssekit/testing/server'

let server: TestServer
beforeAll(async () => {
  server = await createTestServer()
})
afterAll(() => server.close())

test('after a server restart the client resumes from its last event id, and misses nothing', async () => {
  const client = createClient<{ tick: { n: number } }>(server.url + '/ticks', {
    decode: 'json',
    retry: { initialDelayMs: 50, jitter: 0 },
  })
  const recorder = createRecorder(client, ['tick'])
  client.connect()
  await server.waitForRequests(1)
  server.send({ event: 'tick', id: '1', data: { n: 1 } })
  server.send({ event: 'tick', id: '2', data: { n: 2 } })
  await recorder.waitFor(() => recorder.events().length === 2)

  await server.stop() // every stream ends; what is sent meanwhile waits in the server's history
  server.send({ event: 'tick', id: '3', data: { n: 3 } })
  await server.start() // the same port
  await recorder.waitFor(() => recorder.events().length === 3)

  expect(server.requests[1].lastEventId).toBe('2')
  expect(recorder.events().map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
  client.disconnect()
})
