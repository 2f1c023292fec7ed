/** @jest-environment node */
import { compareIds, createRing } from '../../src/server/ring'

const entry = (id: number) => ({ id: String(id), frame: `id: ${id}\n\n` })
const ids = (events: Array<{ id: string }>) => events.map((event) => event.id)

function filled(capacity: number, from: number, to: number) {
  const ring = createRing(capacity)
  for (let id = from; id <= to; id += 1) ring.push(entry(id))
  return ring
}

describe('createRing', () => {
  it('returns the events after a kept id', () => {
    const ring = filled(5, 1, 4)
    expect(ring.since('2')).toEqual({ status: 'ok', events: [entry(3), entry(4)] })
    expect(ring.since('4')).toEqual({ status: 'ok', events: [] })
  })

  it('keeps at most capacity events, oldest dropped first', () => {
    const ring = filled(3, 1, 10)
    expect(ring.size).toBe(3)
    expect(ring.oldestId).toBe('8')
    expect(ring.newestId).toBe('10')
    expect(ids(ring.since('8').events)).toEqual(['9', '10'])
  })

  it('reports expired, with every kept event, when events after the id were dropped', () => {
    const ring = filled(3, 1, 10)
    expect(ring.since('3')).toEqual({ status: 'expired', events: [entry(8), entry(9), entry(10)] })
  })

  it('is ok when the id is exactly the newest dropped one: nothing was lost', () => {
    const ring = filled(3, 1, 10)
    expect(ring.since('7')).toEqual({ status: 'ok', events: [entry(8), entry(9), entry(10)] })
  })

  it('reports expired for an id older than the first event, as after a restart', () => {
    const ring = filled(5, 10, 12)
    expect(ring.since('9')).toEqual({ status: 'expired', events: [entry(10), entry(11), entry(12)] })
  })

  it('reports unknown, with nothing, for an id newer than the newest', () => {
    expect(filled(3, 1, 10).since('11')).toEqual({ status: 'unknown', events: [] })
    expect(createRing(3).since('1')).toEqual({ status: 'unknown', events: [] })
  })

  it('treats an id between kept ids as a position in the sequence', () => {
    const ring = createRing(5)
    ring.push(entry(10))
    ring.push(entry(20))
    ring.push(entry(30))
    expect(ring.since('25')).toEqual({ status: 'ok', events: [entry(30)] })
  })

  it('works with capacity 0', () => {
    const ring = filled(0, 1, 3)
    expect(ring.since('3')).toEqual({ status: 'ok', events: [] })
    expect(ring.since('2')).toEqual({ status: 'expired', events: [] })
    expect(ring.oldestId).toBeUndefined()
  })

  it('refuses ids that do not increase, and bad capacities', () => {
    const ring = filled(3, 1, 2)
    expect(() => ring.push(entry(2))).toThrow(/must increase/)
    expect(() => createRing(-1)).toThrow(RangeError)
    expect(() => createRing(1.5)).toThrow(RangeError)
  })
})

describe('compareIds', () => {
  it('compares digit strings as integers of any length', () => {
    expect(compareIds('9', '10')).toBeLessThan(0)
    expect(compareIds('1700000000001', '1700000000000')).toBeGreaterThan(0)
    expect(compareIds('007', '7')).toBe(0)
    expect(compareIds('9999999999999999', '9999999999999998')).toBeGreaterThan(0)
  })
})
