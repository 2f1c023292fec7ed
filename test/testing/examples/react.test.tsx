/** @jest-environment jsdom */
import { act, render, screen } from '@testing-library/react'
import type { Client, ConnectionState } from 'ssekit'
import { useConnectionState, useLatestEvent } from 'ssekit/react'
import { createTestClient } from 'ssekit/testing'

type Events = { price: { symbol: string; value: number } }

function statusText({ status, attempt, delayMs, error }: ConnectionState): string {
  if (status === 'reconnecting') return `Reconnecting (attempt ${attempt}, in ${delayMs} ms)`
  if (status === 'closed' && error) return `Stopped: ${error.status ?? error.code}`
  return status
}

// The component takes its client as a prop (or from a context), so a test can hand it a test client.
function Ticker({ client }: { client: Client<Events> }) {
  const state = useConnectionState(client)
  const price = useLatestEvent(client, 'price')
  return (
    <section>
      <p role="status">{statusText(state)}</p>
      <p>{price ? `${price.symbol}: ${price.value}` : 'No price yet'}</p>
    </section>
  )
}

test('the ticker shows prices, the reconnection, and what a 401 does', () => {
  jest.useFakeTimers()
  const { client, server } = createTestClient<Events>('/api/prices', {
    decode: 'json',
    retry: { initialDelayMs: 1000, jitter: 0 },
  })
  render(<Ticker client={client} />)
  const status = () => screen.getByRole('status').textContent

  act(() => client.connect())
  act(() => server.open())
  act(() => server.emit('price', { symbol: 'ACME', value: 42 }, { id: '7' }))
  expect(screen.getByText('ACME: 42')).toBeTruthy()

  act(() => server.drop())
  expect(status()).toBe('Reconnecting (attempt 1, in 1000 ms)')
  act(() => jest.advanceTimersByTime(1000))
  expect(server.requests[1].lastEventId).toBe('7')

  act(() => server.fail(401))
  expect(status()).toBe('Stopped: 401')
  expect(screen.getByText('ACME: 42')).toBeTruthy()
})
