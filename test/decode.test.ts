/** @jest-environment node */
import { toDecoder } from '../src/decode'

test('text is the default and leaves data as it is', () => {
  expect(toDecoder()('{"a":1}', 'x')).toBe('{"a":1}')
  expect(toDecoder('text')('not json', 'x')).toBe('not json')
})

test('json parses and throws on bad data', () => {
  expect(toDecoder('json')('{"n":1}', 'tick')).toEqual({ n: 1 })
  expect(toDecoder('json')('"2026-11-24T10:00:00.000Z"', 'date')).toBe('2026-11-24T10:00:00.000Z')
  expect(() => toDecoder('json')('{oops', 'tick')).toThrow(SyntaxError)
})

test('a function receives raw data and the event type', () => {
  const decode = toDecoder((raw, type) => type + ':' + raw.length)
  expect(decode('abc', 'len')).toBe('len:3')
})
