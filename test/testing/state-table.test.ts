/** @jest-environment node */
// The state-transition table of test/state.test.ts, run through two clients: the real client on the fake
// transport of test/helpers, and the test client of `ssekit/testing`. Each row's state is reached and its event
// caused through the client's public API and its transport, and each client must land on what the pure
// `transition()` gives for it. Where the test client's server refuses to cause the event (there is no connection
// it could act on), it must say so by throwing, and the state must not move.
//
// Three rows of that table are not here: `transport` from a connecting and from an idle client (the lazy loader
// handing over another transport than the one first named; a test client's transport is known at once), and
// `share` (sharing between tabs: a test client has a connection of its own).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { createClientWith } from '../../src/client'
import { SsekitError } from '../../src/errors'
import { IDLE, transition, type StateEvent } from '../../src/state'
import { createTestClient } from '../../src/testing/index'
import type { Client, ClientOptions, ConnectionState, EventMap } from '../../src/types'
import { createFakeTransport } from '../helpers/fake-transport'

const URL = 'https://example.test/stream'
const error = new SsekitError('lost', { code: 'network' })
const at = (status: ConnectionState['status'], attempt = 0): ConnectionState => ({ status, attempt })

/** What a row does to a client: through its API, or through its transport's server side. */
interface Driver {
  client: Pick<Client, 'connect' | 'disconnect' | 'state'>
  open(): void
  drop(): void
}

const drivers: Record<string, (options: ClientOptions) => Driver> = {
  'the real client on the fake transport': (options) => {
    const fake = createFakeTransport('fetch')
    const client = createClientWith<EventMap>(fake.source, URL, options)
    return { client, open: () => fake.last.open(), drop: () => fake.last.drop(true) }
  },
  'the test client': (options) => {
    const { client, server } = createTestClient(URL, options)
    return { client, open: () => server.open(), drop: () => server.drop() }
  },
}

/** `count` failed attempts in a row: the client ends `reconnecting` with that attempt, its next request made. */
function failures(driver: Driver, count: number): void {
  for (let attempt = 0; attempt < count; attempt++) {
    driver.drop()
    jest.advanceTimersByTime(driver.client.state.delayMs ?? 0)
  }
}

interface Row {
  from: ConnectionState
  event: StateEvent
  expected: Partial<ConnectionState> | 'same'
  options?: ClientOptions
  reach: (driver: Driver) => void
  cause: (driver: Driver) => void
  /** Which clients refuse to cause the event: no connection is there to act on. */
  refusedBy?: 'the test client' | 'both'
}

const connect = (driver: Driver) => driver.client.connect()
const connected = (driver: Driver) => (driver.client.connect(), driver.open())
const disconnected = (driver: Driver) => (driver.client.connect(), driver.client.disconnect())

