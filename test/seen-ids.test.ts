/** @jest-environment node */
import { createSeenIds } from '../src/seen-ids'

test('remembers the last `size` ids and forgets the oldest', () => {
  const seen = createSeenIds(3, 100)
  ;['a', 'b', 'c'].forEach((id) => seen.add(id))
  expect(['a', 'b', 'c', 'd'].map((id) => seen.has(id))).toEqual([true, true, true, false])
  seen.add('d')
  expect(['a', 'b', 'c', 'd'].map((id) => seen.has(id))).toEqual([false, true, true, true])
})

test('ids are opaque: no numeric or prototype confusion', () => {
  const seen = createSeenIds(10, 100)
  seen.add('10')
  expect(seen.has('010')).toBe(false)
  expect(seen.has('1e1')).toBe(false)
  expect(seen.has('constructor')).toBe(false)
  expect(seen.has('__proto__')).toBe(false)
  seen.add('__proto__')
  expect(seen.has('__proto__')).toBe(true)
})

test('holds at most `maxChars` characters of ids: long ones push out the oldest, one longer than all is not kept', () => {
  const seen = createSeenIds(100, 10)
  ;['aaaa', 'bbbb'].forEach((id) => seen.add(id))
  seen.add('ccc')
  expect(['aaaa', 'bbbb', 'ccc'].map((id) => seen.has(id))).toEqual([false, true, true])
  // Too long to keep, and it pushes nothing out: one huge id cannot empty the window.
  seen.add('x'.repeat(11))
  expect(seen.has('x'.repeat(11))).toBe(false)
  expect(['bbbb', 'ccc'].map((id) => seen.has(id))).toEqual([true, true])
})

test('under a steady stream the memory stays within both bounds', () => {
  const seen = createSeenIds(5, 1000)
  for (let n = 0; n < 10_000; n++) seen.add('id-' + n)
  expect(['id-9994', 'id-9995', 'id-9999'].map((id) => seen.has(id))).toEqual([false, true, true])
})
