/**
 * `ssekit/server`: a Server-Sent Events server on `node:http`, usable on its own or as Express middleware.
 *
 * @example
 * ```ts
 * import {createServer} from 'ssekit/server'
 * const sse = createServer({intervalMs: 1000})
 * console.log(await sse.listen(3000)) // http://127.0.0.1:3000
 * ```
 * @module ssekit/server
 */
export { createServer } from './app'
export type { RouteHandler, ServerOptions, SseServer } from './app'
export { createChannel } from './channel'
export { LOST_EVENT, PING_EVENT } from '../protocol'
export type { Channel, ChannelOptions, ClientErrorInfo } from './channel'
export type { CorsOptions } from './cors'
export { createClientLimiter } from './limits'
export type { ClientLimiter, ClientLimitOptions } from './limits'
export { encode, encodeComment } from './encode'
export type { SseMessage } from './encode'
