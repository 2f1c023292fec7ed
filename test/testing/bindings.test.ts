/** @jest-environment jsdom */
// `bindButton` and `bindStatus` on a test client in jsdom (no EventSource, no fetch), as they are: the button
// connects and disconnects the client, the status line follows what the test's server side does, and the page's
// offline and online events reach the client as they reach a real one.
import { DEV } from '../../src/dev'
import { bindButton, bindStatus } from '../../src/index'
import { createTestClient } from '../../src/testing/index'

beforeEach(() => jest.useFakeTimers())
afterEach(() => {
  jest.useRealTimers()
  document.body.replaceChildren()
})

function setup() {
  const kit = createTestClient('/api/feed', { retry: { initialDelayMs: 2000, jitter: 0 } })
  const button = document.body.appendChild(document.createElement('button'))
  const status = document.body.appendChild(document.createElement('p'))
  const unbind = [bindButton(kit.client, button), bindStatus(kit.client, status)]
  return { ...kit, button, status, unbind: () => unbind.forEach((off) => off()) }
}

test('the button connects and disconnects; the status line follows the server side', () => {
  const { client, server, button, status } = setup()
  expect([button.textContent, status.textContent]).toEqual(['Connect', 'Not connected'])
  button.click()
  expect(server.isWaiting).toBe(true)
  expect(server.requests[0].url).toBe('http://localhost/api/feed')
  expect([button.textContent, status.textContent]).toEqual(['Disconnect', 'Connecting…'])
  server.open()
  expect(status.textContent).toBe('Connection open!')
  expect(status.getAttribute('data-status')).toBe('open')
  server.drop()
  expect(status.textContent).toBe('Attempting to reconnect! (attempt 1, next in 2s)')
  jest.advanceTimersByTime(2000)
  server.fail(401, { statusText: 'Unauthorized' })
  expect([button.textContent, status.textContent]).toEqual([
    'Connect',
    `Connection closed! ${DEV ? 'Connection failed with status' : 'http-status'} 401 Unauthorized: GET http://localhost/api/feed`,
  ])
  button.click()
  expect(client.state.status).toBe('connecting')
  button.click()
  expect(client.state.status).toBe('closed')
  expect(server.isWaiting).toBe(false)
})

test("the page's offline and online events pause and resume the client", () => {
  const { client, server, status } = setup()
  client.connect()
  server.open()
  window.dispatchEvent(new Event('offline'))
  expect(client.state).toMatchObject({ status: 'reconnecting', reason: 'offline' })
  expect(status.textContent).toBe('Attempting to reconnect!')
  expect(server.isOpen).toBe(false)
  window.dispatchEvent(new Event('online'))
  expect(server.requests).toHaveLength(2)
  server.open()
  expect(status.textContent).toBe('Connection open!')
})

test('unbinding leaves the elements alone', () => {
  const { server, button, status, unbind, client } = setup()
  client.connect()
  unbind()
  server.open()
  expect([button.textContent, status.textContent]).toEqual(['Disconnect', 'Connecting…'])
})
