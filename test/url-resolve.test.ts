/** @jest-environment jsdom */
// Where there is a page, the stream URL is resolved against it once, at createClient: every request, error and
// `client.url` then name the same absolute URL.
import { createClientWith } from '../src/client'
import { createFakeTransport } from './helpers/fake-transport'

test('a relative URL is resolved against the page, once', () => {
  const fake = createFakeTransport()
  const client = createClientWith(fake.source, '/stream/date?a=1')
  expect(client.url).toBe('http://localhost/stream/date?a=1')
  client.connect()
  expect(fake.last.request.url).toBe('http://localhost/stream/date?a=1')
  client.disconnect()
})

test('an absolute URL is kept as given', () => {
  expect(createClientWith(createFakeTransport().source, 'https://example.test/s').url).toBe('https://example.test/s')
})
