/** @jest-environment node */
import { SsekitError } from '../src/errors'
import { IDLE, transition, type StateEvent } from '../src/state'
import type { ConnectionState } from '../src/types'

const error = new SsekitError('lost', { code: 'network' })
const at = (status: ConnectionState['status'], attempt = 0): ConnectionState => ({ status, attempt })

describe('transition', () => {
  const table: Array<[ConnectionState, StateEvent, Partial<ConnectionState> | 'same']> = [
    [IDLE, { type: 'connect' }, { status: 'connecting', attempt: 0 }],
    [at('closed', 3), { type: 'connect' }, { status: 'connecting', attempt: 0 }],
    [at('open'), { type: 'connect' }, 'same'],
    [at('connecting'), { type: 'open' }, { status: 'open', attempt: 0 }],
    [at('reconnecting', 4), { type: 'open' }, { status: 'open', attempt: 0 }],
    [at('open'), { type: 'open' }, 'same'],
    [at('closed'), { type: 'open' }, 'same'],
    [at('open'), { type: 'retry', error, delayMs: 1000 }, { status: 'reconnecting', attempt: 1, delayMs: 1000, error }],
    [
      at('reconnecting', 1),
      { type: 'retry', error, delayMs: 2000 },
      { status: 'reconnecting', attempt: 2, delayMs: 2000 },
    ],
    [at('connecting'), { type: 'retry', error }, { status: 'reconnecting', attempt: 1, delayMs: undefined }],
    [IDLE, { type: 'retry', error }, 'same'],
    [at('reconnecting', 5), { type: 'fail', error }, { status: 'closed', attempt: 5, error }],
    [at('closed'), { type: 'fail', error }, 'same'],
    [at('reconnecting', 2), { type: 'disconnect' }, { status: 'closed', attempt: 0 }],
    [at('open'), { type: 'disconnect' }, { status: 'closed' }],
    [IDLE, { type: 'disconnect' }, 'same'],
    [at('closed'), { type: 'disconnect' }, 'same'],
    [at('connecting'), { type: 'transport', transport: 'polyfill' }, { status: 'connecting', transport: 'polyfill' }],
    [IDLE, { type: 'transport', transport: 'polyfill' }, 'same'],
    [
      at('connecting'),
      { type: 'share', state: { status: 'reconnecting', attempt: 2, delayMs: 400, error, role: 'follower' } },
      { status: 'reconnecting', attempt: 2, delayMs: 400, error, role: 'follower' },
    ],
  ]

  test.each(table)('%o + %o', (state, event, expected) => {
    const next = transition(state, event)
    if (expected === 'same') expect(next).toBe(state)
    else {
      expect(next).not.toBe(state)
      expect(next).toMatchObject(expected)
    }
  })

  test('a shared state is taken as it is, the same object', () => {
    const shared: ConnectionState = { status: 'open', attempt: 0, transport: 'native', role: 'leader' }
    expect(transition(at('connecting'), { type: 'share', state: shared })).toBe(shared)
  })

  test('keeps the transport across transitions', () => {
    let state = transition(transition(IDLE, { type: 'connect' }), { type: 'transport', transport: 'native' })
    state = transition(state, { type: 'open' })
    state = transition(state, { type: 'retry', error, delayMs: 5 })
    expect(state.transport).toBe('native')
    expect(transition(state, { type: 'transport', transport: 'native' })).toBe(state)
  })
})
