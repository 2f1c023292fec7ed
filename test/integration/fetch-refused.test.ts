/** @jest-environment node */
// A refused fetch response is classified by a chunk of its own, loaded only when one is refused. Here that chunk
// cannot load (as when the network goes while it is fetched): the connection counts as lost, not as refused, so it
// is retried as a `network` error, and an accepted response on the next attempt opens the stream.
import { connectRecorded } from '../helpers/record'
import { startTestServer, type TestServer } from '../helpers/test-server'
import { waitFor } from '../helpers/wait-for'
import { createFaults } from '../helpers/faults'

jest.mock('../../src/transports/response-error', () => {
  throw new Error('the refused-response chunk did not load')
})

let server: TestServer
const started: Array<{ disconnect(): void }> = []

beforeAll(async () => {
  server = await startTestServer({ routes: createFaults().routes }, { needsBuild: false })
})
afterEach(() => started.splice(0).forEach((client) => client.disconnect()))
afterAll(() => server.dispose())

jest.setTimeout(15_000)

test('a refusal whose classification does not load is retried as a lost connection, then the stream opens', async () => {
  const path = '/fault/status?code=401&count=1&key=unclassified'
  const run = connectRecorded(server.url + path, { retry: { initialDelayMs: 20, jitter: 0 } }, ['message'], started)
  await waitFor(() => run.client.state.status === 'open', 5000, 'open')
  expect(run.states()).toEqual(['idle', 'connecting', 'reconnecting:network', 'open'])
  expect(server.requests.filter((request) => request.query.key === 'unclassified')).toHaveLength(2)
})
