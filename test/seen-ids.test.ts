/** @jest-environment node */
import { createSeenIds } from '../src/seen-ids'

test('remembers the last `size` ids and forgets the oldest', () => {
  const seen = createSeenIds(3)
  ;['a', 'b', 'c'].forEach((id) => seen.add(id))
  expect(['a', 'b', 'c', 'd'].map((id) => seen.has(id))).toEqual([true, true, true, false])
  seen.add('d')
  expect(['a', 'b', 'c', 'd'].map((id) => seen.has(id))).toEqual([false, true, true, true])
})

test('ids are opaque: no numeric or prototype confusion', () => {
  const seen = createSeenIds(10)
  seen.add('10')
  expect(seen.has('010')).toBe(false)
  expect(seen.has('1e1')).toBe(false)
  expect(seen.has('constructor')).toBe(false)
  expect(seen.has('__proto__')).toBe(false)
  seen.add('__proto__')
  expect(seen.has('__proto__')).toBe(true)
})
