/**
 * The fetch chunk, loaded lazily: the fetch transport and the feature test that picks it. Where `fetch` cannot
 * stream (no `ReadableStream`, `TextDecoder` or `AbortController`), and for `transport: 'polyfill'`, it goes on to
 * the polyfill chunk from here, so the choice costs the core nothing.
 */
import { DEV } from '../dev'
import { getGlobal } from '../global'
import { fetchTransport } from './fetch'
import type { TransportFactory } from './types'

/**
 * Hands over the fetch transport, or the polyfill where fetch cannot stream or `wanted` is `'polyfill'`.
 * @param wanted - the `transport` option: `'fetch'`, `'auto'`, `'polyfill'`, or `'native'` where there is none
 * @param done - receives the factory
 * @param failed - receives why none could be loaded
 * @internal
 */
export function load(
  wanted: string,
  done: (factory: TransportFactory) => void,
  failed: (cause: unknown) => void,
): void {
  const root = getGlobal() as Partial<typeof globalThis>
  const canStream = root.fetch && root.ReadableStream && root.TextDecoder && root.AbortController
  if (wanted === 'native' || (wanted === 'fetch' && !canStream)) {
    // Native asked for where there is none, or for a request it cannot send (another method, a body).
    return failed(new Error(DEV ? 'transport "' + wanted + '" cannot send this request here: use "auto"' : wanted))
  }
  if (canStream && wanted !== 'polyfill') return done(fetchTransport)
  import('./polyfill-chunk').then((module) => done(module.transport), failed)
}
