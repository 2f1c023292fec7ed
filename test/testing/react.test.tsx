/** @jest-environment jsdom */
// The hooks of `ssekit/react` on a test client, as they are: the connection state re-renders the component, the
// latest event shows, handlers see every event, and a retry with its delay reaches the screen under fake timers.
import { act, render, screen } from '@testing-library/react'
import { useState } from 'react'
import { useConnectionState, useEvent, useLatestEvent } from '../../src/react'
import { createTestClient } from '../../src/testing/index'
import type { Client } from '../../src/types'

type Events = { price: { symbol: string; value: number }; trade: { id: number } }

function Ticker({ client }: { client: Client<Events> }) {
  const state = useConnectionState(client)
  const price = useLatestEvent(client, 'price')
  const [trades, setTrades] = useState(0)
  useEvent(client, 'trade', () => setTrades((count) => count + 1))
  return (
    <div>
      <p role="status">
        {state.status === 'reconnecting' ? `retry ${state.attempt} in ${state.delayMs} ms` : state.status}
      </p>
      <p data-testid="price">{price ? `${price.symbol} ${price.value}` : 'no price'}</p>
      <p data-testid="trades">{trades}</p>
    </div>
  )
}

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())

test('the hooks follow the test client: state, the latest event, every event, a retry', () => {
  const { client, server } = createTestClient<Events>('/api/prices', {
    decode: 'json',
    retry: { initialDelayMs: 500, jitter: 0 },
  })
  render(<Ticker client={client} />)
  const status = () => screen.getByRole('status').textContent
  expect(status()).toBe('idle')
  act(() => client.connect())
  expect(status()).toBe('connecting')
  act(() => server.open())
  act(() => {
    server.emit('price', { symbol: 'ACME', value: 1 }, { id: '1' })
    server.emit('trade', { id: 1 })
    server.emit('trade', { id: 2 })
    server.emit('price', { symbol: 'ACME', value: 2 }, { id: '2' })
  })
  expect(screen.getByTestId('price').textContent).toBe('ACME 2')
  expect(screen.getByTestId('trades').textContent).toBe('2')
  act(() => server.drop())
  expect(status()).toBe('retry 1 in 500 ms')
  act(() => jest.advanceTimersByTime(500))
  expect(server.requests[1]).toMatchObject({ lastEventId: '2', attempt: 1 })
  act(() => server.open())
  expect(status()).toBe('open')
})
