/** @jest-environment node */
import { originOf, withParam } from '../../src/transports/url'

test.each([
  ['/stream', 'lastEventId', '42', '/stream?lastEventId=42'],
  ['/stream?x=1', 'lastEventId', '42', '/stream?x=1&lastEventId=42'],
  ['/stream?lastEventId=1&x=1', 'lastEventId', '42', '/stream?x=1&lastEventId=42'],
  ['/stream?lastEventId=1', 'lastEventId', '', '/stream'],
  ['http://h:1/s?a=b#frag', 'last_event_id', '1795514888:0', 'http://h:1/s?a=b&last_event_id=1795514888%3A0#frag'],
  ['/s', 'lastEventID', 'a b&c', '/s?lastEventID=a%20b%26c'],
])('withParam(%s, %s, %s)', (url, name, value, expected) => {
  expect(withParam(url, name, value)).toBe(expected)
})

test('originOf', () => {
  expect(originOf('HTTP://Example.com:8080/x?y#z')).toBe('http://example.com:8080')
  expect(originOf('https://a.b')).toBe('https://a.b')
})
