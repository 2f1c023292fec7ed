/** @jest-environment jsdom */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import ts from 'typescript'
import { SsekitError } from '../src/errors'
import type { Client } from '../src/types'
import { bindButton, bindStatus } from '../src/ui'
import { createFakeClient } from './helpers/fake-client'

const makeButton = (): HTMLButtonElement => document.body.appendChild(document.createElement('button'))

function makeStatus(): HTMLElement {
  const element = document.body.appendChild(document.createElement('p'))
  element.className = 'status'
  return element
}

afterEach(() => {
  document.body.replaceChildren()
})

describe('bindButton', () => {
  test.each([
    ['idle', 'Connect', 'false'],
    ['connecting', 'Disconnect', 'true'],
    ['open', 'Disconnect', 'true'],
    ['reconnecting', 'Disconnect', 'true'],
    ['closed', 'Connect', 'false'],
  ] as const)('%s → "%s", aria-pressed=%s', (status, text, pressed) => {
    const client = createFakeClient()
    client.setState({ status })
    const button = makeButton()
    bindButton(client, button)
    expect(button.textContent).toBe(text)
    expect(button.getAttribute('aria-pressed')).toBe(pressed)
    expect(button.getAttribute('data-status')).toBe(status)
  })

  test('class names per status, as on the status line', () => {
    const client = createFakeClient()
    const button = makeButton()
    button.className = 'btn'
    bindButton(client, button, { classNames: { open: 'is-live', reconnecting: 'is-retrying' } })
    expect(button.className).toBe('btn')
    client.setState({ status: 'open' })
    expect(button.className).toBe('btn is-live')
    client.setState({ status: 'reconnecting', attempt: 1 })
    expect(button.className).toBe('btn is-retrying')
  })

  test('follows state changes and uses custom texts', () => {
    const client = createFakeClient()
    const button = makeButton()
    bindButton(client, button, { connectText: 'Go live', disconnectText: 'Stop' })
    expect(button.textContent).toBe('Go live')
    client.setState({ status: 'open' })
    expect(button.textContent).toBe('Stop')
    expect(button.getAttribute('data-status')).toBe('open')
    client.setState({ status: 'closed' })
    expect(button.textContent).toBe('Go live')
  })

  test('clicks toggle connect and disconnect, in order', () => {
    const client = createFakeClient()
    const button = makeButton()
    bindButton(client, button)
    button.click() // idle → connect (fake moves to connecting)
    button.click() // connecting → disconnect (fake moves to closed)
    button.click() // closed → connect
    client.setState({ status: 'open' })
    button.click() // open → disconnect
    client.setState({ status: 'reconnecting', attempt: 1, delayMs: 1000 })
    button.click() // reconnecting → disconnect
    expect(client.log).toEqual(['connect', 'disconnect', 'connect', 'disconnect', 'disconnect'])
  })

  test('binding the same button twice does not stack handlers', () => {
    const client = createFakeClient()
    const button = makeButton()
    bindButton(client, button)
    bindButton(client, button)
    button.click()
    expect(client.log).toEqual(['connect'])
    expect(client.listenerCount()).toBe(1)
  })

  test('rebinding to another client leaves the first one alone', () => {
    const first = createFakeClient()
    const second = createFakeClient()
    const button = makeButton()
    const unbindFirst = bindButton(first, button)
    bindButton(second, button, { connectText: 'Second' })
    expect(first.listenerCount()).toBe(0)
    first.setState({ status: 'open' })
    expect(button.textContent).toBe('Second')
    button.click()
    expect(first.log).toEqual([])
    expect(second.log).toEqual(['connect'])
    // The stale unbind must not undo the newer binding.
    unbindFirst()
    button.click()
    expect(second.log).toEqual(['connect', 'disconnect'])
  })

  test('unbind removes the click listener and the subscription, and keeps the text', () => {
    const client = createFakeClient()
    const button = makeButton()
    const unbind = bindButton(client, button)
    expect(client.listenerCount()).toBe(1)
    unbind()
    expect(client.listenerCount()).toBe(0)
    button.click()
    client.setState({ status: 'open' })
    expect(client.log).toEqual([])
    expect(button.textContent).toBe('Connect')
    unbind() // a second call is harmless
    expect(client.listenerCount()).toBe(0)
  })

  test('accepts a client with any event map', () => {
    const typed: Client<{ date: string }> = createFakeClient<{ date: string }>()
    const unbindButton = bindButton(typed, makeButton())
    const unbindStatus = bindStatus(typed, makeStatus())
    unbindButton()
    unbindStatus()
  })
})

