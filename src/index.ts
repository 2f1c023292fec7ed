/**
 * `ssekit`: a typed browser client for Server-Sent Events, with an observable connection state, a retry policy
 * and `Last-Event-ID` resume, plus one-line UI bindings. Importing it touches no `window` or `document`.
 *
 * @example
 * ```ts
 * import { createClient, bindStatus } from 'ssekit'
 *
 * type Events = { date: string; tick: { n: number } }
 * const client = createClient<Events>('/stream/date', { decode: 'json' })
 * client.on('date', (date, meta) => console.log(date, meta.lastEventId))
 * const status = document.querySelector('#status')
 * if (status) bindStatus(client, status)
 * client.connect()
 * ```
 * @module ssekit
 */
export { createClient } from './create-client'
export { bindButton, bindStatus } from './ui'
export { SsekitError, isSsekitError } from './errors'
export { version } from './version'
export { LOST_EVENT, PING_EVENT } from './protocol'
export type { ErrorCode, ErrorDetails, SsekitErrorConstructor } from './errors'
export type { EventSourceLike } from './transports/types'
export type {
  BodyOption,
  Client,
  ClientOptions,
  ConnectionState,
  ConnectionStatus,
  DecodedTypes,
  DecodeFunction,
  DecodeOption,
  EventData,
  EventHandler,
  EventMap,
  HeadersOption,
  LostNotice,
  MessageMeta,
  OptionsFor,
  RetryContext,
  RetryDecision,
  RetryOptions,
  ShareRole,
  TransportKind,
  Unsubscribe,
  WaitReason,
} from './types'
export type { BindButtonOptions, BindStatusOptions, BindableClient, StatusText } from './ui'
