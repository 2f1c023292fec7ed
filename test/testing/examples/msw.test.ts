/** @jest-environment jest-fixed-jsdom */
import { setupServer } from 'msw/node'
import { createClient } from 'ssekit'
import { createRecorder } from 'ssekit/testing'
import { createMswStream } from 'ssekit/testing/msw'

type Events = { notice: { text: string } }

const notices = createMswStream<Events>('/api/notices', { decode: 'json' })
const server = setupServer(...notices.handlers)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

test('a 503 with Retry-After: the client waits as long as the server asked, then gets the notices', async () => {
  notices.fail(503, { headers: { 'Retry-After': '0.2' } })
  const client = createClient<Events>('/api/notices', { decode: 'json', retry: { initialDelayMs: 50, jitter: 0 } })
  const recorder = createRecorder(client, ['notice'])
  client.connect()
  await notices.waitForRequests(2)
  notices.send('notice', { text: 'Maintenance at noon' }, { id: '1' })
  await recorder.waitFor(() => recorder.events().length === 1)

  expect(recorder.states()).toEqual([
    { kind: 'state', status: 'idle', attempt: 0 },
    { kind: 'state', status: 'connecting', attempt: 0 },
    { kind: 'state', status: 'reconnecting', attempt: 1, delayMs: 200, code: 'http-status' },
    { kind: 'state', status: 'open', attempt: 0 },
  ])
  expect(recorder.events()[0].data).toEqual({ text: 'Maintenance at noon' })
  client.disconnect()
})