describe('bindStatus', () => {
  test.each([
    ['idle', 'Not connected'],
    ['connecting', 'Connecting…'],
    ['open', 'Connection open!'],
    ['reconnecting', 'Attempting to reconnect!'],
    ['closed', 'Connection closed!'],
  ] as const)('%s → "%s" by default', (status, text) => {
    const client = createFakeClient()
    client.setState({ status })
    const element = makeStatus()
    bindStatus(client, element)
    expect(element.textContent).toBe(text)
    expect(element.getAttribute('data-status')).toBe(status)
  })

  test('shows attempt and delay while reconnecting', () => {
    const client = createFakeClient()
    const element = makeStatus()
    bindStatus(client, element)
    client.setState({ status: 'reconnecting', attempt: 3, delayMs: 4000 })
    expect(element.textContent).toBe('Attempting to reconnect! (attempt 3, next in 4s)')
    client.setState({ attempt: 1, delayMs: 1500 })
    expect(element.textContent).toBe('Attempting to reconnect! (attempt 1, next in 1.5s)')
    client.setState({ attempt: 2, delayMs: 250 })
    expect(element.textContent).toBe('Attempting to reconnect! (attempt 2, next in 250ms)')
    client.setState({ attempt: 2, delayMs: undefined })
    expect(element.textContent).toBe('Attempting to reconnect! (attempt 2)')
  })

  test('appends the error message when closed on an error', () => {
    const client = createFakeClient()
    const element = makeStatus()
    bindStatus(client, element)
    const error = new SsekitError('Connection failed with status 503: GET /stream', {
      code: 'http-status',
      status: 503,
    })
    client.setState({ status: 'closed', error })
    expect(element.textContent).toBe('Connection closed! Connection failed with status 503: GET /stream')
  })

  test('custom texts as strings and functions, defaults for the rest', () => {
    const client = createFakeClient()
    const element = makeStatus()
    bindStatus(client, element, {
      texts: {
        open: 'Live',
        reconnecting: (state) => `Retry #${state.attempt} in ${state.delayMs}ms`,
      },
    })
    expect(element.textContent).toBe('Not connected')
    client.setState({ status: 'open' })
    expect(element.textContent).toBe('Live')
    client.setState({ status: 'reconnecting', attempt: 2, delayMs: 2000 })
    expect(element.textContent).toBe('Retry #2 in 2000ms')
    client.setState({ status: 'closed' })
    expect(element.textContent).toBe('Connection closed!')
  })

  test('classNames: exactly the current status class, other classes kept', () => {
    const client = createFakeClient()
    const element = makeStatus()
    element.classList.add('keep-me')
    bindStatus(client, element, {
      classNames: { open: 'is-open', reconnecting: 'is-reconnecting is-busy', closed: 'is-closed' },
    })
    expect([...element.classList]).toEqual(['status', 'keep-me'])
    client.setState({ status: 'open' })
    expect([...element.classList]).toEqual(['status', 'keep-me', 'is-open'])
    client.setState({ status: 'reconnecting', attempt: 1, delayMs: 1000 })
    expect([...element.classList]).toEqual(['status', 'keep-me', 'is-reconnecting', 'is-busy'])
    client.setState({ status: 'closed' })
    expect([...element.classList]).toEqual(['status', 'keep-me', 'is-closed'])
    client.setState({ status: 'connecting' })
    expect([...element.classList]).toEqual(['status', 'keep-me'])
  })

  test('writes text, never markup', () => {
    const client = createFakeClient()
    const element = makeStatus()
    bindStatus(client, element)
    const message = '<img src=x onerror=alert(1)>'
    client.setState({ status: 'closed', error: new SsekitError(message, { code: 'network' }) })
    expect(element.textContent).toBe(`Connection closed! ${message}`)
    expect(element.children).toHaveLength(0)
    expect(document.querySelector('img')).toBeNull()
  })

  test('binding the same element twice does not stack subscriptions', () => {
    const client = createFakeClient()
    const element = makeStatus()
    const writes: string[] = []
    bindStatus(client, element, { texts: { open: () => (writes.push('first'), 'first') } })
    bindStatus(client, element, { texts: { open: () => (writes.push('second'), 'second') } })
    client.setState({ status: 'open' })
    expect(writes).toEqual(['second'])
    expect(element.textContent).toBe('second')
    expect(client.listenerCount()).toBe(1)
  })

  test('a button and a status line on one element are bound separately', () => {
    const client = createFakeClient()
    const element = makeButton()
    bindButton(client, element)
    bindStatus(client, element)
    expect(client.listenerCount()).toBe(2)
  })

  test('unbind removes the subscription and leaves the element as it is', () => {
    const client = createFakeClient()
    const element = makeStatus()
    const unbind = bindStatus(client, element, { classNames: { open: 'is-open' } })
    client.setState({ status: 'open' })
    unbind()
    expect(client.listenerCount()).toBe(0)
    client.setState({ status: 'closed' })
    expect(element.textContent).toBe('Connection open!')
    expect(element.getAttribute('data-status')).toBe('open')
    expect(element.classList.contains('is-open')).toBe(true)
  })
})

describe('module load', () => {
  test('runs with no window or document (SSR, workers)', () => {
    // Compile ui.ts on its own and run it in a bare context: any global DOM access at load would throw.
    const source = readFileSync(join(__dirname, '../src/ui.ts'), 'utf8')
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2019 },
    })
    const loaded = { exports: {} as Record<string, unknown> }
    runInNewContext(outputText, { module: loaded, exports: loaded.exports, require: () => ({}) })
    expect(typeof loaded.exports.bindButton).toBe('function')
    expect(typeof loaded.exports.bindStatus).toBe('function')
  })
})
