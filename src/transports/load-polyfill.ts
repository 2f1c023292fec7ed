import type { TransportFactory } from './types'
import { polyfillTransport, type PolyfillConstructor } from './polyfill'

/**
 * Loads event-source-polyfill on first use, as a separate chunk, so apps on browsers with a native EventSource
 * never download it.
 * @internal
 */
export function loadPolyfill(done: (factory: TransportFactory) => void, failed: (cause: unknown) => void): void {
  import('event-source-polyfill').then(
    (module) => done(polyfillTransport(module.EventSourcePolyfill as unknown as PolyfillConstructor)),
    failed,
  )
}
