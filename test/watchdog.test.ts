/** @jest-environment node */
import { createWatchdog } from '../src/watchdog'

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())

test('stalls between timeoutMs and a third more after the last touch, once', () => {
  const stalls: number[] = []
  const watchdog = createWatchdog(300, () => stalls.push(Date.now()))
  const start = Date.now()
  watchdog.start()
  jest.advanceTimersByTime(250)
  watchdog.touch()
  // Looks at 100, 200, 300 (sees the touch), then 400, 500 and 600 are quiet.
  jest.advanceTimersByTime(349)
  expect(stalls).toEqual([])
  jest.advanceTimersByTime(1)
  expect(stalls.map((at) => at - start)).toEqual([600])
  jest.advanceTimersByTime(10000)
  expect(stalls).toHaveLength(1)
})

test('touches keep it quiet; stop and a 0 timeout leave no timer', () => {
  const watchdog = createWatchdog(300, () => {
    throw new Error('stalled')
  })
  watchdog.start()
  for (let i = 0; i < 20; i++) {
    jest.advanceTimersByTime(150)
    watchdog.touch()
  }
  watchdog.stop()
  expect(jest.getTimerCount()).toBe(0)
  createWatchdog(0, () => undefined).start()
  expect(jest.getTimerCount()).toBe(0)
})
