/** @jest-environment node */
import { createClientWith } from '../src/client'
import { DEV } from '../src/dev'
import type { ClientOptions } from '../src/types'
import { createFakeTransport } from './helpers/fake-transport'

const create = (options: unknown, url: unknown = '/s') =>
  createClientWith(createFakeTransport().source, url as string, options as ClientOptions)

test.each([
  [{ transport: 'websocket' }, 'transport', /transport: expected "auto", "native", "fetch" or "polyfill"/],
  [{ retyr: {} }, 'retyr', /retyr: unknown option; did you mean "retry"\?/],
  [{ retry: { maxDelay: 5 } }, 'retry.maxDelay', /retry\.maxDelay: unknown option; did you mean "retry\.maxDelayMs"\?/],
  [{ retry: { jitter: 2 } }, 'retry.jitter', /retry\.jitter: expected a number from 0 to 1/],
  [{ share: 1 }, 'share', /share: expected a boolean or a string \(the share key\), got 1/],
  [{ share: {} }, 'share', /share: expected a boolean or a string/],
  [{ retry: { factor: 0.5 } }, 'retry.factor', /retry\.factor/],
  [{ retry: { initialDelayMs: 5000, maxDelayMs: 1000 } }, 'retry.maxDelayMs', /retry\.maxDelayMs/],
  [{ retry: { maxAttempts: -1 } }, 'retry.maxAttempts', /retry\.maxAttempts/],
  [{ retry: 'always' }, 'retry', /retry: expected an object, "transport" or false/],
  [{ retry: { decide: 1 } }, 'retry.decide', /retry\.decide: expected a function/],
  [
    { headers: { 'X-A': 'a\nb' } },
    'headers',
    /headers: "X-A": a header needs a token name and a string value without CR, LF/,
  ],
  [{ headers: { 'X-A': 1 } }, 'headers', /headers: "X-A": a header needs/],
  [
    { headers: { A: 'b' }, transport: 'native' },
    'headers',
    /native EventSource cannot send headers; use transport "fetch"/,
  ],
  [{ method: 'POST', transport: 'polyfill' }, 'method', /method: expected an upper-case method \(polyfill: GET\)/],
  [{ method: 'post' }, 'method', /method: expected an upper-case method/],
  [{ method: 'GET /x HTTP/1.1' }, 'method', /method: expected an upper-case method/],
  [{ method: 7 }, 'method', /method: expected an upper-case method/],
  [{ body: 'x' }, 'body', /body: expected a string or a function, with a method/],
  [{ body: 'x', method: 'HEAD' }, 'body', /body: expected a string or a function, with a method/],
  [{ body: 'x', method: 'GET' }, 'body', /body: expected a string or a function, with a method/],
  [{ body: {}, method: 'POST' }, 'body', /body: expected a string or a function/],
  [{ decode: 'xml' }, 'decode', /decode/],
  [{ lastEventId: 'a\rb' }, 'lastEventId', /lastEventId/],
  [{ lastEventIdParam: 'a b' }, 'lastEventIdParam', /lastEventIdParam/],
  [{ withCredentials: 'yes' }, 'withCredentials', /withCredentials: expected a boolean/],
  [{ onError: 'log' }, 'onError', /onError/],
  [
    { heartbeatTimeoutMs: '5s' },
    'heartbeatTimeoutMs',
    /heartbeatTimeoutMs: expected a number from 0 to 2147483647, got "5s"/,
  ],
  [{ retry: { random: {} } }, 'retry.random', /retry\.random: expected a function, got object$/],
  [{ transport: ['auto'] }, 'transport', /transport: expected "auto", "native", "fetch" or "polyfill", got object/],
  [null, 'options', /options: expected an object/],
  [
    { retry: { maxRetryAfterMs: -1 } },
    'retry.maxRetryAfterMs',
    /retry\.maxRetryAfterMs: expected a number from 0 to 2147483647/,
  ],
  // Names of Object.prototype members are unknown options like any other, never rules of their own.
  [JSON.parse('{"constructor": 1}'), 'constructor', /constructor: unknown option/],
  [JSON.parse('{"toString": 1}'), 'toString', /toString: unknown option/],
  [JSON.parse('{"__proto__": 1}'), '__proto__', /__proto__: unknown option/],
  [{ retry: JSON.parse('{"hasOwnProperty": 1}') }, 'retry.hasOwnProperty', /retry\.hasOwnProperty: unknown option/],
  // A header name must be a token: a request carrying "X Bad" would fail every attempt, so it is refused at once.
  [{ headers: { 'X Bad': 'a' } }, 'headers', /headers: "X Bad": a header needs a token name/],
  [{ headers: { 'X:A': 'a' } }, 'headers', /headers: "X:A": a header needs/],
  [{ headers: { '': 'a' } }, 'headers', /headers: "": a header needs/],
])('%o is refused, naming %s', (options, name, message) => {
  // The production build names the option; the development build also says what was expected.
  expect(() => create(options)).toThrow(DEV ? message : 'Invalid option ' + name + ': ')
  try {
    create(options)
  } catch (error) {
    expect(error).toMatchObject({ name: 'SsekitError', code: 'bad-option' })
  }
})

