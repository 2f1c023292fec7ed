/** @jest-environment node */
import { parseRetryAfter, responseError } from '../../src/transports/response-error'

const headers = (map: Record<string, string>) => ({ get: (name: string) => map[name.toLowerCase()] ?? null })

test.each([
  [200, { 'content-type': 'text/event-stream' }, undefined],
  [200, { 'content-type': 'text/event-stream; charset=utf-8' }, undefined],
  [200, { 'content-type': 'TEXT/EVENT-STREAM' }, undefined],
  [200, { 'content-type': 'text/event-streamx' }, 'content-type'],
  [200, { 'content-type': 'text/html' }, 'content-type'],
  [200, {}, 'content-type'],
  [204, {}, 'no-content'],
  [401, {}, 'http-status'],
  [503, { 'retry-after': '3' }, 'http-status'],
])('%s %o → %s', (status, map, code) => {
  const error = responseError('/s', status, '', headers(map))
  if (code === undefined) expect(error).toBeUndefined()
  else expect(error).toMatchObject({ code, status, url: '/s' })
})

test('the message names the status, its text and the URL; Retry-After is carried', () => {
  const error = responseError('/s', 503, 'Service Unavailable', headers({ 'retry-after': '3' }))
  expect(error?.message).toBe('Connection failed with status 503 Service Unavailable: GET /s')
  expect(error?.retryAfterMs).toBe(3000)
})

test('Retry-After in seconds or as an HTTP date', () => {
  const now = Date.parse('2026-11-24T10:00:00Z')
  expect(parseRetryAfter('120', now)).toBe(120000)
  expect(parseRetryAfter(' 5 ', now)).toBe(5000)
  expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', now)).toBe(30000)
  expect(parseRetryAfter('Tue, 24 Nov 2026 09:00:00 GMT', now)).toBe(0)
  expect(parseRetryAfter('soon', now)).toBeUndefined()
  expect(parseRetryAfter(null, now)).toBeUndefined()
})