// The rows of test/state.test.ts, in its order, each with the way to reach its state and cause its event.
const table: Row[] = [
  {
    from: IDLE,
    event: { type: 'connect' },
    expected: { status: 'connecting', attempt: 0 },
    reach: () => {},
    cause: connect,
  },
  {
    from: at('closed', 3),
    event: { type: 'connect' },
    expected: { status: 'connecting', attempt: 0 },
    options: { retry: { jitter: 0, maxAttempts: 3 } },
    reach: (driver) => (driver.client.connect(), failures(driver, 3), driver.drop()),
    cause: connect,
  },
  { from: at('open'), event: { type: 'connect' }, expected: 'same', reach: connected, cause: connect },
  {
    from: at('connecting'),
    event: { type: 'open' },
    expected: { status: 'open', attempt: 0 },
    reach: connect,
    cause: (d) => d.open(),
  },
  {
    from: at('reconnecting', 4),
    event: { type: 'open' },
    expected: { status: 'open', attempt: 0 },
    reach: (driver) => (driver.client.connect(), failures(driver, 4)),
    cause: (driver) => driver.open(),
  },
  {
    from: at('open'),
    event: { type: 'open' },
    expected: 'same',
    reach: connected,
    cause: (driver) => driver.open(),
    refusedBy: 'the test client',
  },
  {
    from: at('closed'),
    event: { type: 'open' },
    expected: 'same',
    reach: disconnected,
    cause: (driver) => driver.open(),
    refusedBy: 'the test client',
  },
  {
    from: at('open'),
    event: { type: 'retry', error, delayMs: 1000 },
    expected: { status: 'reconnecting', attempt: 1, delayMs: 1000, error },
    reach: connected,
    cause: (driver) => driver.drop(),
  },
  {
    from: at('reconnecting', 1),
    event: { type: 'retry', error, delayMs: 2000 },
    expected: { status: 'reconnecting', attempt: 2, delayMs: 2000 },
    reach: (driver) => (connected(driver), failures(driver, 1)),
    cause: (driver) => driver.drop(),
  },
  {
    from: at('connecting'),
    event: { type: 'retry', error },
    expected: { status: 'reconnecting', attempt: 1, delayMs: undefined },
    options: { retry: 'transport' },
    reach: connect,
    cause: (driver) => driver.drop(),
  },
  {
    from: IDLE,
    event: { type: 'retry', error },
    expected: 'same',
    reach: () => {},
    cause: (d) => d.drop(),
    refusedBy: 'both',
  },
  {
    from: at('reconnecting', 5),
    event: { type: 'fail', error },
    expected: { status: 'closed', attempt: 5, error },
    options: { retry: { jitter: 0, maxAttempts: 5 } },
    reach: (driver) => (driver.client.connect(), failures(driver, 5)),
    cause: (driver) => driver.drop(),
  },
  {
    from: at('closed'),
    event: { type: 'fail', error },
    expected: 'same',
    reach: disconnected,
    cause: (driver) => driver.drop(),
    refusedBy: 'the test client',
  },
  {
    from: at('reconnecting', 2),
    event: { type: 'disconnect' },
    expected: { status: 'closed', attempt: 0 },
    reach: (driver) => (driver.client.connect(), failures(driver, 2)),
    cause: (driver) => driver.client.disconnect(),
  },
  {
    from: at('open'),
    event: { type: 'disconnect' },
    expected: { status: 'closed' },
    reach: connected,
    cause: (d) => d.client.disconnect(),
  },
  { from: IDLE, event: { type: 'disconnect' }, expected: 'same', reach: () => {}, cause: (d) => d.client.disconnect() },
  {
    from: at('closed'),
    event: { type: 'disconnect' },
    expected: 'same',
    reach: disconnected,
    cause: (d) => d.client.disconnect(),
  },
]

/** The expected state, with the row's stand-in error read as "an error of the same code". */
function expectedState(expected: Partial<ConnectionState>): Record<string, unknown> {
  const { error: rowError, ...rest } = expected
  return rowError ? { ...rest, error: expect.objectContaining({ code: rowError.code }) } : rest
}

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())

describe.each(Object.keys(drivers))('%s', (name) => {
  test.each(table.map((row) => [`${row.from.status} (attempt ${row.from.attempt}) + ${row.event.type}`, row] as const))(
    '%s',
    (_, row) => {
      const driver = drivers[name]({ retry: { jitter: 0 }, ...row.options })
      row.reach(driver)
      expect(driver.client.state).toMatchObject(row.from)
      const before = driver.client.state
      const refused = row.refusedBy === 'both' || row.refusedBy === name
      if (refused) expect(() => row.cause(driver)).toThrow()
      else row.cause(driver)
      const after = driver.client.state
      if (row.expected === 'same') return expect(after).toBe(before)
      expect(after).not.toBe(before)
      expect(after).toMatchObject(expectedState(row.expected))
      // The client applied exactly the pure transition, with the error it really got and the transport it named.
      const event = { ...row.event } as StateEvent & { error?: SsekitError; transport?: string }
      if ('error' in event) event.error = after.error
      if (event.type === 'connect') event.transport = after.transport
      expect(after).toEqual(transition(before, event))
    },
  )
})

/** The rows of test/state.test.ts's table as `status attempt + event`, read from its source. */
function rowsOfStateTest(): string[] {
  const file = path.join(__dirname, '../state.test.ts')
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const rows: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.name.getText() === 'table' && node.initializer) {
      for (const row of (node.initializer as ts.ArrayLiteralExpression).elements) {
        const [state, event] = (row as ts.ArrayLiteralExpression).elements
        const made = /^at\('(\w+)'(?:, (\d+))?\)$/.exec(state.getText())
        const from = state.getText() === 'IDLE' ? 'idle 0' : made ? `${made[1]} ${made[2] ?? 0}` : state.getText()
        rows.push(`${from} + ${/type: '(\w+)'/.exec(event.getText())?.[1]}`)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return rows
}

test('the rows are those of test/state.test.ts, but for the lazy transport and sharing ones', () => {
  const here = table.map((row) => `${row.from.status} ${row.from.attempt} + ${row.event.type}`)
  const left = ['connecting 0 + transport', 'idle 0 + transport', 'connecting 0 + share']
  expect(rowsOfStateTest()).toEqual([...here, ...left])
})
