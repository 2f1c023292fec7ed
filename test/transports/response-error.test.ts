/** @jest-environment node */
import { DEV } from '../../src/dev'
import { responseError } from '../../src/transports/response-error'
import { parseRetryAfter } from '../../src/transports/retry-after'

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

test('the message names the status, its text, the method and the URL; Retry-After is carried', () => {
  const error = responseError('/s', 503, 'Service Unavailable', headers({ 'retry-after': '3' }), 'POST')
  expect(error?.message).toBe(
    DEV
      ? 'Connection failed with status 503 Service Unavailable: POST /s'
      : 'http-status 503 Service Unavailable: POST /s',
  )
  expect(error?.retryAfterMs).toBe(3000)
})

test('the message of a refused content type names it, and a 204 says stop', () => {
  const html = responseError('/s', 200, 'OK', headers({ 'content-type': 'text/html' }))
  expect(html?.message).toBe(
    DEV ? 'Expected text/event-stream but got text/html: GET /s' : 'content-type text/html: GET /s',
  )
  expect(responseError('/s', 200, 'OK', headers({}))?.message).toBe(
    DEV ? 'Expected text/event-stream but got no content type: GET /s' : 'content-type none: GET /s',
  )
  expect(responseError('/s', 204, 'No Content', headers({}))?.message).toBe(
    DEV ? 'Server answered 204 No Content, which means stop: GET /s' : 'no-content 204 No Content: GET /s',
  )
  expect(html).not.toHaveProperty('retryAfterMs', expect.anything())
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
