/** @jest-environment node */
// `ssekit/react` on the server: importing it and rendering to a string touch no `window` or `document`, and the
// state hook renders the client's current state (`idle`) without connecting.
import { renderToString } from 'react-dom/server'
import { useClient, useConnectionState, useLatestEvent } from '../src/react'

test('renders idle on the server, with no window and no connection', () => {
  expect(typeof window).toBe('undefined')
  expect(typeof document).toBe('undefined')
  function Clock() {
    const client = useClient<{ date: string }>('http://127.0.0.1:1/stream/date')
    const { status } = useConnectionState(client)
    const date = useLatestEvent(client, 'date')
    return <p data-status={status}>{date ?? status}</p>
  }
  expect(renderToString(<Clock />)).toBe('<p data-status="idle">idle</p>')
})
