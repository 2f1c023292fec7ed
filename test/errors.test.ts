/** @jest-environment node */
import { SsekitError, isSsekitError } from '../src/errors'
import { version } from '../src/version'
import { readFileSync } from 'node:fs'

test('SsekitError carries code, status, url and cause', () => {
  const cause = new Error('socket hang up')
  const error = new SsekitError('Connection failed with status 503: GET /stream', {
    code: 'http-status',
    status: 503,
    url: '/stream',
    retryAfterMs: 2000,
    cause,
  })
  expect(error).toBeInstanceOf(Error)
  expect(error).toBeInstanceOf(SsekitError)
  expect(error).toMatchObject({
    name: 'SsekitError',
    code: 'http-status',
    status: 503,
    url: '/stream',
    retryAfterMs: 2000,
  })
  expect(error.cause).toBe(cause)
  expect(error.message).toContain('503')
  expect(String(error)).toBe('SsekitError: Connection failed with status 503: GET /stream')
})

test('isSsekitError works across realms by name and code', () => {
  expect(isSsekitError(new SsekitError('x', { code: 'network' }))).toBe(true)
  const foreign = Object.assign(new Error('x'), { name: 'SsekitError', code: 'network' })
  expect(isSsekitError(foreign)).toBe(true)
  expect(isSsekitError(new Error('x'))).toBe(false)
  expect(isSsekitError({ name: 'SsekitError', code: 'network' })).toBe(false)
})

test('version equals package.json', () => {
  expect(version).toBe(JSON.parse(readFileSync(new URL('../package.json', 'file://' + __filename), 'utf8')).version)
})
