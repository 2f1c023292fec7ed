import type { TransportFactory } from './types'

/**
 * Loads a transport that is not native on first use, as a chunk of its own, so that apps on the native path never
 * download it. One chunk decides: the fetch chunk hands over its own transport where `fetch` can stream, and
 * loads the polyfill chunk otherwise, or when it is asked for by name (see fetch-chunk.ts). So the choice costs the
 * core nothing, and a page that asks for the polyfill downloads the fetch chunk first.
 * @param wanted - the `transport` option
 * @param done - receives the factory
 * @param failed - receives why none could be loaded
 * @internal
 */
export function loadTransport(
  wanted: string,
  done: (factory: TransportFactory) => void,
  failed: (cause: unknown) => void,
): void {
  import('./fetch-chunk').then((module) => module.load(wanted, done, failed), failed)
}
