import type { TransportFactory } from './types'

/**
 * Loads event-source-polyfill and its glue on first use, as a separate chunk, so apps on browsers with a native
 * EventSource never download it.
 * @internal
 */
export function loadPolyfill(done: (factory: TransportFactory) => void, failed: (cause: unknown) => void): void {
  import('./polyfill-chunk').then((module) => done(module.transport), failed)
}