test('a bad url is refused', () => {
  expect(() => create({}, '')).toThrow(DEV ? /url: expected a non-empty string/ : 'Invalid option url: bad value')
  expect(() => create({}, 42)).toThrow(/url/)
})

test('valid options pass', () => {
  expect(() =>
    create({
      transport: 'polyfill',
      withCredentials: true,
      headers: { Authorization: 'Bearer x' },
      lastEventId: '1795514888:0',
      decode: (raw: string) => raw.length,
      retry: { initialDelayMs: 0, maxDelayMs: 10, factor: 1, jitter: 1, maxAttempts: Infinity, decide: () => true },
      lastEventIdParam: 'last_event_id',
      onError: () => undefined,
    }),
  ).not.toThrow()
  expect(() => create({ transport: 'fetch', method: 'POST', body: () => '{}', headers: () => ({}) })).not.toThrow()
  expect(() => create({ transport: 'native', method: 'GET' })).not.toThrow()
  expect(() => create({ transport: 'polyfill', method: 'GET', headers: {} })).not.toThrow()
  expect(() => create({ retry: 'transport' })).not.toThrow()
  expect(() => create({ retry: false })).not.toThrow()
  expect(() => create({ share: true })).not.toThrow()
  expect(() => create({ share: 'prices' })).not.toThrow()
  expect(() => create({ share: false })).not.toThrow()
})

describe('the URL', () => {
  test('a URL object is accepted and read once', () => {
    expect(create({}, new URL('http://127.0.0.1:3000/stream/date?x=1')).url).toBe(
      'http://127.0.0.1:3000/stream/date?x=1',
    )
  })

  test('relative with no page to resolve it against (Node): created (server rendering), refused by connect()', () => {
    const fake = createFakeTransport()
    const client = createClientWith(fake.source, '/stream/date')
    expect(client.state.status).toBe('idle')
    expect(() => client.connect()).toThrow(
      DEV ? 'Invalid option url: "/stream/date" is relative: pass an absolute URL' : 'Invalid option url: relative',
    )
    expect(() => client.connect()).toThrow(expect.objectContaining({ name: 'SsekitError', code: 'bad-option' }))
    expect(fake.connections).toHaveLength(0)
    expect(client.state.status).toBe('idle')
  })
})

test('on() and subscribe() refuse what is not a function, at once', () => {
  const client = create({}, 'http://test/s')
  expect(() => client.on('date', 'not a function' as never)).toThrow(
    expect.objectContaining({ name: 'SsekitError', code: 'bad-option', message: expect.stringMatching(/handler/) }),
  )
  expect(() => client.subscribe(42 as never)).toThrow(
    expect.objectContaining({ code: 'bad-option', message: expect.stringMatching(/listener/) }),
  )
})
