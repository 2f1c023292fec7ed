/**
 * One-line bindings of a client's connection state to the DOM: a Connect/Disconnect button and a status line.
 *
 * Both bindings only touch the element they are given, and nothing at module load, so importing this file is safe
 * under SSR, in workers and in Node. Text goes in through `textContent` only, so an error message from the network
 * can never become markup. Binding an element again first removes its previous binding: handlers never pile up
 * (the seed dashboard added one click handler per reconnect).
 */
import { isActive } from './state'
import type { Client, ConnectionState, ConnectionStatus, EventMap, Unsubscribe } from './types'

/**
 * The part of a {@link Client} the bindings use. Any client fits, whatever its event map.
 *
 * @example
 * ```ts
 * const client: BindableClient = createClient<{ date: string }>('/stream/date')
 * ```
 * @public
 */
export type BindableClient = Pick<Client<EventMap>, 'connect' | 'disconnect' | 'subscribe' | 'state'>

/**
 * Options of {@link bindButton}.
 *
 * @example
 * ```ts
 * const options: BindButtonOptions = { connectText: 'Go live', disconnectText: 'Pause' }
 * bindButton(client, button, options)
 * ```
 * @public
 */
export interface BindButtonOptions {
  /** The label while the client is `idle` or `closed`. @defaultValue 'Connect' */
  connectText?: string
  /** The label while the client is `connecting`, `open` or `reconnecting`. @defaultValue 'Disconnect' */
  disconnectText?: string
  /** Class names per status, as in {@link BindStatusOptions.classNames}, e.g. to style a live button. */
  classNames?: Partial<Record<ConnectionStatus, string>>
}

/**
 * A status text, or a function that writes it from the state (to show attempts, delays or errors).
 *
 * @example
 * ```ts
 * const reconnecting: StatusText = (state) => `Retrying (attempt ${state.attempt})`
 * bindStatus(client, element, { texts: { open: 'Live', reconnecting } })
 * ```
 * @public
 */
export type StatusText = string | ((state: ConnectionState) => string)

/**
 * Options of {@link bindStatus}.
 *
 * @example
 * ```ts
 * const options: BindStatusOptions = {
 *   texts: { idle: 'Offline', open: 'Live' },
 *   classNames: { open: 'is-open', reconnecting: 'is-reconnecting is-warning', closed: 'is-closed' },
 * }
 * bindStatus(client, element, options)
 * ```
 * @public
 */
export interface BindStatusOptions {
  /** Texts per status; the ones left out keep their defaults (see {@link bindStatus}). */
  texts?: Partial<Record<ConnectionStatus, StatusText>>
  /**
   * Class names per status. The element carries the class of the current status and none of the others listed
   * here; its other classes are left alone. A value may hold several space-separated classes.
   */
  classNames?: Partial<Record<ConnectionStatus, string>>
}

const boundButtons = new WeakMap<Element, Unsubscribe>()
const boundStatuses = new WeakMap<Element, Unsubscribe>()

/** Formats a delay briefly: `500ms`, `1.5s`, `30s`. */
function formatDelay(delayMs: number): string {
  if (delayMs < 1000) return `${Math.round(delayMs)}ms`
  return `${Math.round(delayMs / 100) / 10}s`
}

/** `Attempting to reconnect! (attempt 3, next in 4s)`, with whichever details the state has. */
function reconnectingText(state: ConnectionState): string {
  const details: string[] = []
  if (state.attempt > 0) details.push(`attempt ${state.attempt}`)
  if (state.delayMs !== undefined) details.push(`next in ${formatDelay(state.delayMs)}`)
  const suffix = details.length ? ` (${details.join(', ')})` : ''
  return `Attempting to reconnect!${suffix}`
}

/** `Connection closed!`, followed by the error's message when the connection closed on one. */
function closedText(state: ConnectionState): string {
  return state.error ? `Connection closed! ${state.error.message}` : 'Connection closed!'
}

const defaultTexts: Record<ConnectionStatus, StatusText> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  open: 'Connection open!',
  reconnecting: reconnectingText,
  closed: closedText,
}

/**
 * Subscribes `render` to the client and registers the binding in `registry`, replacing (and undoing) any earlier
 * binding of the same element. Returns the unbind, which is idempotent and runs `cleanup` once.
 */
function bind(
  registry: WeakMap<Element, Unsubscribe>,
  element: Element,
  client: BindableClient,
  render: (state: ConnectionState) => void,
  cleanup?: () => void,
): Unsubscribe {
  const previous = registry.get(element)
  if (previous) previous()
  let isBound = true
  // The client may call listeners it has already removed if it notifies from a copy of its list.
  const unsubscribe = client.subscribe((state) => {
    if (isBound) render(state)
  })
  const unbind: Unsubscribe = () => {
    if (!isBound) return
    isBound = false
    unsubscribe()
    if (cleanup) cleanup()
    // A later binding of this element has its own entry; leave it in place.
    if (registry.get(element) === unbind) registry.delete(element)
  }
  registry.set(element, unbind)
  return unbind
}

