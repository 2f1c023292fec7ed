/**
 * The polyfill transport with event-source-polyfill inside: the ESM build loads this module lazily, as one chunk,
 * so the polyfill and its glue cost nothing where native EventSource is used; the script-tag build bundles it.
 */
import { EventSourcePolyfill } from 'event-source-polyfill'
import { polyfillTransport, type PolyfillConstructor } from './polyfill'

/** The transport factory over the bundled polyfill. @internal */
export const transport = polyfillTransport(EventSourcePolyfill as unknown as PolyfillConstructor)
