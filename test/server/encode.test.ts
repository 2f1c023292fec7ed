/** @jest-environment node */
import { encode, encodeComment } from '../../src/server'

describe('encode', () => {
  it('writes fields in order and ends with a blank line', () => {
    expect(encode({ comment: 'hi', event: 'price', id: '42', retry: 1500, data: 'x' })).toBe(
      ': hi\nevent: price\nid: 42\nretry: 1500\ndata: x\n\n',
    )
  })

  it('encodes an empty message as a lone blank line', () => {
    expect(encode({})).toBe('\n')
  })

  it('splits string data on LF, CRLF and CR so it cannot end the event early', () => {
    expect(encode({ data: 'a\nb' })).toBe('data: a\ndata: b\n\n')
    expect(encode({ data: 'a\r\nb\rc' })).toBe('data: a\ndata: b\ndata: c\n\n')
    expect(encode({ data: 'a\n\nid: 9\n\nevent: x' })).toBe('data: a\ndata:\ndata: id: 9\ndata:\ndata: event: x\n\n')
  })

  it('keeps empty data and leading spaces', () => {
    expect(encode({ data: '' })).toBe('data:\n\n')
    expect(encode({ data: ' two' })).toBe('data:  two\n\n')
  })

  it('serializes non-string data as JSON', () => {
    expect(encode({ data: { n: 1, s: 'a\nb' } })).toBe('data: {"n":1,"s":"a\\nb"}\n\n')
    expect(encode({ data: 5 })).toBe('data: 5\n\n')
    expect(encode({ data: null })).toBe('data: null\n\n')
    expect(encode({ event: 'date', data: JSON.stringify('2026-01-01T00:00:00.000Z') })).toBe(
      'event: date\ndata: "2026-01-01T00:00:00.000Z"\n\n',
    )
  })

  it('refuses data that JSON cannot represent', () => {
    expect(() => encode({ data: () => 1 })).toThrow(/data of type function/)
  })

  it.each([['a\nb'], ['a\rb'], ['a\r\nb']])('refuses a line break in event %j', (event) => {
    expect(() => encode({ event })).toThrow(TypeError)
    expect(() => encode({ event })).toThrow(`event must not contain CR or LF, got ${JSON.stringify(event)}`)
  })

  it.each([['1\n2'], ['1\r'], ['1\u00002']])('refuses CR, LF or NUL in id %j', (id) => {
    expect(() => encode({ id })).toThrow(`id must not contain CR, LF or NUL, got ${JSON.stringify(id)}`)
  })

  it.each([[-1], [1.5], [Number.NaN], [Infinity]])('refuses retry %p', (retry) => {
    expect(() => encode({ retry })).toThrow(/retry must be a non-negative integer/)
  })

  it('accepts retry 0', () => {
    expect(encode({ retry: 0 })).toBe('retry: 0\n\n')
  })
})

describe('encodeComment', () => {
  it('prefixes every line with a colon', () => {
    expect(encodeComment('ping')).toBe(': ping\n\n')
    expect(encodeComment('a\r\nb\n')).toBe(': a\n: b\n:\n\n')
    expect(encodeComment('')).toBe(':\n\n')
  })
})