/**
 * Makes a button connect and disconnect a client, and keeps its label in step with the connection.
 *
 * The label reads `connectText` while the client is `idle` or `closed`, and `disconnectText` while it is
 * `connecting`, `open` or `reconnecting`. A click calls `connect()` or `disconnect()` according to the client's
 * state at the time of the click. The button also gets `data-status` (the status) and `aria-pressed` (`"true"`
 * unless idle or closed). Binding the same button again, to any client, first removes the earlier binding.
 * Give a button inside a form `type="button"`, or a click also submits the form.
 *
 * @param client - any ssekit client
 * @param button - the element to bind; only it is touched
 * @param options - the two labels and class names per status
 * @returns the function that removes the click handler and the subscription, leaving the label as it is
 *
 * @example
 * ```ts
 * const client = createClient('/stream/date')
 * const button = document.querySelector('button')
 * const unbind = button ? bindButton(client, button, {connectText: 'Go live'}) : () => {}
 * // later
 * unbind()
 * ```
 * @public
 */
export function bindButton(client: BindableClient, button: HTMLElement, options: BindButtonOptions = {}): Unsubscribe {
  const connectText = options.connectText || 'Connect'
  const disconnectText = options.disconnectText || 'Disconnect'
  const onClick = (): void => {
    if (!isActive(client.state)) client.connect()
    else client.disconnect()
  }
  const render = (state: ConnectionState): void => {
    const active = isActive(state)
    button.textContent = active ? disconnectText : connectText
    button.setAttribute('data-status', state.status)
    button.setAttribute('aria-pressed', String(active))
    if (options.classNames) swapClasses(button, options.classNames, state.status)
  }
  const unbind = bind(boundButtons, button, client, render, () => button.removeEventListener('click', onClick))
  button.addEventListener('click', onClick)
  return unbind
}

/**
 * Writes a client's connection status into an element, as text, and keeps it up to date.
 *
 * Default texts: `idle` → "Not connected", `connecting` → "Connecting…", `open` → "Connection open!",
 * `reconnecting` → "Attempting to reconnect!" with the attempt and the next delay where known, as in
 * "Attempting to reconnect! (attempt 3, next in 4s)", and `closed` → "Connection closed!", followed by
 * the error's message when it closed on an error. The text is set through `textContent`, never as
 * HTML. The element also gets `data-status` (the status) and, with `classNames`, the class of the current status.
 * Binding the same element again, to any client, first removes the earlier binding.
 *
 * @param client - any ssekit client
 * @param element - the element to write into; only it is touched
 * @param options - texts and class names per status
 * @returns the function that removes the subscription, leaving text, attribute and classes as they are
 *
 * @example
 * ```ts
 * const client = createClient('/stream/date')
 * const status = document.querySelector('#status')
 * if (status) {
 *   bindStatus(client, status, {
 *     texts: {open: 'Live', reconnecting: (state) => `Retrying (attempt ${state.attempt})`},
 *     classNames: {open: 'is-open', reconnecting: 'is-reconnecting', closed: 'is-closed'},
 *   })
 * }
 * ```
 * @public
 */
export function bindStatus(client: BindableClient, element: Element, options: BindStatusOptions = {}): Unsubscribe {
  const texts = options.texts || {}
  const classNames = options.classNames || {}
  const render = (state: ConnectionState): void => {
    const given = texts[state.status]
    // Only a text left out (or undefined) takes the default: an empty string is a text.
    const text = given != null ? given : defaultTexts[state.status]
    element.textContent = typeof text === 'function' ? text(state) : text
    element.setAttribute('data-status', state.status)
    swapClasses(element, classNames, state.status)
  }
  return bind(boundStatuses, element, client, render)
}

/**
 * Leaves on the element the classes of `status` and removes those of every other status listed. This runs in the
 * script-tag build too, so it keeps to what IE 11 has: no `Object.values`, no `Array.prototype.includes`, and one
 * class per `classList` call.
 */
function swapClasses(
  element: Element,
  classNames: Partial<Record<ConnectionStatus, string>>,
  status: ConnectionStatus,
): void {
  const split = (value: string | undefined): string[] => (value || '').split(/\s+/).filter(Boolean)
  const current = split(classNames[status])
  for (const key in classNames) {
    split(classNames[key as ConnectionStatus]).forEach((name) => {
      if (current.indexOf(name) < 0) element.classList.remove(name)
    })
  }
  current.forEach((name) => element.classList.add(name))
}
