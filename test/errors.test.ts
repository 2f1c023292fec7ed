/** @jest-environment node */
import { construct } from '../src/error-constructor.es5'
import { SsekitError, type SsekitErrorConstructor, isSsekitError } from '../src/errors'
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

test('SsekitError is a real Error with a stack, and can be extended', () => {
  const error = new SsekitError('Nothing arrived for 10 ms: GET /s', { code: 'stalled', url: '/s' })
  expect(typeof error.stack).toBe('string')
  expect(error.stack).toContain('Nothing arrived')
  expect(Object.getPrototypeOf(error)).toBe(SsekitError.prototype)
  expect(error.constructor).toBe(SsekitError)
  expect(Object.prototype.toString.call(error)).toBe('[object Error]')

  class AppError extends SsekitError {
    readonly extra = 'app'
  }
  const sub = new AppError('x', { code: 'network' })
  expect(sub).toBeInstanceOf(AppError)
  expect(sub).toBeInstanceOf(SsekitError)
  expect(sub).toBeInstanceOf(Error)
  expect(sub.code).toBe('network')
  expect(isSsekitError(sub)).toBe(true)
})

test("the script-tag file's ES5 constructor makes the same errors as the class of the ESM builds", () => {
  const Es5Error = construct as unknown as SsekitErrorConstructor
  const cause = new Error('socket hang up')
  const error = new Es5Error('Nothing arrived for 10 ms: GET /s', { code: 'stalled', url: '/s', cause })
  expect(error).toBeInstanceOf(Error)
  expect(error).toMatchObject({ name: 'SsekitError', code: 'stalled', url: '/s', cause })
  expect(typeof error.stack).toBe('string')
  expect(Object.getPrototypeOf(error)).toBe(Es5Error.prototype)
  expect(error.constructor).toBe(Es5Error)
  expect(String(error)).toBe('SsekitError: Nothing arrived for 10 ms: GET /s')
  class AppError extends Es5Error {
    readonly extra = 'app'
  }
  const sub = new AppError('x', { code: 'network' })
  expect(sub).toBeInstanceOf(AppError)
  expect(sub).toBeInstanceOf(Es5Error)
  expect(sub.extra).toBe('app')
  expect(isSsekitError(sub)).toBe(true)
})
